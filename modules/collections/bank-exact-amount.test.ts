/**
 * Property: whatever the bills (amounts from 0.01 to 5,000.00 TL, due from 90 days ago to 30 days ahead) and whichever
 * of them a bank chooses, paying exactly what the debt inquiry quoted closes the chosen items, posts each overdue
 * one's quoted late fee, leaves nothing as credit and leaves the other items untouched; a kuruş less or more is
 * refused and writes nothing. Seeded, so a failure replays.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { Money } from '../../platform/money.ts';
import { syncCatalogue, type Actor } from '../access/index.ts';
import { openItems } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { bankDebt, bankPay, registerBankChannel, type BankChannel } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';
import { dayFromToday } from './bank-test-fixtures.ts';

describe('collections: a bank paying exactly the quoted amount', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let channel: BankChannel;
  let actor: Actor;

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool); // the bank_channel role, as at start-up
    const made = await registerBankChannel(db.pool, { code: '0046', name: 'Akbank', actor: 'test' });
    channel = made.channel;
    actor = { userId: made.channel.userId, username: made.channel.username, via: 'token', tokenName: 'bank-channel:0046', permissions: new Map() };
  });
  after(() => db.drop());

  it('closes the chosen items with their fees and nothing else, for 40 random accounts', async () => {
    let seed = 46;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    for (let n = 0; n < 40; n++) {
      const sub = `EXACT-${n}`;
      const bills = Array.from({ length: int(1, 4) }, () => ({ amount: (int(1, 500_000) / 100).toFixed(2), dueDate: dayFromToday(int(-90, 30)), postedOn: dayFromToday(-100) }));
      const { accountId, itemIds } = await accountWithBills(db.pool, sub, bills);
      const debt = await bankDebt(db.pool, sub);
      const chosen = debt.items.filter(() => rand() < 0.6);
      if (!chosen.length) chosen.push(debt.items[0]);
      const quoted = chosen.reduce((s, i) => s.plus(i.payable), new Money(0));
      const body = { subscriberNo: sub, reference: `E-${n}`, itemIds: chosen.map((i) => i.itemId) };

      const before = await ledgerRowCounts(db.pool);
      for (const wrong of [quoted.minus('0.01'), quoted.plus('0.01')]) {
        if (!wrong.greaterThan(0)) continue;
        await assert.rejects(bankPay(db.pool, channel, { ...body, amount: wrong.toFixed(2) }, { actor }), { code: 'ABONE_ERR_COLLECTIONS_BANK_AMOUNT_MISMATCH' });
      }
      assert.deepEqual(await ledgerRowCounts(db.pool), before);

      const p = await bankPay(db.pool, channel, { ...body, amount: quoted.toFixed(2) }, { actor });
      const context = `${JSON.stringify(bills)} chose ${JSON.stringify(chosen)}`;
      assert.deepEqual(
        p.lateFees.map((f) => [f.itemId, f.amount]),
        chosen.filter((i) => i.lateFee !== '0.00').map((i) => [i.itemId, i.lateFee]),
        context,
      );
      const left = await openItems(db.pool, accountId);
      const untouched = debt.items.filter((i) => !chosen.includes(i));
      assert.deepEqual(left.map((i) => [i.id, i.open]), untouched.map((i) => [i.itemId, i.open]), context);
      const settled = p.settled.reduce((s, x) => s.plus(x.amount), new Money(0));
      assert.equal(settled.toFixed(2), quoted.toFixed(2), context);
      assert.equal(itemIds.length, bills.length);
    }
  });
});
