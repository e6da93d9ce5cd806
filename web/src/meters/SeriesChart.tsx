/** One channel over time with uPlot: small, fast on tens of thousands of points, no framework wrapper needed. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function SeriesChart({ xs, ys, label, unit }: { xs: number[]; ys: Array<number | null>; label: string; unit: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 320,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Europe/Istanbul'),
        series: [{}, { label: `${label} (${unit})`, stroke: '#1c7ed6', width: 2, spanGaps: false }],
        axes: [{}, { label: unit }],
      },
      [xs, ys],
      el,
    );
    const resize = () => plot.setSize({ width: el.clientWidth || 800, height: 320 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [xs, ys, label, unit]);
  return <div ref={box} data-testid="series-chart" />;
}
