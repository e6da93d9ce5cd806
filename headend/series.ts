/**
 * A meter channel's series. Raw points come from `reading`; hour/day/month from the rollups. The value of a bucket
 * depends on the channel kind: interval consumption sums, a register shows its last index (and `delta`, the
 * consumption over the bucket), an instant value (pressure, temperature) averages, with min and max beside it.
 */
import type pg from 'pg';
import type { Channel } from './channels.ts';

export const RESOLUTIONS = ['raw', 'hour', 'day', 'month'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const TABLE: Record<Exclude<Resolution, 'raw'>, string> = { hour: 'rollup_hourly', day: 'rollup_daily', month: 'rollup_monthly' };

export interface SeriesPoint {
  ts: string;
  value: number;
  min?: number;
  max?: number;
  n?: number;
  delta?: number;
}

export async function querySeries(
  pool: pg.Pool,
  q: { meterId: number; channel: Channel; resolution: Resolution; from: Date; to: Date; limit: number; registerDigits?: number },
): Promise<SeriesPoint[]> {
  if (q.resolution === 'raw') {
    const { rows } = await pool.query(
      `SELECT ts, value FROM reading WHERE meter_id = $1 AND channel_id = $2 AND ts >= $3 AND ts < $4 ORDER BY ts LIMIT $5`,
      [q.meterId, q.channel.id, q.from, q.to, q.limit],
    );
    return rows.map((r) => ({ ts: r.ts.toISOString(), value: r.value }));
  }
  const { rows } = await pool.query(
    `SELECT bucket, n, sum, min, max, first_value, last_value FROM ${TABLE[q.resolution]}
     WHERE meter_id = $1 AND channel_id = $2 AND bucket >= $3 AND bucket < $4 ORDER BY bucket LIMIT $5`,
    [q.meterId, q.channel.id, q.from, q.to, q.limit],
  );
  let previousLast: number | undefined;
  return rows.map((r) => {
    const base = { ts: r.bucket.toISOString(), n: r.n, min: r.min, max: r.max };
    if (q.channel.kind === 'interval') return { ...base, value: r.sum };
    if (q.channel.kind === 'instant') return { ...base, value: r.sum / r.n };
    // Register: consumption over the bucket is last - previous bucket's last (or - first within the first bucket).
    // A register that wrapped past its last digit (99999.999 -> 0) shows a step of nearly minus its whole range:
    // add the range back. A small negative step is reverse flow, real and kept.
    let delta = r.last_value - (previousLast ?? r.first_value);
    if (q.registerDigits !== undefined && delta < -(10 ** q.registerDigits) / 2) delta += 10 ** q.registerDigits;
    previousLast = r.last_value;
    return { ...base, value: r.last_value, delta };
  });
}
