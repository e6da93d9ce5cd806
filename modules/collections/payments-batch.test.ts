/**
 * takePayments, the batch path for file channels, against takePayment one payment at a time: the same random accounts
 * (two identical sets in one database) and the same payments give the same answers, allocations, late fees, balances
 * and credit; replays and in-batch duplicates are one payment each; a bad input anywhere writes nothing.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { localDate } from '../../platform/calendar.ts';
import { AboneError } from '../../platform/errors.ts';
import { balance, openItems, unallocatedCredits } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { createInstalmentPlan, debtInquiry, runPeriodEndLateFees, takePayment, takePayments, type Payment, type PaymentInput } from './index.ts';
import { accountWithBills, type Bill } from './test-fixtures.ts';

/** A small seeded generator, so a failure replays. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const DUE = ['2026-01-05', '2026-01-15', '2026-02-10', '2026-03-01', '2026-04-20'];
const PAID_ON = ['2026-01-25', '2026-02-05', '2026-02-20', '2026-03-10'];

describe('collections: a batch of payments is the same as taking them one by one', function () {
  this.timeout(300_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  /** Everything a set's account ended with, item ids replaced by the bill they were ('b0', 'b1' …) or 'fee'. */
  async function stateOf(accountId: number, labels: Map<number, string>) {
    const label = (id: number) => labels.get(id) ?? 'fee';
    const { rows: fees } = await db.pool.query(
      `SELECT f.item_id::int AS "itemId", to_char(f.from_date, 'YYYY-MM-DD') AS "from", to_char(f.to_date, 'YYYY-MM-DD') AS "to", f.principal::text, f.amount::text, f.payment_id IS NULL AS "periodEnd"
       FROM collections_late_fee f WHERE f.item_id = ANY($1::bigint[]) ORDER BY f.item_id, f.to_date, f.amount`,
      [[...labels.keys()]],
    );
    const { rows: entries } = await db.pool.query(
      `SELECT e.kind, to_char(e.business_date, 'YYYY-MM-DD') AS date, e.description, sum(l.debit)::text AS debit FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
       WHERE e.account_id = $1 GROUP BY e.id ORDER BY e.business_date, e.kind, sum(l.debit), e.description`,
      [accountId],
    );
    const { rows: waiting } = await db.pool.query('SELECT 1 FROM collections_credit_waiting WHERE account_id = $1', [accountId]);
    return {
      balance: (await balance(db.pool, accountId, '2026-12-31')).balance,
      open: (await openItems(db.pool, accountId, '2026-12-31')).map((i) => [label(i.id), i.kind, i.open]),
      credits: (await unallocatedCredits(db.pool, accountId)).map((c) => [c.businessDate, c.amount, c.unallocated]),
      waiting: waiting.length > 0,
      lateFees: fees.map((f) => [label(f.itemId), f.from, f.to, f.principal, f.amount, f.periodEnd]),
      entries: entries.map((e) => [e.kind, e.date, e.description.replace(/#\d+/, (m: string) => `#${label(Number(m.slice(1)))}`), e.debit]),
    };
  }

  const viewOf = (p: Payment, labels: Map<number, string>) => ({
    accountLabel: p.subscriptionId.replace(/-(SEQ|BAT)$/, ''),
    channel: p.channel, reference: p.reference, amount: p.amount, businessDate: p.businessDate, actor: p.actor, replayed: p.replayed, cancelled: p.cancelled,
    allocations: p.allocations.map((a) => [labels.get(a.itemId) ?? 'fee', a.kind, a.amount]),
    lateFees: p.lateFees.map((f) => [labels.get(f.itemId) ?? 'fee', f.fromDate, f.toDate, f.principal, f.amount]),
    unallocated: p.unallocated,
  });

  for (const seed of [1, 20261207, 4711, 99]) {
    it(`random accounts and payments, seed ${seed}`, async () => {
      const next = rng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
      const money = (lo: number, hi: number) => (lo + Math.floor(next() * (hi - lo) * 100) / 100).toFixed(2);
      const tomorrow = localDate(Date.now() + 86_400_000);

      // ARRANGE: K accounts with 1–4 bills each, posted twice (…-SEQ and …-BAT), the same in every respect.
      const K = 8;
      const bills: Bill[][] = Array.from({ length: K }, () =>
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({ amount: money(10, 1500), dueDate: pick(DUE), kind: next() < 0.8 ? 'accrual' : pick(['fee', 'deposit'] as const) })),
      );
      bills[0][0].kind = 'accrual'; // the item an instalment plan shields
      const sets = { SEQ: [] as Array<{ accountId: number; itemIds: number[] }>, BAT: [] as Array<{ accountId: number; itemIds: number[] }> };
      const labels = { SEQ: new Map<number, string>(), BAT: new Map<number, string>() };
      for (const set of ['SEQ', 'BAT'] as const) {
        for (let k = 0; k < K; k++) {
          const a = await accountWithBills(db.pool, `R${seed}-${k}-${set}`, bills[k]);
          sets[set].push(a);
          a.itemIds.forEach((id, b) => labels[set].set(id, `a${k}b${b}`));
        }
        // Account 0: its first bill in an instalment plan (no late fee on it). Account 1: credit waiting from an
        // overpayment, and a bill posted since (the batch applies the credit first, as takePayment does).
        await createInstalmentPlan(db.pool, { accountId: sets[set][0].accountId, itemIds: [sets[set][0].itemIds[0]], instalments: 2, firstDueDate: '2026-02-01', businessDate: '2026-01-20' });
        await takePayment(db.pool, { accountId: sets[set][1].accountId, amount: '5000.00', channel: 'bank', source: `bank:${set}`, reference: `R${seed}-over`, businessDate: '2026-01-20' });
        const more = await accountWithBills(db.pool, `R${seed}-1-${set}`, [...bills[1], { amount: '250.00', dueDate: '2026-02-15' }]);
        labels[set].set(more.itemIds[bills[1].length], `a1b${bills[1].length}`);
      }
      // Period-end fees through 31 Jan on every overdue bill of both sets: later payments count their fees from there.
      await runPeriodEndLateFees(db.pool, { periodEnd: '2026-01-31' });

      // The payments: partial, exact (what the debt inquiry quotes), overpaying, a cent, chosen items, repeats.
      const shapes: Array<(k: number, date: string) => Promise<Partial<PaymentInput>>> = [
        async () => ({ amount: money(1, 400) }),
        async (k, date) => ({ amount: (await debtInquiry(db.pool, sets.SEQ[k].accountId, date)).totalPayable }),
        async () => ({ amount: money(2000, 6000) }),
        async () => ({ amount: '0.01' }),
        async (k) => ({ amount: money(5, 800), itemIds: [pick(sets.SEQ[k].itemIds)] }),
      ];
      const plan: Array<{ k: number; input: Partial<PaymentInput> & { amount: string; reference: string; businessDate: string } }> = [];
      for (let n = 0; n < 24; n++) {
        if (plan.length && next() < 0.1) {
          plan.push({ ...pick(plan) }); // the same reference again: a bank's retry inside the file
          continue;
        }
        const k = Math.floor(next() * K);
        const date = pick(PAID_ON);
        const shape = await pick(shapes)(k, date);
        plan.push({ k, input: { ...shape, amount: shape.amount!, reference: `R${seed}-${n}`, businessDate: date, channel: pick(['bank', 'ptt', 'wire'] as const) } });
      }
      // A payment dated tomorrow, last on its account: takePayment reads its items as of that date.
      plan.push({ k: 2, input: { amount: '100.00', reference: `R${seed}-future`, businessDate: tomorrow } });
      const inputOf = (set: 'SEQ' | 'BAT', p: (typeof plan)[number]): PaymentInput => {
        const { accountId, itemIds } = sets[set][p.k];
        const chosen = p.input.itemIds?.map((id) => itemIds[sets.SEQ[p.k].itemIds.indexOf(id)]);
        return { channel: 'bank', ...p.input, accountId, source: `bank:${set}`, itemIds: chosen, actor: 'test' };
      };

      // ACT: one by one (a refused payment, e.g. a chosen item already paid, is left out of the batch too) …
      const seq: Payment[] = [];
      const taken: typeof plan = [];
      for (const p of plan) {
        try {
          seq.push(await takePayment(db.pool, inputOf('SEQ', p)));
          taken.push(p);
        } catch (err) {
          assert.equal((err as AboneError).code, 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN');
        }
      }
      // … and the same ones as one batch in one transaction.
      const bat = await withTransaction(db.pool, (c) => takePayments(c, taken.map((p) => inputOf('BAT', p))));

      // ASSERT: the same answers, in input order, and the same accounts afterwards.
      assert.ok(taken.length >= 20, `only ${taken.length} payments taken`);
      assert.deepEqual(bat.map((p) => viewOf(p, labels.BAT)), seq.map((p) => viewOf(p, labels.SEQ)));
      for (let k = 0; k < K; k++) {
        assert.deepEqual(await stateOf(sets.BAT[k].accountId, labels.BAT), await stateOf(sets.SEQ[k].accountId, labels.SEQ), `account ${k}`);
      }
      // The shapes the property is meant to cover did occur.
      assert.ok(seq.some((p) => p.lateFees.length > 0) && seq.some((p) => p.unallocated !== '0.00') && seq.some((p) => p.replayed), 'late fees, credit and replays occur');
    });
  }
});

describe('collections: takePayments', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const input = (accountId: number, amount: string, reference: string, extra: Partial<PaymentInput> = {}): PaymentInput =>
    ({ accountId, amount, channel: 'bank', source: 'bank:0062', reference, businessDate: '2026-01-25', actor: 'test', ...extra });
  const batch = (inputs: PaymentInput[]) => withTransaction(db.pool, (c) => takePayments(c, inputs));
  const paymentRows = async (reference: string) => (await db.pool.query('SELECT count(*)::int AS n FROM collections_payment WHERE reference = $1', [reference])).rows[0].n;

  it('1,000 TL paid 20 days late in a batch: the 24.67 TL late fee is posted and settled before the principal', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'B-LATE-1', [{ amount: '1000.00', dueDate: '2026-01-05' }]);
    const other = await accountWithBills(db.pool, 'B-LATE-2', [{ amount: '200.00', dueDate: '2026-01-31' }]);
    const [p, q] = await batch([input(accountId, '1024.67', 'B-LATE-1-a'), input(other.accountId, '200.00', 'B-LATE-2-a')]);
    // 1,000.00 × 0.037 × 20 / 30 = 24.666… → 24.67
    assert.deepEqual(p.lateFees.map((f) => [f.itemId, f.fromDate, f.toDate, f.principal, f.amount]), [[itemIds[0], '2026-01-05', '2026-01-25', '1000.00', '24.67']]);
    assert.deepEqual(p.allocations.map((a) => [a.kind, a.amount]), [['fee', '24.67'], ['accrual', '1000.00']]);
    assert.equal(p.unallocated, '0.00');
    assert.deepEqual(q.allocations.map((a) => [a.itemId, a.amount]), [[other.itemIds[0], '200.00']]);
    assert.equal((await balance(db.pool, accountId, '2026-01-25')).balance, '0.00');
    assert.deepEqual(await openItems(db.pool, accountId, '2026-01-25'), []);
  });

  it('a retry of an earlier reference and a reference twice in the batch are one payment each', async () => {
    const { accountId } = await accountWithBills(db.pool, 'B-RETRY-1', [{ amount: '90.00', dueDate: '2026-01-31' }, { amount: '60.00', dueDate: '2026-02-28' }]);
    const first = await takePayment(db.pool, input(accountId, '90.00', 'B-RETRY-1-a'));
    const [again, fresh, twice] = await batch([input(accountId, '90.00', 'B-RETRY-1-a'), input(accountId, '60.00', 'B-RETRY-1-b'), input(accountId, '60.00', 'B-RETRY-1-b')]);
    assert.deepEqual([again.id, again.replayed], [first.id, true]);
    assert.deepEqual([twice.id, twice.replayed, fresh.replayed], [fresh.id, true, false]);
    assert.deepEqual({ ...twice, replayed: false }, fresh);
    assert.deepEqual([await paymentRows('B-RETRY-1-a'), await paymentRows('B-RETRY-1-b')], [1, 1]);
    assert.equal((await balance(db.pool, accountId, '2026-02-28')).balance, '0.00');
    // The whole file again: every line a replay, nothing written.
    const before = await ledgerRowCounts(db.pool);
    const replayed = await batch([input(accountId, '90.00', 'B-RETRY-1-a'), input(accountId, '60.00', 'B-RETRY-1-b')]);
    assert.deepEqual(replayed.map((p) => [p.id, p.replayed]), [[first.id, true], [fresh.id, true]]);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('a bad input in the middle writes nothing at all', async () => {
    const a = await accountWithBills(db.pool, 'B-BAD-1', [{ amount: '100.00', dueDate: '2026-01-31' }]);
    const b = await accountWithBills(db.pool, 'B-BAD-2', [{ amount: '50.00', dueDate: '2026-01-05' }]);
    const good = [input(a.accountId, '100.00', 'B-BAD-a'), input(b.accountId, '50.00', 'B-BAD-b')];
    const before = await ledgerRowCounts(db.pool);
    const fees = async () => (await db.pool.query('SELECT count(*)::int AS n FROM collections_late_fee')).rows[0].n;
    const feesBefore = await fees();
    const refusals: Array<[PaymentInput, string]> = [
      [input(a.accountId, '1.005', 'B-BAD-x'), 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID'],
      [input(a.accountId, '10.00', ''), 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID'],
      [input(999_999, '10.00', 'B-BAD-x'), 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND'],
      [input(a.accountId, '10.00', 'B-BAD-x', { itemIds: [b.itemIds[0]] }), 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN'],
      // The first line settles a's bill whole; the same bill chosen again further down is no longer open.
      [input(a.accountId, '10.00', 'B-BAD-x', { itemIds: [a.itemIds[0]] }), 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN'],
      [input(b.accountId, '10.00', 'B-BAD-a'), 'ABONE_ERR_COLLECTIONS_REFERENCE_REUSED'],
    ];
    for (const [bad, code] of refusals) {
      await assert.rejects(batch([good[0], bad, good[1]]), { code }, JSON.stringify(bad));
    }
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.deepEqual([await paymentRows('B-BAD-a'), await paymentRows('B-BAD-b')], [0, 0]);
    assert.equal(await fees(), feesBefore);
  });

  it('the same file from two connections at once, and an overlapping file in reverse order: no deadlock, one payment per reference', async () => {
    const accounts = [];
    for (let k = 0; k < 20; k++) accounts.push(await accountWithBills(db.pool, `B-PAR-${k}`, [{ amount: '100.00', dueDate: '2026-01-31' }]));
    const file = accounts.map((a, k) => input(a.accountId, '100.00', `B-PAR-${k}`));
    // The second half again, under other references and in reverse account order: it waits for the locks, then finds
    // the bills paid and keeps its money as credit.
    const other = accounts.slice(10).reverse().map((a, k) => input(a.accountId, '40.00', `B-PAR-late-${k}`));
    const [first, second, third] = await Promise.all([batch(file), batch(file), batch(other)]);
    assert.deepEqual(first.map((p) => p.id), second.map((p) => p.id));
    assert.equal([...first, ...second].filter((p) => !p.replayed).length, 20);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM collections_payment WHERE reference LIKE 'B-PAR-%' AND reference NOT LIKE 'B-PAR-late-%'`);
    assert.equal(rows[0].n, 20);
    for (const [k, a] of accounts.entries()) {
      // Paid 100.00 for the bill whichever file came first; the later 40.00 (accounts 10–19) is either a credit or
      // paid 40.00 of the bill before the file's 100.00 left 40.00 over: 100 + 40 − 100 = -40.00 either way.
      assert.equal((await balance(db.pool, a.accountId, '2026-01-31')).balance, k < 10 ? '0.00' : '-40.00', `account ${k}`);
    }
    assert.equal(third.length, 10);
  });

  it('an empty batch writes nothing and answers nothing', async () => {
    assert.deepEqual(await batch([]), []);
  });
});
