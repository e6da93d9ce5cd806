/**
 * Usage from the monthly rollup: a month whose every day is in its monthly row (one meter, one tariff version, the
 * whole month under one contract) is read from that one row; anything else from its days, as before. Both ways give
 * the same bill, to the litre and the kuruş, on hand-checked numbers. SU-KONUT (test-fixtures.ts): service 30.00 a
 * period, water 10 TL/m³ up to 10 m³ and 20 TL/m³ above, ÇTV 0.50 TL/m³, KDV 10 % of the charges.
 *
 * A and B: 0.3334 m³ every day of October. A day is billed to the litre: 0.333 m³, so 31 × 0.333 = 10.323 m³ (the
 *   float month sum, 10.3354, would round to 10.335: the month row keeps the sum of rounded days for this).
 *   Service 30.00; water 10 × 10 = 100.00 and 0.323 × 20 = 6.46; net 136.46; ÇTV 10.323 × 0.50 = 5.1615 → 5.16;
 *   KDV 10 % × 136.46 = 13.646 → 13.65; taxes 18.81; gross 155.27. A is read from its month row, B (whose month row
 *   is gone) from its 31 days.
 * C: 1 m³ a day, 10 October missing: the month row counts 30 days, so C is read by days and billing-core estimates
 *   the missing day from like days (the other Saturdays: 1 m³): 31 m³, 1/31 of it estimated (0.0323).
 * D: SU-ZAM, whose price goes from 10 to 12 TL/m³ on 21 October; 2 m³ a day until the 20th, 1 m³ after. Its month
 *   row is complete, but the period has two slices, so D is read by days: 40 m³ × 10 = 400.00 and 11 m³ × 12 =
 *   132.00 (a month total shared by days would have given 32.903 and 18.097 m³).
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { rollUpMonthsFromDays } from '../../headend/index.ts';
import { startOfLocalDay } from '../../platform/calendar.ts';
import { assignTariff } from '../subscriptions/index.ts';
import { callContext } from '../subscriptions/test-fixtures.ts';
import { billingMonth, createTariff, loadTariff, runWorker, startRun, subscriptionAccruals } from './index.ts';
import { loadBillables } from './billables.ts';
import { loadUsage } from './usage-source.ts';
import { ratesFromTotal } from './accrue.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered, WATER_TARIFF } from './test-fixtures.ts';
import { book } from './book-check.ts';

const ZAM = {
  ...WATER_TARIFF,
  code: 'SU-ZAM',
  name: 'Su, zamlı',
  versions: [
    { from: '2026-01-01', components: [{ type: 'flat', code: 'WATER', name: 'Su bedeli', unit: 'm3', price: '10' }], taxes: [] },
    { from: '2026-10-21', components: [{ type: 'flat', code: 'WATER', name: 'Su bedeli', unit: 'm3', price: '12' }], taxes: [] },
  ],
};

describe('bill run: usage from the monthly rollup, or from the days', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let a: Metered, b: Metered, c: Metered, d: Metered;
  const month = billingMonth('2026-10');

  before(async () => {
    db = await createTestDatabase();
    await storeWaterTariff(db.pool);
    await createTariff(db.pool, ZAM, 'test');
    [a, b, c, d] = await waterSubscriptions(db.pool, 4);
    await assignTariff(db.pool, d.subscriptionId, { tariffCode: 'SU-ZAM', from: '2026-09-15' }, await callContext(db.pool, 'billing_clerk'));
    await dailyConsumption(db.pool, a.meterId, '2026-10-01', repeat(31, 0.3334));
    await dailyConsumption(db.pool, b.meterId, '2026-10-01', repeat(31, 0.3334));
    await dailyConsumption(db.pool, c.meterId, '2026-10-01', [...repeat(9, 1), null, ...repeat(21, 1)]);
    await dailyConsumption(db.pool, d.meterId, '2026-10-01', [...repeat(20, 2), ...repeat(11, 1)]);
    // The month rows the rollup worker writes after the days (the test wrote the days itself); B's is taken away.
    const ids = [a, b, c, d].map((s) => s.meterId);
    await rollUpMonthsFromDays(db.pool, { from: Math.min(...ids), to: Math.max(...ids) }, startOfLocalDay('2026-10-01'));
    await db.pool.query('DELETE FROM rollup_monthly WHERE meter_id = $1', [b.meterId]);
  });
  after(() => db.drop());

  it('reads a complete month of one tariff version from its month row, and the rest from the days', async () => {
    const { rows } = await db.pool.query(`SELECT meter_id, days, days_sum::text, sum FROM rollup_monthly WHERE channel_id = (SELECT id FROM channel WHERE code = 'consumption')`);
    const row = new Map(rows.map((r) => [r.meter_id, r]));
    assert.deepEqual([a, b, c, d].map((s) => row.get(s.meterId) && [row.get(s.meterId).days, row.get(s.meterId).days_sum]), [[31, '10.323'], undefined, [30, '30.000'], [31, '51.000']]);
    assert.ok(Math.abs(row.get(a.meterId).sum - 10.3354) < 1e-9, 'the float sum of the month is 10.3354');

    const ids = [a, b, c, d].map((s) => s.subscriptionId);
    const billables = await loadBillables(db.pool, month, null, Math.min(...ids), Math.max(...ids));
    const tariffs = new Map([['SU-KONUT', (await loadTariff(db.pool, 'SU-KONUT'))!], ['SU-ZAM', (await loadTariff(db.pool, 'SU-ZAM'))!]]);
    assert.deepEqual(billables.map((x) => ratesFromTotal(x, tariffs)), [true, true, true, false], 'D has a price change inside the month');
    const usage = await loadUsage(db.pool, month, billables, (x) => ratesFromTotal(x, tariffs));
    assert.deepEqual(ids.map((id) => usage.get(id)!.kind), ['month', 'interval', 'interval', 'interval']);
    assert.deepEqual(usage.get(a.subscriptionId), { kind: 'month', quantity: '10.323' });
    // D's month row is complete: only its tariff sends it to the days.
    assert.equal((await loadUsage(db.pool, month, billables.slice(3), () => true)).get(d.subscriptionId)!.kind, 'month');
  });

  it('gives the same bill both ways, estimates a missing day, and cuts a price change by the days', async () => {
    const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    assert.deepEqual(await runWorker(db.pool, run.id), { bills: 4, posted: 4, outsorted: 0, errors: 0 });
    const [accA] = await subscriptionAccruals(db.pool, a.subscriptionId);
    const [accB] = await subscriptionAccruals(db.pool, b.subscriptionId);
    assert.deepEqual([accA.consumption, accA.estimatedShare, accA.net, accA.taxes, accA.gross], ['10.323', '0.0000', '136.46', '18.81', '155.27']);
    assert.deepEqual(accA.lines!.map((l) => [l.component, l.quantity, l.amount]), [['SERVICE', '1.000000', '30.00'], ['WATER', '10', '100.00'], ['WATER', '0.323', '6.46'], ['CTV', '10.323', '5.16'], ['KDV', '136.46', '13.65']]);
    const bill = (x: typeof accA) => [x.source, x.consumption, x.estimatedShare, x.net, x.taxes, x.gross, x.lines];
    assert.deepEqual(bill(accB), bill(accA));

    const [accC] = await subscriptionAccruals(db.pool, c.subscriptionId);
    assert.deepEqual([accC.consumption, accC.estimatedShare], ['31.000', '0.0323']);

    const [accD] = await subscriptionAccruals(db.pool, d.subscriptionId);
    assert.deepEqual(accD.lines!.map((l) => [l.component, l.from, l.to, l.quantity, l.amount]), [['WATER', '2026-10-01', '2026-10-21', '40', '400.00'], ['WATER', '2026-10-21', '2026-11-01', '11', '132.00']]);
    assert.deepEqual([accD.consumption, accD.gross], ['51.000', '532.00']);

    const all = await book(db.pool);
    assert.deepEqual([all.entries, all.debit, all.unbalancedEntries], [4, all.credit, 0]);
  });
});
