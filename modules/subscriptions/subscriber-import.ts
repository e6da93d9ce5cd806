/**
 * `abone import subscriptions FILE.csv`: a legacy system's subscribers, one contract per row with its holder and its
 * address on the map, loaded in batches that commit whole (the registry's importCsvBatches). Each batch: holders
 * found or created by national id (registry), an address, premise and installation per row (registry), then the
 * contracts, their first event and first tariff here, all in one transaction. A legacy contract arrives active with
 * no reading: its meter and opening index come with the meter import or the first field visit.
 */
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { contextLogger } from '../../platform/logger.ts';
import { startOfLocalDay } from '../../platform/calendar.ts';
import { audit } from '../access/index.ts';
import {
  ADDRESS_COLUMNS, bulkInsertPlaces, bulkUpsertParties, copyRows, importCsvBatches, partyImportRow, placeRow, uavtClashes,
  type BatchImportReport, type ImportContext, type PartyImportRow, type PlaceRow,
} from '../registry/index.ts';
import { CLASSES } from './lifecycle.ts';

const log = contextLogger('subscriptions');

export const SUBSCRIBER_COLUMNS = ['party_kind', 'party_name', 'national_id', ...ADDRESS_COLUMNS, 'class', 'tariff_code', 'start_date'] as const;

interface SubscriberRow { party: PartyImportRow; place: PlaceRow; class: string; tariffCode: string; startedAt: Date }

const TARIFF = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;
const DATE = /^(19[5-9]\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

// Start dates repeat across a file: convert each day once (luxon's zone arithmetic is the costliest step per row).
const days = new Map<string, Date | null>();
function dayStart(d: string): Date | null {
  let v = days.get(d);
  if (v === undefined) {
    if (days.size > 100_000) days.clear();
    try {
      v = startOfLocalDay(d);
    } catch {
      v = null; // 2024-02-30 and the like
    }
    days.set(d, v);
  }
  return v;
}

export function subscriberRow(f: string[]): SubscriberRow | { reason: string } {
  const party = partyImportRow(f[0], f[1], f[2]);
  if ('reason' in party) return party;
  const place = placeRow(f.slice(3, 3 + ADDRESS_COLUMNS.length));
  if ('reason' in place) return place;
  const [cls, tariffCode, start] = f.slice(3 + ADDRESS_COLUMNS.length);
  if (!(CLASSES as readonly string[]).includes(cls)) return { reason: 'class' };
  if (!TARIFF.test(tariffCode)) return { reason: 'tariff_code' };
  if (!DATE.test(start)) return { reason: 'start_date' };
  const startedAt = dayStart(start);
  if (!startedAt || startedAt.getTime() > Date.now()) return { reason: 'start_date' };
  return { party, place, class: cls, tariffCode, startedAt };
}

async function loadContracts(c: pg.PoolClient, rows: SubscriberRow[], partyIds: number[], installationIds: number[]): Promise<void> {
  await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_subscription (
    n int, party_id bigint, installation_id bigint, class text, il_key text, ilce_key text, commodity text, started_at timestamptz, tariff_code text) ON COMMIT DELETE ROWS`);
  await copyRows(c, 'stage_subscription', ['n', 'party_id', 'installation_id', 'class', 'il_key', 'ilce_key', 'commodity', 'started_at', 'tariff_code'],
    rows.map((r, n) => [n, partyIds[n], installationIds[n], r.class, r.place.ilKey, r.place.ilceKey, r.place.commodity, r.startedAt.toISOString(), r.tariffCode]));
  await c.query(`
    WITH s AS (SELECT st.*, nextval(pg_get_serial_sequence('subscription', 'id')) AS sid FROM stage_subscription st ORDER BY n),
    a AS (INSERT INTO subscription (id, party_id, installation_id, class, status, il_key, ilce_key, commodity, started_at, source)
          SELECT sid, party_id, installation_id, class, 'active', il_key, ilce_key, commodity, started_at, 'import' FROM s),
    e AS (INSERT INTO subscription_event (subscription_id, kind, from_status, to_status, at, actor) SELECT sid, 'import', NULL, 'active', started_at, 'import' FROM s)
    INSERT INTO subscription_tariff (subscription_id, effective_from, tariff_code)
    SELECT sid, (started_at AT TIME ZONE 'Europe/Istanbul')::date, tariff_code FROM s`);
}

export async function importSubscribers(pool: pg.Pool, input: Readable | AsyncIterable<Buffer | string>, ctx: ImportContext, opts: { batchSize?: number } = {}): Promise<BatchImportReport> {
  const report = await importCsvBatches<SubscriberRow>(pool, input, {
    columns: SUBSCRIBER_COLUMNS,
    batchSize: opts.batchSize,
    check: subscriberRow,
    load: async (c, batch) => {
      const clashes = await uavtClashes(c, batch.map((b) => ({ line: b.line, row: b.row.place })));
      if (clashes.length) return clashes;
      const rows = batch.map((b) => b.row);
      const partyIds = await bulkUpsertParties(c, rows.map((r) => r.party), ctx);
      const installationIds = await bulkInsertPlaces(c, rows.map((r) => r.place));
      await loadContracts(c, rows, partyIds, installationIds);
      await audit(c, ctx.actor, { action: 'subscription.import', entity: 'subscription', detail: { rows: rows.length }, correlationId: ctx.correlationId, ip: ctx.ip });
      return [];
    },
  });
  log.info({ rows: report.rows, imported: report.imported, rejected: report.rejectedCount, correlationId: ctx.correlationId }, 'subscribers imported');
  return report;
}
