/**
 * Writes a batch in one transaction on a dedicated connection.
 *
 * Fast path: COPY straight into `reading`. The primary key (meter, channel, ts) refuses a reading stored before; in
 * normal flow there are none, so the batch costs what a raw COPY costs. When a batch does carry a stored reading (a
 * redelivery after a crash, a device re-sending), the COPY fails with a unique violation; the writer rolls back to a
 * savepoint and takes the slow path: COPY into a temporary table, then INSERT ... ON CONFLICT DO NOTHING, which
 * stores exactly the new readings. Either way the events, dead letters and rollup marks commit with the readings.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { WriteBatch } from './write-batch.ts';

const COLUMNS = '(meter_id, channel_id, ts, value, quality, received_at)';

export interface WriteResult {
  written: number;
  duplicates: number;
  events: number;
}

export class ReadingWriter {
  private client: pg.Client | undefined;

  constructor(private readonly connectionString: string) {}

  async write(batch: WriteBatch): Promise<WriteResult> {
    const client = await this.connection();
    try {
      await client.query('BEGIN');
      const written = await this.writeReadings(client, batch);
      const events = await this.writeEvents(client, batch);
      await this.writeDeadLetters(client, batch);
      await this.markPending(client, batch);
      await client.query('COMMIT');
      return { written, duplicates: batch.readingCount - written, events };
    } catch (err) {
      // The connection may be gone (database restart); drop it so the next try opens a new one.
      await client.query('ROLLBACK').catch(() => undefined);
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    // pg's end() never resolves on a connection that already failed; do not wait on it for long.
    await Promise.race([c.end().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'abone-writer' });
    client.on('error', () => undefined); // surfaced by the next query; never crash the process
    await client.connect();
    await client.query('SET synchronous_commit = on');
    await client.query(`CREATE TEMP TABLE reading_stage (LIKE reading) ON COMMIT DELETE ROWS`);
    this.client = client;
    return client;
  }

  private async writeReadings(client: pg.Client, batch: WriteBatch): Promise<number> {
    if (!batch.readingCount) return 0;
    await client.query('SAVEPOINT fast_path');
    try {
      await copy(client, `COPY reading ${COLUMNS} FROM STDIN`, batch.copyText());
      await client.query('RELEASE SAVEPOINT fast_path');
      return batch.readingCount;
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      await client.query('ROLLBACK TO SAVEPOINT fast_path');
    }
    await copy(client, `COPY reading_stage ${COLUMNS} FROM STDIN`, batch.copyText());
    const { rowCount } = await client.query(`INSERT INTO reading ${COLUMNS} SELECT ${COLUMNS.slice(1, -1)} FROM reading_stage ON CONFLICT DO NOTHING`);
    await client.query('TRUNCATE reading_stage');
    return rowCount ?? 0;
  }

  private async writeEvents(client: pg.Client, batch: WriteBatch): Promise<number> {
    if (!batch.events.length) return 0;
    const e = batch.events;
    const { rowCount } = await client.query(
      `INSERT INTO meter_event (meter_id, ts, code, detail, received_at)
       SELECT m, to_timestamp(t / 1000.0), c, d::jsonb, now() FROM unnest($1::int[], $2::float8[], $3::text[], $4::text[]) AS x(m, t, c, d)
       ON CONFLICT DO NOTHING`,
      [e.map((r) => r.meterId), e.map((r) => r.ts), e.map((r) => r.code), e.map((r) => r.detail)],
    );
    return rowCount ?? 0;
  }

  private async writeDeadLetters(client: pg.Client, batch: WriteBatch): Promise<void> {
    const d = batch.deadLetters;
    if (!d.length) return;
    await client.query(
      `INSERT INTO dead_letter (source, topic, reason, detail, raw, raw_size, raw_sha256)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::int[], $7::bytea[])`,
      [d.map((r) => r.source), d.map((r) => (r.topic === null ? null : stripNul(r.topic))), d.map((r) => r.reason), d.map((r) => stripNul(r.detail)), d.map((r) => r.raw), d.map((r) => r.rawSize), d.map((r) => r.rawSha256)],
    );
  }

  private async markPending(client: pg.Client, batch: WriteBatch): Promise<void> {
    if (!batch.pendingHours.size) return;
    const meters: number[] = [];
    const hours: number[] = [];
    for (const [m, h] of batch.pendingHours.values()) {
      meters.push(m);
      hours.push(h / 1000);
    }
    await client.query(`INSERT INTO rollup_pending (meter_id, hour) SELECT m, to_timestamp(h) FROM unnest($1::int[], $2::float8[]) AS x(m, h)`, [meters, hours]);
  }
}

/** PostgreSQL text cannot hold NUL; hostile payloads carry it. */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replace(/\u0000/g, '\\0') : s;
}

async function copy(client: pg.Client, sql: string, text: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  // The batch's text is already in chunks of ~256 KiB: few writes, no joining.
  await pipeline(Readable.from(text), stream);
}
