/**
 * The ingest rate from `/metrics` (Prometheus text): the rise of `abone_ingest_readings_written_total` between two
 * samples over the time between them. A counter that went down means the server restarted: no rate for that step.
 */
export function counterValue(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name) return Number(m[3]);
  }
  return null;
}

export interface Sample {
  at: number;
  value: number;
}

export function ratePerSecond(prev: Sample | undefined, next: Sample): number | null {
  if (!prev || next.at <= prev.at || next.value < prev.value) return null;
  return ((next.value - prev.value) * 1000) / (next.at - prev.at);
}
