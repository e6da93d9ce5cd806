/**
 * Grafana's `$__interval`: the time range divided by the panel's data points, rounded to a "nice" step, never below
 * the panel's (or data source's) minimum interval. Same ladder as Grafana's rangeutil, so the test groups rows the
 * way a browser would.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

// [upper bound (exclusive), rounded step] in milliseconds.
const LADDER: ReadonlyArray<readonly [number, number]> = [
  [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, S], [3500, 2 * S], [7500, 5 * S],
  [12500, 10 * S], [17500, 15 * S], [25000, 20 * S], [45000, 30 * S], [90000, M], [210000, 2 * M], [450000, 5 * M],
  [750000, 10 * M], [1050000, 15 * M], [1500000, 20 * M], [2700000, 30 * M], [5400000, H], [9000000, 2 * H],
  [16200000, 3 * H], [32400000, 6 * H], [D, 12 * H], [7 * D, D], [21 * D, 7 * D], [42 * D, 30 * D],
];

export function roundInterval(ms: number): number {
  for (const [below, step] of LADDER) if (ms < below) return step;
  return 365 * D;
}

const UNITS: Record<string, number> = { ms: 1, s: S, m: M, h: H, d: D, w: 7 * D, M: 30 * D, y: 365 * D };

/** '1h', '30m', '7d', '500ms' -> milliseconds (months and years as 30 and 365 days). */
export function parseInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|M|y)$/.exec(text.trim());
  if (!m) throw new Error(`not an interval: "${text}"`);
  return Number(m[1]) * UNITS[m[2]];
}

/** Milliseconds -> Grafana's text form (largest whole unit: 86400000 -> '1d', 5400000 -> '1h'). */
export function formatInterval(ms: number): string {
  if (ms >= 365 * D) return `${Math.floor(ms / (365 * D))}y`;
  if (ms >= D) return `${Math.floor(ms / D)}d`;
  if (ms >= H) return `${Math.floor(ms / H)}h`;
  if (ms >= M) return `${Math.floor(ms / M)}m`;
  if (ms >= S) return `${Math.floor(ms / S)}s`;
  if (ms >= 1) return `${Math.floor(ms)}ms`;
  return '1ms';
}

/** The panel's `$__interval` in milliseconds for a range, its max data points and its minimum interval ('1h'). */
export function panelIntervalMs(rangeMs: number, maxDataPoints: number, minInterval?: string): number {
  const ms = roundInterval(rangeMs / maxDataPoints);
  const low = minInterval ? parseInterval(minInterval.replace(/^>/, '')) : 0;
  return Math.max(ms, low);
}
