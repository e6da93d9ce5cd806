/**
 * `abone import parties FILE.csv`: holders from a legacy system (columns party_kind, party_name, national_id), in
 * batches that commit whole (import-batches.ts). A row whose national id an open party already has finds that party
 * instead of creating a second one. VKNs failing their check digit are kept and flagged, TCKNs failing theirs refused
 * (party-bulk.ts). Contacts and consents are not imported: consent is recorded where it is given, through the API.
 */
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { contextLogger } from '../../platform/logger.ts';
import { importCsvBatches, type BatchImportReport, type ImportContext } from './import-batches.ts';
import { bulkUpsertParties, partyImportRow, type PartyImportRow } from './party-bulk.ts';

const log = contextLogger('registry');

export const PARTY_COLUMNS_CSV = ['party_kind', 'party_name', 'national_id'] as const;

export async function importPartiesCsv(pool: pg.Pool, input: Readable | AsyncIterable<Buffer | string>, ctx: ImportContext, opts: { batchSize?: number } = {}): Promise<BatchImportReport> {
  const report = await importCsvBatches<PartyImportRow>(pool, input, {
    columns: PARTY_COLUMNS_CSV,
    batchSize: opts.batchSize,
    check: (f) => partyImportRow(f[0], f[1], f[2]),
    load: async (c, rows) => {
      await bulkUpsertParties(c, rows.map((r) => r.row), ctx);
      return [];
    },
  });
  log.info({ rows: report.rows, imported: report.imported, rejected: report.rejectedCount, correlationId: ctx.correlationId }, 'parties imported from CSV');
  return report;
}
