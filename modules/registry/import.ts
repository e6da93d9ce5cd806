/**
 * Bulk import of parties (legacy systems, migration files). Row by row through the same checks as the API, except
 * that an organisation whose VKN fails its check digit is kept and flagged (national_id_valid = false) instead of
 * dropped: the utility still bills it, and the number is corrected later. Refused rows are reported by position
 * and error code, never by content, so the report can be logged and mailed without personal data.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { contextLogger } from '../../platform/logger.ts';
import { createParty, NewPartySchema, type CallContext } from './parties.ts';

const log = contextLogger('registry');

export interface ImportReport {
  created: number[];
  /** Created, but their national id fails its check digits. */
  flagged: number[];
  rejected: Array<{ row: number; code: string }>;
}

export async function importParties(pool: pg.Pool, rows: unknown[], ctx: CallContext): Promise<ImportReport> {
  const report: ImportReport = { created: [], flagged: [], rejected: [] };
  for (const [row, raw] of rows.entries()) {
    const parsed = NewPartySchema.safeParse(raw);
    if (!parsed.success) {
      report.rejected.push({ row, code: 'ABONE_ERR_HTTP_VALIDATION' });
      continue;
    }
    try {
      const party = await createParty(pool, parsed.data, ctx, { lenientVkn: true, source: 'import' });
      report.created.push(party.id);
      if (!party.nationalIdValid) report.flagged.push(party.id);
    } catch (err) {
      if (!(err instanceof AboneError) || err.kind !== 'user') throw err;
      report.rejected.push({ row, code: err.code });
    }
  }
  log.info({ created: report.created.length, flagged: report.flagged.length, rejected: report.rejected.length, correlationId: ctx.correlationId }, 'parties imported');
  return report;
}
