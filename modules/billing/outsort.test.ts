/**
 * Outsorting on hand-made cases. Five water subscriptions (SU-KONUT) billed for their first half month, September
 * 15–30 (16 of the cycle's 30 days), 0.5 m³ a day = 8 m³. Per-period amounts are shared by days: the 10 m³ first
 * band becomes 10 × 16/30 = 5.333 m³ and the service charge 30.00 × 16/30 = 16.00. Water 5.333 × 10 = 53.33 +
 * 2.667 × 20 = 53.34; net 122.67; ÇTV 4.00; KDV 12.267 → 12.27; gross 138.94 each; so 3× the average is 416.82.
 * Then October:
 *   s0  1 m³ a day     → 620.50 > 416.82       held: above_average
 *   s1  0.5 m³ a day   → 271.75                posted
 *   s2  one day −0.3   →                       held: negative
 *   s3  0 every day    → 33.00 (service + KDV) held: zero_on_active
 *   s4  no data at all →                       held: no_usage
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openItems } from '../ledger/index.ts';
import { listRuns, outsortedAccruals, outsortReason, releaseAccrual, rerateAccrual, runWorker, startRun, subscriptionAccruals } from './index.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered } from './test-fixtures.ts';
import { book } from './book-check.ts';

describe('outsorting', function () {
  this.timeout(120_000);

  describe('the rules', () => {
    const ok = { status: 'active', consumption: '10', gross: '100.00', anyNegativeDay: false };
    it('passes an ordinary bill, and one exactly at 3× the average', () => {
      assert.equal(outsortReason({ ...ok, average: '50.00' }), undefined);
      assert.equal(outsortReason({ ...ok, gross: '150.00', average: '50.00' }), undefined);
      assert.equal(outsortReason(ok), undefined, 'a first bill has no average to compare with');
    });
    it('holds above 3× the average, negative consumption or totals, and zero on an active contract only', () => {
      assert.equal(outsortReason({ ...ok, gross: '150.01', average: '50.00' })?.reason, 'above_average');
      assert.equal(outsortReason({ ...ok, anyNegativeDay: true })?.reason, 'negative');
      assert.equal(outsortReason({ ...ok, consumption: '-1' })?.reason, 'negative');
      assert.equal(outsortReason({ ...ok, gross: '-0.01' })?.reason, 'negative');
      assert.equal(outsortReason({ ...ok, consumption: '0', gross: '33.00' })?.reason, 'zero_on_active');
      assert.equal(outsortReason({ ...ok, status: 'frozen', consumption: '0', gross: '33.00' }), undefined);
    });
  });

  describe('in a bill run, with review', () => {
    let db: TestDatabase;
    let s: Metered[];
    const accrual = async (i: number, period = '2026-10') => (await subscriptionAccruals(db.pool, s[i].subscriptionId)).filter((a) => a.period === period).at(-1)!;

    before(async () => {
      db = await createTestDatabase();
      await storeWaterTariff(db.pool);
      s = await waterSubscriptions(db.pool, 5);
      for (const x of s) await dailyConsumption(db.pool, x.meterId, '2026-09-15', repeat(16, 0.5));
      const sept = await startRun(db.pool, { period: '2026-09', actor: 'test' });
      assert.deepEqual(await runWorker(db.pool, sept.run.id), { bills: 5, posted: 5, outsorted: 0, errors: 0 });
      assert.equal((await accrual(0, '2026-09')).gross, '138.94');
      await dailyConsumption(db.pool, s[0].meterId, '2026-10-01', repeat(31, 1));
      await dailyConsumption(db.pool, s[1].meterId, '2026-10-01', repeat(31, 0.5));
      const negative = repeat(31, 0.5);
      negative[4] = -0.3;
      await dailyConsumption(db.pool, s[2].meterId, '2026-10-01', negative);
      await dailyConsumption(db.pool, s[3].meterId, '2026-10-01', repeat(31, 0));
    });
    after(() => db.drop());

    it('holds the implausible bills with their reasons and posts the rest', async () => {
      const before = await book(db.pool);
      const oct = await startRun(db.pool, { period: '2026-10', actor: 'test' });
      assert.deepEqual(await runWorker(db.pool, oct.run.id), { bills: 5, posted: 1, outsorted: 4, errors: 0 });
      const got = await Promise.all([0, 1, 2, 3, 4].map((i) => accrual(i)));
      assert.deepEqual(got.map((a) => [a.state, a.outsortReason, a.gross]), [
        ['outsorted', 'above_average', '620.50'],
        ['posted', null, '271.75'],
        ['outsorted', 'negative', null],
        ['outsorted', 'zero_on_active', '33.00'],
        ['outsorted', 'no_usage', null],
      ]);
      assert.equal((await book(db.pool)).entries, before.entries + 1, 'only the plausible bill reached the ledger');
      assert.deepEqual((await outsortedAccruals(db.pool, { period: '2026-10' })).map((a) => a.subscriptionId), [0, 2, 3, 4].map((i) => s[i].subscriptionId));
    });

    it('a review releases a held bill as rated (posted, with its open item)', async () => {
      const held = await accrual(0);
      const released = await releaseAccrual(db.pool, held.id, 'clerk');
      assert.deepEqual([released.state, released.decidedBy, released.gross], ['posted', 'clerk', '620.50']);
      const items = await openItems(db.pool, held.accountId, '2026-11-20');
      assert.deepEqual(items.map((i) => [i.period, i.amount]), [['2026-09', '138.94'], ['2026-10', '620.50']]);
      await assert.rejects(releaseAccrual(db.pool, held.id, 'clerk'), { code: 'ABONE_ERR_BILLRUN_ACCRUAL_STATE' });
      await assert.rejects(releaseAccrual(db.pool, (await accrual(2)).id, 'clerk'), { code: 'ABONE_ERR_BILLRUN_ACCRUAL_STATE' }, 'a bill never rated cannot be released');
    });

    it('a review re-rates a held bill from corrected data; without data it stays held', async () => {
      const zero = await accrual(3);
      await db.pool.query(`UPDATE rollup_daily SET sum = 0.5 WHERE meter_id = $1 AND bucket >= '2026-09-30T21:00:00Z'`, [s[3].meterId]);
      const rerated = await rerateAccrual(db.pool, zero.id, 'clerk');
      assert.deepEqual([rerated.state, rerated.gross, rerated.supersedes], ['posted', '271.75', zero.id]);
      const history = await subscriptionAccruals(db.pool, s[3].subscriptionId);
      assert.deepEqual(history.map((a) => [a.period, a.state]), [['2026-09', 'posted'], ['2026-10', 'superseded'], ['2026-10', 'posted']]);

      const empty = await accrual(4);
      const again = await rerateAccrual(db.pool, empty.id, 'clerk');
      assert.deepEqual([again.state, again.outsortReason, again.supersedes], ['outsorted', 'no_usage', empty.id]);
      const snap = await book(db.pool);
      assert.equal(snap.unbalancedEntries, 0);
      assert.equal(snap.debit, snap.credit);
    });

    it('the run keeps what it held (4) and counts what still waits: 4 − one released − one re-rated and posted = 2', async () => {
      const run = (await listRuns(db.pool)).find((r) => r.period === '2026-10')!;
      assert.deepEqual([run.bills, run.posted, run.outsorted, run.awaitingReview], [5, 1, 4, 2]);
    });
  });
});
