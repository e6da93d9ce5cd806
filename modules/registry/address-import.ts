/**
 * `abone import addresses FILE.csv`: addresses with their premise and installation, one per row, in batches that
 * commit whole (import-batches.ts). Columns: ADDRESS_COLUMNS (address-row.ts). A UAVT code already in the registry
 * or twice in one batch refuses its row.
 */
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { contextLogger } from '../../platform/logger.ts';
import { audit } from '../access/index.ts';
import { ADDRESS_COLUMNS, placeRow, type PlaceRow } from './address-row.ts';
import { importCsvBatches, type BatchImportReport, type ImportContext, type Rejection } from './import-batches.ts';
import { bulkInsertPlaces, existingUavtCodes } from './place-bulk.ts';

const log = contextLogger('registry');

/** Rows whose UAVT code is already taken, in the database or earlier in the same batch. */
export async function uavtClashes(client: pg.PoolClient, rows: Array<{ line: number; row: PlaceRow }>): Promise<Rejection[]> {
  const codes = rows.map((r) => r.row.uavtCode).filter((c): c is string => c !== null);
  const taken = await existingUavtCodes(client, codes);
  const seen = new Set<string>();
  const out: Rejection[] = [];
  for (const { line, row } of rows) {
    if (row.uavtCode === null) continue;
    if (taken.has(row.uavtCode) || seen.has(row.uavtCode)) out.push({ line, reason: 'uavt_code_taken' });
    seen.add(row.uavtCode);
  }
  return out;
}

export async function importAddresses(pool: pg.Pool, input: Readable | AsyncIterable<Buffer | string>, ctx: ImportContext, opts: { batchSize?: number } = {}): Promise<BatchImportReport> {
  const report = await importCsvBatches<PlaceRow>(pool, input, {
    columns: ADDRESS_COLUMNS,
    batchSize: opts.batchSize,
    check: placeRow,
    load: async (client, rows) => {
      const clashes = await uavtClashes(client, rows);
      if (clashes.length) return clashes;
      const ids = await bulkInsertPlaces(client, rows.map((r) => r.row));
      await audit(client, ctx.actor, { action: 'address.import', entity: 'installation', detail: { rows: ids.length, firstId: ids[0], lastId: ids.at(-1) }, correlationId: ctx.correlationId, ip: ctx.ip });
      return [];
    },
  });
  log.info({ rows: report.rows, imported: report.imported, rejected: report.rejectedCount, correlationId: ctx.correlationId }, 'addresses imported');
  return report;
}
