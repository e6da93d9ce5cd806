/**
 * Shared set-up of the billing tests, all through the real doors: a water tariff stored as data, subscriptions with
 * meters fitted and moved in before the period, and daily interval consumption written as the head-end's rollups
 * (channel `consumption`, one row per Europe/Istanbul day).
 */
import type pg from 'pg';
import { startOfLocalDay } from '../../platform/calendar.ts';
import { installMeter, moveIn } from '../subscriptions/index.ts';
import { callContext, installation, meters, party } from '../subscriptions/test-fixtures.ts';
import { createTariff } from './tariff-store.ts';

/** SU-KONUT: 30 TL per period; 10 TL/m³ up to 10 m³, 20 TL/m³ above; ÇTV 0.50 TL/m³; KDV 10 % of the charges. */
export const WATER_TARIFF = {
  code: 'SU-KONUT',
  name: 'Su, konut',
  commodity: 'water',
  unit: 'm3',
  versions: [
    {
      from: '2026-01-01',
      components: [
        { type: 'fixed', code: 'SERVICE', name: 'Hizmet bedeli', amount: '30.00', per: 'period' },
        { type: 'block', code: 'WATER', name: 'Su bedeli', unit: 'm3', bands: [{ from: '0', to: '10', price: '10' }, { from: '10', price: '20' }] },
      ],
      taxes: [
        { type: 'per-unit', code: 'CTV', name: 'ÇTV', unit: 'm3', rate: '0.50' },
        { type: 'percent', code: 'KDV', name: 'KDV %10', rate: '10' },
      ],
    },
  ],
};

export async function storeWaterTariff(pool: pg.Pool): Promise<void> {
  await createTariff(pool, WATER_TARIFF, 'test');
}

export interface Metered {
  subscriptionId: number;
  meterId: number;
}

/** n water subscriptions on SU-KONUT, meters fitted 2026-09-01 and contracts from 2026-09-15 (or `movedIn`; Istanbul). */
export async function waterSubscriptions(pool: pg.Pool, n: number, il = 'Ankara', movedIn = '2026-09-15'): Promise<Metered[]> {
  const ctx = await callContext(pool, 'billing_clerk');
  const m = await meters(pool, 'water', n);
  const out: Metered[] = [];
  for (let i = 0; i < n; i++) {
    const inst = await installation(pool, ctx, { commodity: 'water', il });
    await installMeter(pool, m.registry, inst, { serial: m.serials[i], reading: '100.000', at: startOfLocalDay('2026-09-01') }, ctx);
    const holder = await party(pool, ctx);
    const s = await moveIn(pool, { partyId: holder, installationId: inst, class: 'residential', tariffCode: 'SU-KONUT', openingReading: '100.000', at: startOfLocalDay(movedIn) }, ctx);
    out.push({ subscriptionId: s.id, meterId: m.ids[i] });
  }
  return out;
}

/** Daily consumption rollups from `from` (local date) on: values[i] for day i; null leaves the day missing. */
export async function dailyConsumption(pool: pg.Pool, meterId: number, from: string, values: Array<number | null>): Promise<void> {
  const start = startOfLocalDay(from).getTime();
  const days = values.map((v, i) => ({ v, ts: new Date(start + i * 86_400_000) })).filter((d) => d.v !== null);
  await pool.query(
    `INSERT INTO rollup_daily (meter_id, channel_id, bucket, n, sum, min, max, first_ts, first_value, last_ts, last_value)
     SELECT $1, (SELECT id FROM channel WHERE code = 'consumption'), ts, 1, v, v, v, ts, v, ts, v FROM unnest($2::timestamptz[], $3::float8[]) AS x(ts, v)`,
    [meterId, days.map((d) => d.ts), days.map((d) => d.v)],
  );
}

export const repeat = (n: number, v: number | null) => Array.from({ length: n }, () => v);

/** For bench/billing-phases.ts, which times the phases of a shard one by one: the pieces workShard puts together. */
export { loadBillables } from './billables.ts';
export { accrueBatch } from './accrue.ts';
export type { StoredTariff } from './tariff-store.ts';
