/**
 * Open items and aging on numbers checked by hand (due dates: period end + 15 days, moved to the next business day in
 * Europe/Istanbul; days overdue: calendar days from the due date to the as-of date).
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { aging, allocate, balance, openAccount, openItems, postEntry, reverseEntry, statement } from './index.ts';
import { accrualInput, paymentInput } from './test-fixtures.ts';

describe('ledger: open items and aging, by hand', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let accountId: number;
  const item: Record<string, number> = {};

  before(async () => {
    db = await createTestDatabase();
    accountId = (await openAccount(db.pool, 'SUB-AGING')).id;
    const post = async (month: string, periodEnd: string, businessDate: string, amounts: { revenue: string; otv: string; kdv: string }) => {
      const e = await postEntry(db.pool, accrualInput(accountId, `aging-${month}`, amounts, { periodEnd, businessDate }));
      item[month] = e.item!.id;
      return e;
    };
    // January 850.00 + 24.00 + 174.80 = 1,048.80; period end Sat 31 Jan + 15 = Sun 15 Feb, due Mon 16 Feb.
    await post('2026-01', '2026-01-31', '2026-02-01', { revenue: '850.00', otv: '24.00', kdv: '174.80' });
    // February, posted and reversed on 10 March (a wrong reading): it must vanish from open items and aging.
    const feb = await post('2026-02', '2026-02-28', '2026-03-01', { revenue: '700.00', otv: '20.00', kdv: '144.00' });
    await reverseEntry(db.pool, { entryId: feb.id, idempotencyKey: 'aging-2026-02-rev', businessDate: '2026-03-10' });
    // March 500 + 10 + 102 = 612.00; Tue 31 Mar + 15 = Wed 15 Apr.
    await post('2026-03', '2026-03-31', '2026-04-01', { revenue: '500.00', otv: '10.00', kdv: '102.00' });
    // April 340 + 10 + 70 = 420.00; Thu 30 Apr + 15 = Fri 15 May.
    await post('2026-04', '2026-04-30', '2026-05-01', { revenue: '340.00', otv: '10.00', kdv: '70.00' });
    // May 190 + 10 + 40 = 240.00; Sun 31 May + 15 = Mon 15 Jun.
    await post('2026-05', '2026-05-31', '2026-06-01', { revenue: '190.00', otv: '10.00', kdv: '40.00' });
    // June 90 + 10 + 20 = 120.00; Tue 30 Jun + 15 = Wed 15 Jul, a public holiday (Democracy Day): due Thu 16 Jul.
    await post('2026-06', '2026-06-30', '2026-06-30', { revenue: '90.00', otv: '10.00', kdv: '20.00' });
    // 500.00 paid on 1 June against January.
    const pay = await postEntry(db.pool, paymentInput(accountId, 'aging-pay', '500.00', '2026-06-01'));
    await allocate(db.pool, { sourceEntryId: pay.id, itemId: item['2026-01'], amount: '500.00', onDate: '2026-06-01' });
  });
  after(async () => db.drop());

  it('lists open items oldest due first, with due dates on business days', async () => {
    const items = await openItems(db.pool, accountId, '2026-07-31');
    assert.deepEqual(
      items.map((i) => [i.period, i.dueDate, i.amount, i.settled, i.open]),
      [
        ['2026-01', '2026-02-16', '1048.80', '500.00', '548.80'],
        ['2026-03', '2026-04-15', '612.00', '0.00', '612.00'],
        ['2026-04', '2026-05-15', '420.00', '0.00', '420.00'],
        ['2026-05', '2026-06-15', '240.00', '0.00', '240.00'],
        ['2026-06', '2026-07-16', '120.00', '0.00', '120.00'],
      ],
    );
  });

  it('ages the account as of 30 June 2026: 134, 76, 46 and 15 days overdue, June not yet due', async () => {
    const a = await aging(db.pool, accountId, '2026-06-30');
    assert.deepEqual(a.items.map((i) => [i.dueDate, i.daysOverdue, i.bucket]), [
      ['2026-02-16', 134, '90+'],
      ['2026-04-15', 76, '61-90'],
      ['2026-05-15', 46, '31-60'],
      ['2026-06-15', 15, '1-30'],
      ['2026-07-16', -16, 'current'],
    ]);
    assert.deepEqual(a.buckets, { current: '120.00', '1-30': '240.00', '31-60': '420.00', '61-90': '612.00', '90+': '548.80' });
    // 548.80 + 612.00 + 420.00 + 240.00 + 120.00
    assert.equal(a.total, '1940.80');
    assert.equal((await balance(db.pool, accountId, '2026-07-01')).balance, '1940.80');
  });

  it('ages as of an earlier date with only what was posted and paid by then (20 May 2026)', async () => {
    const a = await aging(db.pool, accountId, '2026-05-20');
    // January not yet paid (the payment is dated 1 June): 93 days; March 35 days; April 5 days; May not yet accrued.
    assert.deepEqual(a.items.map((i) => [i.daysOverdue, i.open]), [[93, '1048.80'], [35, '612.00'], [5, '420.00']]);
    assert.deepEqual(a.buckets, { current: '0.00', '1-30': '420.00', '31-60': '612.00', '61-90': '0.00', '90+': '1048.80' });
    assert.equal(a.total, '2080.80');
    // On 5 March the February accrual was still open and not yet due (due Mon 16 Mar).
    const march = await aging(db.pool, accountId, '2026-03-05');
    assert.deepEqual(march.buckets, { current: '864.00', '1-30': '1048.80', '31-60': '0.00', '61-90': '0.00', '90+': '0.00' });
  });

  it('writes a statement with opening, running and closing balances', async () => {
    const s = await statement(db.pool, accountId, { from: '2026-03-01', to: '2026-04-30' });
    // Before March: January's 1,048.80. Then February +864.00, its reversal −864.00, March +612.00.
    assert.equal(s.openingBalance, '1048.80');
    assert.deepEqual(s.lines.map((l) => [l.businessDate, l.kind, l.debit, l.credit, l.balance]), [
      ['2026-03-01', 'accrual', '864.00', '0.00', '1912.80'],
      ['2026-03-10', 'reversal', '0.00', '864.00', '1048.80'],
      ['2026-04-01', 'accrual', '612.00', '0.00', '1660.80'],
    ]);
    assert.equal(s.closingBalance, '1660.80');
  });
});
