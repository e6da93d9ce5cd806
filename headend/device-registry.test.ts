import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { DeviceRegistry } from './device-registry.ts';

describe('device registry: meter credentials', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  it('issues fleet credentials again (a second start of the demo): the old secrets stop working, the new ones work', async () => {
    const registry = new DeviceRegistry(db.pool);
    await registry.upsertModel({ code: 'T-GAS', manufacturer: 'Test', commodity: 'gas', registerDigits: 8, channels: [{ channel: 'volume', intervalSeconds: 3600 }] });
    await registry.addMeters([{ serial: 'CRED-1', model: 'T-GAS' }, { serial: 'CRED-2', model: 'T-GAS' }]);
    const first = await registry.issueCredentials(['CRED-1', 'CRED-2']);
    const second = await registry.issueCredentials(['CRED-1', 'CRED-2']);
    assert.equal(await registry.verifyCredential('CRED-1', first.get('CRED-1')!), false);
    assert.equal(await registry.verifyCredential('CRED-1', second.get('CRED-1')!), true);
    assert.equal(await registry.verifyCredential('CRED-2', second.get('CRED-2')!), true);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM device_credential WHERE revoked_at IS NULL');
    assert.equal(rows[0].n, 2);
  });
});
