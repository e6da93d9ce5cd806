/**
 * The references the pipeline is compared with, run in the same process as the bench on the same rows:
 *  - raw COPY: `COPY reading FROM STDIN` (pg-copy-streams) of pre-formatted text, no parsing, no validation, no
 *    MQTT; one stream on one connection by default, or `rowsPerCopy`-row COPYs spread over `connections`;
 *  - naive INSERTs for a sample: multi-row `INSERT ... VALUES` (500 rows a statement, each its own transaction)
 *    and row-by-row `INSERT` (each its own transaction), what an ingest without COPY or batching would do.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const COLUMNS = '(meter_id, channel_id, ts, value, quality, received_at)';

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: 'abone-bench-reference' });
  await c.connect();
  await c.query('SET synchronous_commit = on'); // as the head-end's writers
  return c;
}

/** Seconds to COPY every chunk (each chunk holds whole lines). */
export async function rawCopy(url: string, chunks: Buffer[], opts: { connections: number; chunksPerCopy: number }): Promise<number> {
  const clients = await Promise.all(Array.from({ length: opts.connections }, () => connect(url)));
  const groups: Buffer[][] = [];
  for (let i = 0; i < chunks.length; i += opts.chunksPerCopy) groups.push(chunks.slice(i, i + opts.chunksPerCopy));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < groups.length) {
        const group = groups[next++];
        await pipeline(Readable.from(group), c.query(copyFrom(`COPY reading ${COLUMNS} FROM STDIN`)));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return seconds;
}

/** The first `n` rows of the COPY text, as column arrays' rows. */
export function sampleRows(chunks: Buffer[], n: number): string[][] {
  const rows: string[][] = [];
  for (const chunk of chunks) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      rows.push(line.split('\t'));
      if (rows.length >= n) return rows;
    }
  }
  return rows;
}

/** Seconds to store `rows` with multi-row INSERTs of `perStatement` rows, autocommit. */
export async function multiRowInsert(url: string, rows: string[][], perStatement = 500): Promise<number> {
  const c = await connect(url);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += perStatement) {
    const slice = rows.slice(i, i + perStatement);
    const values = slice.map((_, r) => `($${r * 6 + 1}, $${r * 6 + 2}, $${r * 6 + 3}, $${r * 6 + 4}, $${r * 6 + 5}, $${r * 6 + 6})`).join(', ');
    await c.query(`INSERT INTO reading ${COLUMNS} VALUES ${values}`, slice.flat());
  }
  const seconds = (performance.now() - started) / 1000;
  await c.end();
  return seconds;
}

/** Seconds to store `rows` one INSERT (and one commit) at a time. */
export async function rowByRowInsert(url: string, rows: string[][]): Promise<number> {
  const c = await connect(url);
  const started = performance.now();
  for (const r of rows) await c.query({ name: 'ins', text: `INSERT INTO reading ${COLUMNS} VALUES ($1, $2, $3, $4, $5, $6)`, values: r });
  const seconds = (performance.now() - started) / 1000;
  await c.end();
  return seconds;
}
