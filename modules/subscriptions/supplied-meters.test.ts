/** Which meters supply an active contract: the rules engine's answer to "should this meter be consuming?". */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { applyEvent, installMeter, moveIn, suppliedMeterIds } from './index.ts';
import { callContext, installation, meters, party } from './test-fixtures.ts';

describe('subscriptions: meters supplying an active contract', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  after(() => db.drop());

  it('counts a fitted meter of an active contract, not a frozen one, a vacant installation or a meter in stock', async () => {
    db = await createTestDatabase();
    const ctx = await callContext(db.pool);
    const m = await meters(db.pool, 'gas', 4);
    const [active, frozen, vacant] = [await installation(db.pool, ctx), await installation(db.pool, ctx), await installation(db.pool, ctx)];
    for (const [i, inst] of [active, frozen, vacant].entries()) await installMeter(db.pool, m.registry, inst, { serial: m.serials[i], reading: '0' }, ctx);
    for (const inst of [active, frozen]) await moveIn(db.pool, { partyId: await party(db.pool, ctx), installationId: inst, class: 'residential', tariffCode: 'GAS-RES-A', openingReading: '0' }, ctx);
    const frozenSub = (await db.pool.query('SELECT id FROM subscription WHERE installation_id = $1', [frozen])).rows[0].id;
    await applyEvent(db.pool, Number(frozenSub), { event: 'freeze' }, ctx);
    assert.deepEqual([...(await suppliedMeterIds(db.pool))], [m.ids[0]]);
  });
});
