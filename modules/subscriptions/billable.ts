/**
 * What billing needs for a period [start, end): every contract that held its installation during part of it, with
 * the time it held it, its status intervals (billing skips frozen and cut-off time as it decides), the meters fitted
 * over that time with the readings recorded at each boundary that falls inside, its tariff codes over time, its
 * class and region. Intervals are clipped to the period and to the contract; instants are timestamptz, so a period
 * from billingPeriod() in platform/calendar.ts is an Istanbul calendar month. Cancelled contracts are not billed.
 */
import type pg from 'pg';
import { startOfLocalDay } from '../../platform/calendar.ts';

export interface BillableSubscription {
  subscriptionId: number;
  partyId: number;
  installationId: number;
  class: string;
  commodity: string;
  region: { il: string; ilce: string };
  from: Date;
  to: Date;
  /** Reading at move-in / transfer-in when that falls inside the period; closing reading at move-out / transfer. */
  openingReading: string | null;
  closingReading: string | null;
  statuses: Array<{ status: string; from: Date; to: Date }>;
  meters: Array<{ meterId: number; from: Date; to: Date; installedReading: string | null; removedReading: string | null }>;
  tariffs: Array<{ tariffCode: string; from: Date; to: Date }>;
}

const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);

export async function billableSubscriptions(pool: pg.Pool, period: { start: Date; end: Date }, opts: { afterId?: number; limit?: number } = {}): Promise<BillableSubscription[]> {
  const { rows: subs } = await pool.query(
    `SELECT id, party_id, installation_id, class, commodity, il_key, ilce_key, started_at, ended_at FROM subscription
      WHERE status <> 'cancelled' AND started_at < $2 AND (ended_at IS NULL OR ended_at > $1) AND id > $3 ORDER BY id LIMIT $4`,
    [period.start, period.end, opts.afterId ?? 0, opts.limit ?? 10_000],
  );
  if (!subs.length) return [];
  const ids = subs.map((s) => s.id);
  const events = await pool.query('SELECT subscription_id, kind, to_status, at, reading FROM subscription_event WHERE subscription_id = ANY($1) ORDER BY subscription_id, at, id', [ids]);
  const tariffs = await pool.query(`SELECT subscription_id, to_char(effective_from, 'YYYY-MM-DD') AS from, tariff_code FROM subscription_tariff WHERE subscription_id = ANY($1) ORDER BY subscription_id, effective_from`, [ids]);
  const fittings = await pool.query(
    `SELECT installation_id, meter_id, installed_at, installed_reading, removed_at, removed_reading FROM meter_fitting
      WHERE installation_id = ANY($1) AND installed_at < $3 AND (removed_at IS NULL OR removed_at > $2) ORDER BY installation_id, installed_at, id`,
    [subs.map((s) => s.installation_id), period.start, period.end],
  );
  const group = <T extends { [k: string]: any }>(rows: T[], key: string) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const k = Number(r[key]);
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]); // not a copy of the list per row: a shard groups thousands
    }
    return m;
  };
  const ev = group(events.rows, 'subscription_id');
  const tf = group(tariffs.rows, 'subscription_id');
  const ft = group(fittings.rows, 'installation_id');

  return subs.map((s) => {
    const from = later(period.start, s.started_at);
    const to = s.ended_at ? earlier(period.end, s.ended_at) : period.end;
    const inside = (d: Date) => d >= from && d <= to;
    const story = ev.get(Number(s.id)) ?? [];
    const statuses: BillableSubscription['statuses'] = [];
    story.forEach((e, i) => {
      const a = later(e.at, from);
      const b = i + 1 < story.length ? earlier(story[i + 1].at, to) : to;
      if (a < b) statuses.push({ status: e.to_status, from: a, to: b });
    });
    const opening = story.find((e) => (e.kind === 'move_in' || e.kind === 'transfer_in') && inside(e.at));
    const closing = story.find((e) => (e.kind === 'move_out' || e.kind === 'transfer_out') && inside(e.at));
    const meters = (ft.get(Number(s.installation_id)) ?? [])
      .map((f) => ({
        meterId: f.meter_id,
        from: later(f.installed_at, from),
        to: f.removed_at ? earlier(f.removed_at, to) : to,
        installedReading: inside(f.installed_at) && f.installed_at > from ? f.installed_reading : null,
        removedReading: f.removed_at && inside(f.removed_at) && f.removed_at < to ? f.removed_reading : null,
      }))
      .filter((m) => m.from < m.to);
    const days = tf.get(Number(s.id)) ?? [];
    const tariffs = days
      .map((t, i) => ({ tariffCode: t.tariff_code, from: later(startOfLocalDay(t.from), from), to: i + 1 < days.length ? earlier(startOfLocalDay(days[i + 1].from), to) : to }))
      .filter((t) => t.from < t.to);
    return {
      subscriptionId: Number(s.id), partyId: Number(s.party_id), installationId: Number(s.installation_id), class: s.class, commodity: s.commodity,
      region: { il: s.il_key, ilce: s.ilce_key }, from, to, openingReading: opening?.reading ?? null, closingReading: closing?.reading ?? null, statuses, meters, tariffs,
    };
  });
}
