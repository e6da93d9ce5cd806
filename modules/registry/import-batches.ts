/**
 * The shape of every CSV import: stream the file, check each row, and load it in batches, each batch in one
 * transaction that commits whole or not at all. A batch holding any refused row (by the row check, or by the
 * database check in `load`) commits nothing, and every refused row is reported by line and reason; the other
 * batches go on, so a migration of millions of rows is fixed and re-run batch by batch, never left half-loaded.
 */
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import type { Actor } from '../access/index.ts';
import { readCsv } from './csv-rows.ts';

export interface Rejection { line: number; reason: string }

/** Who runs an import: a user through the API, or 'system' from the command line (audited as such). */
export interface ImportContext {
  actor: Actor | 'system';
  correlationId?: string;
  ip?: string;
}

export interface BatchImportReport {
  rows: number;
  imported: number;
  batchesCommitted: number;
  batchesRefused: number;
  /** Lines of refused batches that were themselves fine: re-run them once the refused rows are fixed. */
  heldBack: number;
  rejectedCount: number;
  /** The first MAX_REPORTED rejections (line in the file, reason code). */
  rejected: Rejection[];
}

const MAX_REPORTED = 10_000;

export interface BatchImportOptions<T> {
  columns: readonly string[];
  batchSize?: number;
  maxRowBytes?: number;
  check: (fields: string[]) => T | { reason: string };
  /** Batches loading at once (default 2), each in its own transaction on its own connection. */
  parallel?: number;
  /** Loads a checked batch on `client` inside its transaction; returns rows the database refuses (then it rolls back). */
  load: (client: pg.PoolClient, rows: Array<{ line: number; row: T }>) => Promise<Rejection[]>;
}

export async function importCsvBatches<T extends object>(pool: pg.Pool, input: Readable | AsyncIterable<Buffer | string>, opts: BatchImportOptions<T>): Promise<BatchImportReport> {
  const report: BatchImportReport = { rows: 0, imported: 0, batchesCommitted: 0, batchesRefused: 0, heldBack: 0, rejectedCount: 0, rejected: [] };
  const size = opts.batchSize ?? 5_000;
  const reject = (r: Rejection) => {
    report.rejectedCount++;
    if (report.rejected.length < MAX_REPORTED) report.rejected.push(r);
  };
  let good: Array<{ line: number; row: T }> = [];
  let bad = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown; // an unexpected error in a load in flight: stops the import at the next batch
  const load = async (batch: Array<{ line: number; row: T }>) => {
    const refused = await withTransaction(pool, async (c) => {
      const r = await opts.load(c, batch);
      if (r.length) throw new RefusedBatch(r);
      return r;
    }).catch((err) => {
      if (err instanceof RefusedBatch) return err.rows;
      // Two batches in flight racing for the same unique value (a UAVT code): the loser is refused whole.
      if (err instanceof AboneError && err.kind === 'user') return batch.map((b) => ({ line: b.line, reason: err.code }));
      throw err;
    });
    if (refused.length) {
      refused.forEach(reject);
      report.batchesRefused++;
      report.heldBack += batch.length - refused.length;
    } else {
      report.batchesCommitted++;
      report.imported += batch.length;
    }
  };
  const flush = async () => {
    if (bad) {
      report.batchesRefused++;
      report.heldBack += good.length;
    } else if (good.length) {
      // Parsing the next batch overlaps loading this one; at most `parallel` loads at once, each on its own connection.
      if (failure) throw failure;
      const p: Promise<void> = load(good)
        .catch((err) => void (failure ??= err))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= (opts.parallel ?? 2)) await Promise.race(inFlight);
    }
    good = [];
    bad = 0;
  };

  let headerOk = false;
  const rows = readCsv(input, { columns: opts.columns.length, maxRowBytes: opts.maxRowBytes }, (h) => {
    headerOk = h.length === opts.columns.length && h.every((name, i) => name.trim().toLowerCase() === opts.columns[i]);
  });
  for await (const r of rows) {
    if (!headerOk) throw new AboneError('ABONE_ERR_REGISTRY_IMPORT_HEADER', { expected: opts.columns.join(',') });
    report.rows++;
    if ('reason' in r) {
      reject(r);
      bad++;
    } else {
      const checked = opts.check(r.fields);
      if ('reason' in checked) {
        reject({ line: r.line, reason: String(checked.reason) });
        bad++;
      } else good.push({ line: r.line, row: checked as T });
    }
    if (good.length + bad >= size) await flush();
  }
  if (!headerOk) throw new AboneError('ABONE_ERR_REGISTRY_IMPORT_HEADER', { expected: opts.columns.join(',') });
  await flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

class RefusedBatch extends Error {
  constructor(readonly rows: Rejection[]) {
    super('batch refused');
  }
}
