/** A contract as the API shows it: its current state, its whole event story, its tariff history and final bill. */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';

export interface SubscriptionView {
  id: number;
  partyId: number;
  installationId: number;
  class: string;
  status: string;
  commodity: string;
  region: { il: string; ilce: string };
  startedAt: Date;
  endedAt: Date | null;
  transferredFrom: number | null;
  events: Array<{ kind: string; from: string | null; to: string; at: Date; meterId: number | null; reading: string | null }>;
  tariffs: Array<{ tariffCode: string; from: string }>;
  finalBill: { meterId: number; closingReading: string; closedAt: Date; status: string } | null;
}

export async function readSubscription(db: pg.Pool | pg.PoolClient, id: number): Promise<SubscriptionView> {
  const { rows } = await db.query('SELECT * FROM subscription WHERE id = $1', [id]);
  if (!rows.length) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NOT_FOUND', { id });
  const s = rows[0];
  const events = await db.query('SELECT kind, from_status, to_status, at, meter_id, reading FROM subscription_event WHERE subscription_id = $1 ORDER BY at, id', [id]);
  const tariffs = await db.query(`SELECT tariff_code, to_char(effective_from, 'YYYY-MM-DD') AS from FROM subscription_tariff WHERE subscription_id = $1 ORDER BY effective_from`, [id]);
  const bill = await db.query('SELECT meter_id, closing_reading, closed_at, status FROM final_bill_request WHERE subscription_id = $1', [id]);
  return {
    id: Number(s.id),
    partyId: Number(s.party_id),
    installationId: Number(s.installation_id),
    class: s.class,
    status: s.status,
    commodity: s.commodity,
    region: { il: s.il_key, ilce: s.ilce_key },
    startedAt: s.started_at,
    endedAt: s.ended_at,
    transferredFrom: s.transferred_from === null ? null : Number(s.transferred_from),
    events: events.rows.map((e) => ({ kind: e.kind, from: e.from_status, to: e.to_status, at: e.at, meterId: e.meter_id, reading: e.reading })),
    tariffs: tariffs.rows.map((t) => ({ tariffCode: t.tariff_code, from: t.from })),
    finalBill: bill.rows[0] ? { meterId: bill.rows[0].meter_id, closingReading: bill.rows[0].closing_reading, closedAt: bill.rows[0].closed_at, status: bill.rows[0].status } : null,
  };
}
