/**
 * A small bill run end to end on numbers checked by hand: two water subscriptions with daily rollups for October 2026
 * (31 days, Europe/Istanbul), tariff SU-KONUT (test-fixtures.ts).
 *
 *   A: 0.5 m³ every day = 15.5 m³. Water 10 × 10 + 5.5 × 20 = 210.00; service 30.00; net 240.00.
 *      ÇTV 15.5 × 0.50 = 7.75; KDV 10 % × 240.00 = 24.00; gross 271.75.
 *   B: 1 m³ a day, days 10 and 11 missing, estimated from like weekdays as 1 m³ each = 31 m³, 2/31 = 0.0645 estimated.
 *      Water 100 + 21 × 20 = 520.00; service 30.00; net 550.00. ÇTV 15.50; KDV 55.00; gross 620.50.
 * Due date: 31 Oct + 15 days = Sunday 15 Nov 2026 → Monday 16 Nov.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openItems } from '../ledger/index.ts';
import { startRun, runWorker, runProgress, subscriptionAccruals } from './index.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered } from './test-fixtures.ts';

describe('bill run: end to end on hand-checked numbers', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let a: Metered;
  let b: Metered;

  before(async () => {
    db = await createTestDatabase();
    await storeWaterTariff(db.pool);
    [a, b] = await waterSubscriptions(db.pool, 2);
    await dailyConsumption(db.pool, a.meterId, '2026-10-01', repeat(31, 0.5));
    const bDays = repeat(31, 1);
    bDays[9] = null;
    bDays[10] = null;
    await dailyConsumption(db.pool, b.meterId, '2026-10-01', bDays);
  });
  after(() => db.drop());

  it('rates each subscription as billing-core does and posts balanced entries with open items', async () => {
    const { run, created } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    assert.equal(created, true);
    assert.equal(run.shards.total, 1);
    const counts = await runWorker(db.pool, run.id);
    assert.deepEqual(counts, { bills: 2, posted: 2, outsorted: 0, errors: 0 });

    const [accA] = await subscriptionAccruals(db.pool, a.subscriptionId);
    assert.equal(accA.state, 'posted');
    assert.deepEqual([accA.consumption, accA.net, accA.taxes, accA.gross, accA.estimatedShare], ['15.500', '240.00', '31.75', '271.75', '0.0000']);
    assert.deepEqual(accA.lines!.map((l) => [l.component, l.quantity, l.amount]), [
      ['SERVICE', '1.000000', '30.00'], ['WATER', '10', '100.00'], ['WATER', '5.5', '110.00'], ['CTV', '15.5', '7.75'], ['KDV', '240', '24.00'],
    ]);
    const [accB] = await subscriptionAccruals(db.pool, b.subscriptionId);
    assert.deepEqual([accB.consumption, accB.net, accB.taxes, accB.gross, accB.estimatedShare], ['31.000', '550.00', '70.50', '620.50', '0.0645']);

    const { rows: lines } = await db.pool.query(
      `SELECT l.gl_account, l.debit::text, l.credit::text FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id
        WHERE e.idempotency_key = $1 ORDER BY l.line_no`, [`billing-accrual:${accA.id}`]);
    assert.deepEqual(lines.map((l) => [l.gl_account, l.debit, l.credit]), [
      ['receivables', '271.75', '0.00'], ['revenue.water', '0.00', '240.00'], ['ctv_payable', '0.00', '7.75'], ['kdv_payable', '0.00', '24.00'],
    ]);
    const items = await openItems(db.pool, accA.accountId, '2026-11-20');
    assert.equal(items.length, 1);
    assert.equal(items[0].amount, '271.75');
    assert.equal(items[0].dueDate, '2026-11-16');

    const progress = await runProgress(db.pool, run.id);
    assert.deepEqual([progress.shards.done, progress.bills, progress.posted, progress.outsorted], [1, 2, 2, 0]);
    assert.ok(progress.finishedAt);
  });

  it('starting the run again covers a subscription that appeared since, and only that one', async () => {
    const [c] = await waterSubscriptions(db.pool, 1);
    await dailyConsumption(db.pool, c.meterId, '2026-10-01', repeat(31, 0.5));
    const { run, created } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    assert.equal(created, false);
    assert.deepEqual([run.shards.total, run.shards.pending, run.finishedAt], [2, 1, null]);
    assert.deepEqual(await runWorker(db.pool, run.id), { bills: 1, posted: 1, outsorted: 0, errors: 0 });
    const [accC] = await subscriptionAccruals(db.pool, c.subscriptionId);
    assert.equal(accC.gross, '271.75');
    assert.ok((await runProgress(db.pool, run.id)).finishedAt);
  });

  it('bills from register reads when a meter sends no interval data, across a rollover of its 8-digit register', async () => {
    const [d] = await waterSubscriptions(db.pool, 1);
    // Daily register rollups on 1 and 31 October only: first index 99,999,992.5, last 8.0 → 7.5 + 8.0 = 15.5 m³.
    await db.pool.query(
      `INSERT INTO rollup_daily (meter_id, channel_id, bucket, n, sum, min, max, first_ts, first_value, last_ts, last_value)
       SELECT $1, (SELECT id FROM channel WHERE code = 'volume'), b, 1, 0, lo, hi, b, lo, b, hi
         FROM (VALUES ('2026-09-30T21:00:00Z'::timestamptz, 99999992.5::float8, 99999993.0::float8), ('2026-10-30T21:00:00Z', 7.5, 8.0)) AS x(b, lo, hi)`,
      [d.meterId],
    );
    const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    assert.deepEqual(await runWorker(db.pool, run.id), { bills: 1, posted: 1, outsorted: 0, errors: 0 });
    const [acc] = await subscriptionAccruals(db.pool, d.subscriptionId);
    assert.deepEqual([acc.source, acc.consumption, acc.gross], ['register', '15.500', '271.75']);
  });
});
