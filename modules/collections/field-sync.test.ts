/**
 * Offline field collection against the real database: a batch synced, resent, and arriving after the same debt was
 * paid at the desk; per-item answers; a device bound to its user.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { balance, openItems, unallocatedCredits } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { assignFieldDevice, syncFieldBatch, takePayment, type FieldPaymentItem } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: offline field collection', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const item = (key: string, subscriptionId: string, amount: string, extra: Partial<FieldPaymentItem> = {}): FieldPaymentItem =>
    ({ key, subscriptionId, amount, takenAt: '2026-01-20T10:15:00+03:00', businessDate: '2026-01-20', ...extra });

  it('takes each item once; a resent batch answers replayed and writes nothing; a bad item is refused on its own', async () => {
    const a = await accountWithBills(db.pool, 'F-1', [{ amount: '200.00', dueDate: '2026-01-25' }]);
    const b = await accountWithBills(db.pool, 'F-2', [{ amount: '80.00', dueDate: '2026-01-25' }]);
    const batch = { deviceId: 'TAB-07', items: [item('TAB-07-000001', 'F-1', '200.00'), item('TAB-07-000002', 'F-2', '50.00'), item('TAB-07-000003', 'NOSUCH', '10.00'), item('TAB-07-000004', 'F-2', '12,50')] };

    const first = await syncFieldBatch(db.pool, batch, 'ahmet');
    assert.deepEqual(first.map((r) => [r.key, r.status, r.code ?? null]), [
      ['TAB-07-000001', 'taken', null],
      ['TAB-07-000002', 'taken', null],
      ['TAB-07-000003', 'refused', 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND'],
      ['TAB-07-000004', 'refused', 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID'],
    ]);
    assert.deepEqual([(await balance(db.pool, a.accountId, '2026-01-20')).balance, (await balance(db.pool, b.accountId, '2026-01-20')).balance], ['0.00', '30.00']);
    const { rows } = await db.pool.query(`SELECT p.channel, p.source, p.reference, f.device_id, f.taken_on_device, f.synced_by FROM collections_payment p JOIN collections_field_payment f ON f.payment_id = p.id ORDER BY p.id`);
    assert.deepEqual(rows.map((r) => [r.channel, r.source, r.reference, r.device_id, r.taken_on_device.toISOString(), r.synced_by]), [
      ['field', 'device:TAB-07', 'TAB-07-000001', 'TAB-07', '2026-01-20T07:15:00.000Z', 'ahmet'],
      ['field', 'device:TAB-07', 'TAB-07-000002', 'TAB-07', '2026-01-20T07:15:00.000Z', 'ahmet'],
    ]);

    const before = await ledgerRowCounts(db.pool);
    const again = await syncFieldBatch(db.pool, batch, 'ahmet');
    assert.deepEqual(again.map((r) => [r.status, r.paymentId ?? null]), [['replayed', first[0].paymentId], ['replayed', first[1].paymentId], ['refused', null], ['refused', null]]);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('a batch arriving days after the same bill was paid at the desk does not double-post: the device money becomes credit', async () => {
    const { accountId } = await accountWithBills(db.pool, 'F-3', [{ amount: '120.00', dueDate: '2026-01-25' }]);
    // The subscriber paid at the office on the 22nd; the crew had taken cash on the 20th, offline, and syncs on the 27th.
    await takePayment(db.pool, { accountId, amount: '120.00', channel: 'cash', source: 'desk:MERKEZ', reference: 'R-1', businessDate: '2026-01-22', actor: 'kasiyer' });
    const [late] = await syncFieldBatch(db.pool, { deviceId: 'TAB-07', items: [item('TAB-07-000010', 'F-3', '120.00')] }, 'ahmet');
    assert.equal(late.status, 'taken');
    assert.deepEqual((await unallocatedCredits(db.pool, accountId)).map((c) => c.unallocated), ['120.00']);
    assert.equal((await balance(db.pool, accountId)).balance, '-120.00');
    assert.equal((await openItems(db.pool, accountId)).length, 0);
    // And resent once more, with the whole batch: still one field payment.
    const [again] = await syncFieldBatch(db.pool, { deviceId: 'TAB-07', items: [item('TAB-07-000010', 'F-3', '120.00')] }, 'ahmet');
    assert.deepEqual([again.status, again.paymentId], ['replayed', late.paymentId]);
    assert.equal((await balance(db.pool, accountId)).balance, '-120.00');
  });

  it('a device is its first user\'s: another crew member is refused and nothing is written, until an administrator hands it over', async () => {
    await accountWithBills(db.pool, 'F-4', [{ amount: '40.00', dueDate: '2026-01-25' }]);
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(syncFieldBatch(db.pool, { deviceId: 'TAB-07', items: [item('TAB-07-000020', 'F-4', '40.00')] }, 'mehmet'), { code: 'ABONE_ERR_COLLECTIONS_DEVICE_NOT_YOURS' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.equal(await assignFieldDevice(db.pool, 'TAB-07', 'mehmet'), 'ahmet');
    const [r] = await syncFieldBatch(db.pool, { deviceId: 'TAB-07', items: [item('TAB-07-000020', 'F-4', '40.00')] }, 'mehmet');
    assert.equal(r.status, 'taken');
    await assert.rejects(syncFieldBatch(db.pool, { deviceId: 'TAB-07', items: [item('TAB-07-000021', 'F-4', '1.00')] }, 'ahmet'), { code: 'ABONE_ERR_COLLECTIONS_DEVICE_NOT_YOURS' });
  });

  it('a malformed batch is refused whole', async () => {
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(syncFieldBatch(db.pool, { deviceId: 'bad id!', items: [item('k', 'F-4', '1.00')] }, 'ahmet'), { code: 'ABONE_ERR_COLLECTIONS_FIELD_BATCH_INVALID' });
    await assert.rejects(syncFieldBatch(db.pool, { deviceId: 'TAB-08', items: [] }, 'ahmet'), { code: 'ABONE_ERR_COLLECTIONS_FIELD_BATCH_INVALID' });
    await assert.rejects(syncFieldBatch(db.pool, { deviceId: 'TAB-08', items: [item('k', 'F-4', '1.00'), item('k', 'F-4', '2.00')] }, 'ahmet'), { code: 'ABONE_ERR_COLLECTIONS_FIELD_BATCH_INVALID' });
    const [future] = await syncFieldBatch(db.pool, { deviceId: 'TAB-08', items: [item('k2', 'F-4', '1.00', { takenAt: '2099-01-01T00:00:00Z' })] }, 'ahmet');
    assert.deepEqual([future.status, future.code], ['refused', 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID']);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });
});
