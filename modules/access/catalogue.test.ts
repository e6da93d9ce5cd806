/** Default grants across releases: new defaults reach existing databases once; an administrator's removal stays. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { syncCatalogue, PERMISSIONS, ROLES } from './catalogue.ts';

describe('permission catalogue sync', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  const grants = async (role: string) =>
    (await db.pool.query('SELECT permission FROM role_permission WHERE role = $1 ORDER BY permission', [role])).rows.map((r) => r.permission as string);

  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  it('grants a release\'s new default once, and never gives back what an administrator removed', async () => {
    const release1 = { permissions: { ...PERMISSIONS }, roles: { ...ROLES, cashier: { name: 'Cashier', permissions: ['parties.read', 'ledger.read'] as never[] } } };
    await syncCatalogue(db.pool, release1);
    assert.deepEqual(await grants('cashier'), ['ledger.read', 'parties.read']);

    await db.pool.query(`DELETE FROM role_permission WHERE role = 'cashier' AND permission = 'ledger.read'`); // the utility's own decision
    const release2 = { permissions: { ...PERMISSIONS, 'receipts.print': 'Print receipts' }, roles: { ...release1.roles, cashier: { name: 'Cashier', permissions: ['parties.read', 'ledger.read', 'receipts.print'] as never[] } } };
    await syncCatalogue(db.pool, release2);
    await syncCatalogue(db.pool, release2); // every start runs it: twice changes nothing
    assert.deepEqual(await grants('cashier'), ['parties.read', 'receipts.print']);
    assert.ok((await grants('admin')).includes('receipts.print'), 'admin holds every permission');
  });
});
