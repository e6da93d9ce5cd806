/**
 * The readings table's physical shape. With TimescaleDB, `reading` is a hypertable: chunks appear by themselves and
 * retention is `drop_chunks`. Without it, `reading` is range-partitioned by month and this module creates partitions
 * ahead of time (and on demand for late data within retention) and drops whole partitions past retention: dropping a
 * partition is instant, deleting rows is not.
 */
import type pg from 'pg';
import { contextLogger } from '../platform/logger.ts';

const log = contextLogger('storage');

export class ReadingStorage {
  private timescale: boolean | undefined;
  private readonly knownMonths = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  async isTimescale(): Promise<boolean> {
    if (this.timescale === undefined) {
      const { rows } = await this.pool.query(`SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'reading') AS ts`).catch(() => ({ rows: [{ ts: false }] }));
      this.timescale = rows[0].ts === true;
    }
    return this.timescale;
  }

  /** Makes sure partitions exist for every month touched by [fromMs, toMs]. Cheap when they are known. */
  async ensureRange(fromMs: number, toMs: number): Promise<void> {
    if (await this.isTimescale()) return;
    for (const month of monthsBetween(fromMs, toMs)) {
      if (this.knownMonths.has(month.name)) continue;
      await this.createPartition(month);
      this.knownMonths.add(month.name);
    }
  }

  async ensureAhead(months: number, now = Date.now()): Promise<void> {
    const d = new Date(now);
    const ahead = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    await this.ensureRange(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), ahead);
  }

  /** Drops raw readings older than the retention period; rollups are kept. Returns the partitions dropped. */
  async applyRetention(retentionDays: number, now = Date.now()): Promise<string[]> {
    const cutoff = new Date(now - retentionDays * 86_400_000);
    if (await this.isTimescale()) {
      await this.pool.query(`SELECT drop_chunks('reading', older_than => $1::timestamptz)`, [cutoff]);
      return [];
    }
    const { rows } = await this.pool.query<{ name: string; upper: Date }>(
      `SELECT c.relname AS name, (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass`,
    );
    const dropped: string[] = [];
    for (const r of rows) {
      if (r.upper && r.upper <= cutoff) {
        await this.pool.query(`DROP TABLE IF EXISTS ${pgIdent(r.name)}`);
        this.knownMonths.delete(r.name.replace(/^reading_p/, ''));
        dropped.push(r.name);
        log.info({ partition: r.name }, 'reading partition dropped by retention');
      }
    }
    return dropped;
  }

  private async createPartition(month: { name: string; from: string; to: string }): Promise<void> {
    const table = `reading_p${month.name}`;
    try {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${table} PARTITION OF reading FOR VALUES FROM ('${month.from}') TO ('${month.to}')`);
    } catch (err) {
      // Another process created it between our check and our create: that is what we wanted.
      if (!/already exists|would overlap/.test((err as Error).message)) throw err;
    }
  }
}

export function monthsBetween(fromMs: number, toMs: number): Array<{ name: string; from: string; to: string }> {
  const out = [];
  const start = new Date(fromMs);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  while (Date.UTC(y, m, 1) <= toMs) {
    const from = new Date(Date.UTC(y, m, 1));
    const to = new Date(Date.UTC(y, m + 1, 1));
    out.push({ name: `${y}${String(m + 1).padStart(2, '0')}`, from: from.toISOString(), to: to.toISOString() });
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

function pgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return name;
}
