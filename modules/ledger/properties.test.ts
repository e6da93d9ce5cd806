/**
 * Property tests over random sequences (seeded, so a failure replays): accruals, payments, allocations, reversals,
 * re-accruals and retried postings on a few accounts. After every sequence: each entry balances; each balance equals
 * the sum of the entries that are neither reversed nor reversals, computed by the test's own model; the balance also
 * equals open items less unallocated credits; a retried posting changed nothing.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { Money, toKurus } from '../../platform/money.ts';
import { allocate, balance, openAccount, openItems, postEntry, reverseEntry, unallocatedCredits, type EntryInput } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

/** mulberry32: a small seeded generator, enough to pick actions and amounts reproducibly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

interface ModelEntry {
  id: number;
  accountId: number;
  kind: 'accrual' | 'payment' | 'reversal';
  /** Receivable debit − credit of the entry. */
  net: Money;
  reversed: boolean;
  itemId?: number;
  input?: EntryInput;
}

const lira = (kurus: number) => new Money(kurus).dividedBy(100).toFixed(2);

describe('ledger: properties over random sequences', function () {
  this.timeout(300_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  for (const seed of [1, 20261128, 777]) {
    it(`seed ${seed}: entries balance, balances follow the non-reversed entries, retries change nothing`, async () => {
      const rnd = generator(seed);
      const accounts = await Promise.all([1, 2, 3].map((n) => openAccount(db.pool, `PROP-${seed}-${n}`)));
      const model: ModelEntry[] = [];
      let month = 0;
      let replays = 0;
      let refusedReversals = 0;
      for (let step = 0; step < 250; step++) {
        const account = rnd.pick(accounts);
        const date = `2026-${String(1 + (month % 12)).padStart(2, '0')}-28`;
        const action = rnd.next();
        if (action < 0.35) {
          // An accrual: revenue, KDV 20% rounded to the kuruş, the gross on the receivable.
          const revenue = new Money(rnd.int(100, 500_000)).dividedBy(100);
          const kdv = toKurus(revenue.times('0.20'));
          const input = accrualInput(account.id, `prop-${seed}-acc-${step}`, { revenue: revenue.toFixed(2), kdv: kdv.toFixed(2) }, { periodEnd: date });
          const e = await postEntry(db.pool, input);
          model.push({ id: e.id, accountId: account.id, kind: 'accrual', net: revenue.plus(kdv), reversed: false, itemId: e.item!.id, input });
          month++;
        } else if (action < 0.55) {
          // A payment, applied to the oldest open items as far as it goes (partial payments included).
          const amount = new Money(rnd.int(100, 300_000)).dividedBy(100);
          const input = paymentInput(account.id, `prop-${seed}-pay-${step}`, amount.toFixed(2), date);
          const p = await postEntry(db.pool, input);
          model.push({ id: p.id, accountId: account.id, kind: 'payment', net: amount.negated(), reversed: false, input });
          let left = amount;
          for (const item of await openItems(db.pool, account.id, '2030-01-01')) {
            if (left.isZero()) break;
            const take = Money.min(left, item.open);
            await allocate(db.pool, { sourceEntryId: p.id, itemId: item.id, amount: take.toFixed(2), onDate: date });
            left = left.minus(take);
          }
        } else if (action < 0.75) {
          // A correction: reverse an accrual or a payment; an accrual is accrued again with other amounts.
          const candidates = model.filter((m) => m.kind !== 'reversal' && !m.reversed && m.accountId === account.id);
          if (!candidates.length) continue;
          const target = rnd.pick(candidates);
          const r = await reverseEntry(db.pool, { entryId: target.id, idempotencyKey: `prop-${seed}-rev-${step}`, businessDate: date });
          target.reversed = true;
          model.push({ id: r.id, accountId: account.id, kind: 'reversal', net: target.net.negated(), reversed: false });
          if (target.kind === 'accrual' && rnd.next() < 0.7) {
            const revenue = new Money(rnd.int(100, 500_000)).dividedBy(100);
            const kdv = toKurus(revenue.times('0.20'));
            const input = accrualInput(account.id, `prop-${seed}-reacc-${step}`, { revenue: revenue.toFixed(2), kdv: kdv.toFixed(2) }, { periodEnd: target.input!.item!.periodEnd!, businessDate: date });
            const e = await postEntry(db.pool, input);
            model.push({ id: e.id, accountId: account.id, kind: 'accrual', net: revenue.plus(kdv), reversed: false, itemId: e.item!.id, input });
          }
        } else if (action < 0.9) {
          // A retry of an earlier posting: the first entry comes back and nothing is written.
          const earlier = model.filter((m) => m.input);
          if (!earlier.length) continue;
          const target = rnd.pick(earlier);
          const before = await ledgerRowCounts(db.pool);
          const again = await postEntry(db.pool, target.input!);
          assert.equal(again.id, target.id);
          assert.equal(again.replayed, true);
          assert.deepEqual(await ledgerRowCounts(db.pool), before);
          replays++;
        } else {
          // A second reversal of a reversed entry is refused and writes nothing.
          const reversed = model.filter((m) => m.reversed);
          if (!reversed.length) continue;
          const before = await ledgerRowCounts(db.pool);
          await assert.rejects(reverseEntry(db.pool, { entryId: rnd.pick(reversed).id, idempotencyKey: `prop-${seed}-rev2-${step}` }), { code: 'ABONE_ERR_LEDGER_ALREADY_REVERSED' });
          assert.deepEqual(await ledgerRowCounts(db.pool), before);
          refusedReversals++;
        }
      }

      const { rows: unbalanced } = await db.pool.query(
        `SELECT e.id FROM ledger_entry e LEFT JOIN ledger_line l ON l.entry_id = e.id
         GROUP BY e.id HAVING count(l.id) < 2 OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)`,
      );
      assert.deepEqual(unbalanced, []);
      for (const account of accounts) {
        const live = model.filter((m) => m.accountId === account.id && m.kind !== 'reversal' && !m.reversed);
        const expected = live.reduce((s, m) => s.plus(m.net), new Money(0));
        const got = await balance(db.pool, account.id, '2030-01-01');
        assert.equal(got.balance, expected.toFixed(2), `account ${account.subscriptionId}`);
        const open = (await openItems(db.pool, account.id, '2030-01-01')).reduce((s, i) => s.plus(i.open), new Money(0));
        const credit = (await unallocatedCredits(db.pool, account.id)).reduce((s, c) => s.plus(c.unallocated), new Money(0));
        assert.equal(open.minus(credit).toFixed(2), got.balance, `open items − credits, ${account.subscriptionId}`);
        // No item of a reversed accrual is left open.
        const reversedItems = new Set(model.filter((m) => m.reversed && m.itemId).map((m) => m.itemId));
        assert.ok((await openItems(db.pool, account.id, '2030-01-01')).every((i) => !reversedItems.has(i.id)));
      }
      assert.ok(model.filter((m) => m.kind === 'reversal').length > 5 && replays > 5 && refusedReversals > 0, `exercised: ${model.length} entries, ${replays} replays, ${refusedReversals} refused reversals`);
    });
  }
});
