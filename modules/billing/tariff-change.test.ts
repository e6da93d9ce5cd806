/**
 * A bill run over October 2026 (31 days) for a tariff code change mid-month and a move-in mid-month, on numbers
 * checked by hand. SU-KONUT (test-fixtures.ts): service 30.00 per period, water 10 TL/m³ up to 10 m³ a period and
 * 20 above, ÇTV 0.50 TL/m³, KDV 10 %. SU-TICARI (below): service 62.00 per period, water 20 TL/m³, ÇTV 0.50, KDV 20 %.
 *
 * A: on SU-KONUT, moved to SU-TICARI from 21 October; 1 m³ every day.
 *   KONUT, 1–20 October (20 days, 20 m³): service 30 × 20/31 = 19.354… → 19.35; first band 10 × 20/31 = 6.452 m³:
 *     6.452 × 10 = 64.52, 13.548 × 20 = 270.96; ÇTV 20 × 0.50 = 10.00; KDV 10 % × 354.83 = 35.483 → 35.48.
 *   TICARI, 21–31 October (11 days, 11 m³): service 62 × 11/31 = 22.00; water 11 × 20 = 220.00; ÇTV 5.50;
 *     KDV 20 % × 242.00 = 48.40.
 *   Net 596.83, taxes 99.38, gross 696.21. (Before: all at SU-TICARI, 62.00 + 620.00 net.)
 * B: moved in on 16 October (16 of the month's 31 days), SU-KONUT, 0.5 m³ a day = 8 m³.
 *   Service 30 × 16/31 = 15.483… → 15.48 (before: the full 30.00); first band 10 × 16/31 = 5.161 m³: 51.61, then
 *   2.839 × 20 = 56.78; net 123.87; ÇTV 4.00; KDV 12.387 → 12.39; gross 140.26.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { assignTariff } from '../subscriptions/index.ts';
import { callContext } from '../subscriptions/test-fixtures.ts';
import { createTariff, runWorker, startRun, subscriptionAccruals } from './index.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered, WATER_TARIFF } from './test-fixtures.ts';
import { book } from './book-check.ts';

const TICARI = {
  ...WATER_TARIFF,
  code: 'SU-TICARI',
  name: 'Su, ticari',
  versions: [{
    from: '2026-01-01',
    components: [
      { type: 'fixed', code: 'SERVICE', name: 'Hizmet bedeli', amount: '62.00', per: 'period' },
      { type: 'flat', code: 'WATER', name: 'Su bedeli', unit: 'm3', price: '20' },
    ],
    taxes: [{ type: 'per-unit', code: 'CTV', name: 'ÇTV', unit: 'm3', rate: '0.50' }, { type: 'percent', code: 'KDV', name: 'KDV %20', rate: '20' }],
  }],
};

describe('bill run: tariff code change and move-in inside the month', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let a: Metered;
  let b: Metered;

  before(async () => {
    db = await createTestDatabase();
    await storeWaterTariff(db.pool);
    await createTariff(db.pool, TICARI, 'test');
    [a] = await waterSubscriptions(db.pool, 1);
    await assignTariff(db.pool, a.subscriptionId, { tariffCode: 'SU-TICARI', from: '2026-10-21' }, await callContext(db.pool, 'billing_clerk'));
    await dailyConsumption(db.pool, a.meterId, '2026-10-01', repeat(31, 1));
    [b] = await waterSubscriptions(db.pool, 1, 'Ankara', '2026-10-16');
    await dailyConsumption(db.pool, b.meterId, '2026-10-16', repeat(16, 0.5));
  });
  after(() => db.drop());

  it('bills the days before a code change at the old tariff and the days from it at the new one; a move-in pays its days of the fixed charge', async () => {
    const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    assert.deepEqual(await runWorker(db.pool, run.id), { bills: 2, posted: 2, outsorted: 0, errors: 0 });

    const [accA] = await subscriptionAccruals(db.pool, a.subscriptionId);
    assert.equal(accA.tariffCode, 'SU-TICARI');
    assert.deepEqual(accA.lines!.map((l) => [l.component, l.from, l.to, l.quantity, l.amount]), [
      ['SERVICE', '2026-10-01', '2026-10-21', '0.645161', '19.35'],
      ['SERVICE', '2026-10-21', '2026-11-01', '0.354839', '22.00'],
      ['WATER', '2026-10-01', '2026-10-21', '6.452', '64.52'],
      ['WATER', '2026-10-01', '2026-10-21', '13.548', '270.96'],
      ['WATER', '2026-10-21', '2026-11-01', '11', '220.00'],
      ['CTV', '2026-10-01', '2026-10-21', '20', '10.00'],
      ['CTV', '2026-10-21', '2026-11-01', '11', '5.50'],
      ['KDV', '2026-10-01', '2026-10-21', '354.83', '35.48'],
      ['KDV', '2026-10-21', '2026-11-01', '242', '48.40'],
    ]);
    assert.deepEqual([accA.consumption, accA.net, accA.taxes, accA.gross], ['31.000', '596.83', '99.38', '696.21']);

    const [accB] = await subscriptionAccruals(db.pool, b.subscriptionId);
    assert.deepEqual([accB.from, accB.to], ['2026-10-16', '2026-11-01']);
    assert.deepEqual(accB.lines!.map((l) => [l.component, l.quantity, l.amount]), [
      ['SERVICE', '0.516129', '15.48'], ['WATER', '5.161', '51.61'], ['WATER', '2.839', '56.78'], ['CTV', '8', '4.00'], ['KDV', '123.87', '12.39'],
    ]);
    assert.deepEqual([accB.net, accB.taxes, accB.gross], ['123.87', '16.39', '140.26']);

    const { rows } = await db.pool.query(
      `SELECT e.idempotency_key, sum(l.debit)::text AS debit, sum(l.credit)::text AS credit FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
        WHERE e.idempotency_key = ANY($1) GROUP BY e.idempotency_key ORDER BY 1`, [[`billing-accrual:${accA.id}`, `billing-accrual:${accB.id}`]]);
    assert.deepEqual(rows.map((r) => [r.debit, r.credit]).sort(), [['140.26', '140.26'], ['696.21', '696.21']]);
    const all = await book(db.pool);
    assert.equal(all.debit, all.credit);
    assert.equal(all.unbalancedEntries, 0);
  });
});
