/**
 * The contract lifecycle against the real database: move-in and move-out with readings and a final-bill request,
 * transfer to a new holder, freeze, cut-off and reconnection, cancel, and every forbidden move refused with its code
 * and nothing changed.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { AboneError } from '../../platform/errors.ts';
import type { CallContext } from '../registry/index.ts';
import { applyEvent, claimFinalBillRequests, completeFinalBillRequests, installMeter, moveIn, readSubscription, TRANSITIONS, STATUSES, EVENTS } from './index.ts';
import { callContext, hoursAgo, installation, meters, party } from './test-fixtures.ts';

const refused = (code: string) => (err: unknown) => {
  assert.ok(err instanceof AboneError, String(err));
  assert.equal(err.code, code);
  return true;
};

describe('subscriptions: lifecycle', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  const state = async () => (await db.pool.query(`SELECT (SELECT count(*) FROM subscription) s, (SELECT count(*) FROM subscription_event) e, (SELECT count(*) FROM final_bill_request) b, (SELECT count(*) FROM subscription_tariff) t`)).rows[0];

  before(async () => {
    db = await createTestDatabase();
    ctx = await callContext(db.pool);
  });
  after(() => db.drop());

  it('lists every event and status in the transition table, and no dead ends among live statuses', () => {
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...EVENTS].sort());
    for (const t of Object.values(TRANSITIONS)) for (const s of t.from) assert.ok(STATUSES.includes(s));
    for (const live of ['active', 'frozen', 'cut_off'] as const) assert.ok(Object.values(TRANSITIONS).some((t) => t.from.includes(live) && t.finalBill), `${live} can end with a final bill`);
  });

  it('moves in at the opening reading and out at the closing reading, leaving a final bill request', async () => {
    const inst = await installation(db.pool, ctx);
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '1200.000', at: hoursAgo(48) }, ctx);
    const holder = await party(db.pool, ctx);
    const s = await moveIn(db.pool, { partyId: holder, installationId: inst, class: 'residential', tariffCode: 'GAS-RES-2026', openingReading: '1203.5', at: hoursAgo(40) }, ctx);
    assert.equal(s.status, 'active');
    assert.deepEqual(s.region, { il: 'ankara', ilce: 'cankaya' });
    assert.deepEqual(s.events.map((e) => [e.kind, e.to, e.reading]), [['move_in', 'active', '1203.500']]);
    assert.equal(s.tariffs[0].tariffCode, 'GAS-RES-2026');

    const out = await applyEvent(db.pool, s.id, { event: 'move_out', reading: '1350.250', at: hoursAgo(1) }, ctx);
    assert.equal(out.status, 'ended');
    assert.ok(out.endedAt);
    assert.deepEqual(out.finalBill && { meterId: out.finalBill.meterId, closingReading: out.finalBill.closingReading, status: out.finalBill.status }, { meterId: m.ids[0], closingReading: '1350.250', status: 'pending' });
    // 1350.250 − 1203.500 = 146.750 m³ consumed, which billing computes from these two rows.
    assert.deepEqual(out.events.map((e) => e.reading), ['1203.500', '1350.250']);
    // Billing claims the request once, even with two workers asking at the same moment, and marks it done.
    const [w1, w2] = await Promise.all([claimFinalBillRequests(db.pool, 10), claimFinalBillRequests(db.pool, 10)]);
    const claimed = [...w1, ...w2].filter((r) => r.subscriptionId === s.id);
    assert.equal(claimed.length, 1);
    assert.deepEqual({ partyId: claimed[0].partyId, installationId: claimed[0].installationId, closingReading: claimed[0].closingReading }, { partyId: holder, installationId: inst, closingReading: '1350.250' });
    assert.equal(await completeFinalBillRequests(db.pool, [claimed[0].id]), 1);
    assert.equal((await readSubscription(db.pool, s.id)).finalBill?.status, 'done');
    assert.equal((await claimFinalBillRequests(db.pool, 10)).filter((r) => r.subscriptionId === s.id).length, 0);
  });

  it('refuses a move-in on an occupied installation, without a meter, or below the meter reading', async () => {
    const inst = await installation(db.pool, ctx);
    const holder = await party(db.pool, ctx);
    const move = (reading: string, installationId = inst) => moveIn(db.pool, { partyId: holder, installationId, class: 'residential', tariffCode: 'GAS-RES', openingReading: reading }, ctx);
    await assert.rejects(move('10'), refused('ABONE_ERR_SUBSCRIPTION_NO_METER'));
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '500', at: hoursAgo(10) }, ctx);
    const before = await state();
    await assert.rejects(move('499.999'), refused('ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS'));
    assert.deepEqual(await state(), before);
    await move('500');
    const other = await party(db.pool, ctx, 'Mehmet Öztürk');
    const at = await state();
    await assert.rejects(moveIn(db.pool, { partyId: other, installationId: inst, class: 'residential', tariffCode: 'GAS-RES', openingReading: '501' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_INSTALLATION_OCCUPIED'));
    await assert.rejects(moveIn(db.pool, { partyId: 999999, installationId: inst, class: 'residential', tariffCode: 'GAS-RES', openingReading: '501' }, ctx), refused('ABONE_ERR_REGISTRY_PARTY_NOT_FOUND'));
    await assert.rejects(move('1', 999999), refused('ABONE_ERR_REGISTRY_INSTALLATION_NOT_FOUND'));
    assert.deepEqual(await state(), at);
  });

  it('lets exactly one of two simultaneous move-ins on one installation through', async () => {
    const inst = await installation(db.pool, ctx);
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '0', at: hoursAgo(5) }, ctx);
    const holders = [await party(db.pool, ctx), await party(db.pool, ctx, 'Can Ekinci')];
    const results = await Promise.allSettled(holders.map((partyId) => moveIn(db.pool, { partyId, installationId: inst, class: 'residential', tariffCode: 'GAS-RES', openingReading: '1' }, ctx)));
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code, 'ABONE_ERR_SUBSCRIPTION_INSTALLATION_OCCUPIED');
    const { rows } = await db.pool.query('SELECT count(*) AS n FROM subscription WHERE installation_id = $1', [inst]);
    assert.equal(rows[0].n, 1);
  });

  it('refuses a move-out without a closing reading, or with one below the last', async () => {
    const inst = await installation(db.pool, ctx);
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '0', at: hoursAgo(10) }, ctx);
    const s = await moveIn(db.pool, { partyId: await party(db.pool, ctx), installationId: inst, class: 'commercial', tariffCode: 'GAS-COM', openingReading: '20', at: hoursAgo(9) }, ctx);
    const before = await state();
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'move_out' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_READING_REQUIRED'));
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'move_out', reading: '19.999' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS'));
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'move_out', reading: '25', at: hoursAgo(9.5) }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TIME_ORDER'));
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'move_out', reading: '25', at: new Date(Date.now() + 3_600_000) }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TIME_ORDER'));
    assert.deepEqual(await state(), before);
    assert.equal((await readSubscription(db.pool, s.id)).status, 'active');
  });

  it('transfers to a new holder: the old contract ends with a final bill, the new one opens at the same reading', async () => {
    const inst = await installation(db.pool, ctx);
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '100', at: hoursAgo(30) }, ctx);
    const seller = await party(db.pool, ctx, 'Ali Veli');
    const buyer = await party(db.pool, ctx, 'Zeynep Kaya');
    const s = await moveIn(db.pool, { partyId: seller, installationId: inst, class: 'residential', tariffCode: 'GAS-RES', openingReading: '100', at: hoursAgo(29) }, ctx);
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'transfer', reading: '150', newPartyId: seller }, ctx), refused('ABONE_ERR_SUBSCRIPTION_SAME_HOLDER'));
    const next = await applyEvent(db.pool, s.id, { event: 'transfer', reading: '150.5', newPartyId: buyer, at: hoursAgo(2) }, ctx);
    assert.equal(next.partyId, buyer);
    assert.equal(next.transferredFrom, s.id);
    assert.equal(next.status, 'active');
    assert.deepEqual(next.events.map((e) => [e.kind, e.reading]), [['transfer_in', '150.500']]);
    assert.equal(next.tariffs[0].tariffCode, 'GAS-RES');
    const old = await readSubscription(db.pool, s.id);
    assert.equal(old.status, 'transferred');
    assert.equal(old.finalBill?.closingReading, '150.500');
    await assert.rejects(applyEvent(db.pool, s.id, { event: 'freeze' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
  });

  it('freezes, cuts off for debt and reconnects; refuses the moves the table does not list', async () => {
    const inst = await installation(db.pool, ctx);
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '7', at: hoursAgo(20) }, ctx);
    const holder = await party(db.pool, ctx);
    const s = await moveIn(db.pool, { partyId: holder, installationId: inst, class: 'place_of_worship', tariffCode: 'GAS-IBD', openingReading: '7', at: hoursAgo(19) }, ctx);
    const go = (event: any, extra: object = {}) => applyEvent(db.pool, s.id, { event, ...extra }, ctx);
    await assert.rejects(go('unfreeze'), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
    await assert.rejects(go('reconnect'), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
    assert.equal((await go('freeze', { at: hoursAgo(18) })).status, 'frozen');
    await assert.rejects(go('cut_off'), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
    assert.equal((await go('unfreeze', { at: hoursAgo(17) })).status, 'active');
    assert.equal((await go('cut_off', { reading: '30', at: hoursAgo(16) })).status, 'cut_off');
    await assert.rejects(go('transfer', { reading: '30', newPartyId: await party(db.pool, ctx) }), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
    await assert.rejects(go('reconnect', { reading: '29' }), refused('ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS'));
    const back = await go('reconnect', { reading: '30', at: hoursAgo(15) });
    assert.deepEqual(back.events.map((e) => `${e.from ?? '-'}>${e.to}`), ['->active', 'active>frozen', 'frozen>active', 'active>cut_off', 'cut_off>active']);
    await assert.rejects(go('cancel', { reading: '31' }), refused('ABONE_ERR_HTTP_VALIDATION'));
    const cancelled = await go('cancel', { at: hoursAgo(14) });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.finalBill, null);
    await assert.rejects(go('move_out', { reading: '40' }), refused('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED'));
    // The installation is free again after the cancel, but not for a contract back-dated into the cancelled one's time.
    await assert.rejects(moveIn(db.pool, { partyId: holder, installationId: inst, class: 'place_of_worship', tariffCode: 'GAS-IBD', openingReading: '30', at: hoursAgo(14.5) }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TIME_ORDER'));
    const again = await moveIn(db.pool, { partyId: holder, installationId: inst, class: 'place_of_worship', tariffCode: 'GAS-IBD', openingReading: '30' }, ctx);
    assert.equal(again.status, 'active');
  });
});
