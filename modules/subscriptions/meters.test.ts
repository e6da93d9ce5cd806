/**
 * Meters on installations: a meter on one installation at a time, exchange keeps both meters' history whole, removal
 * refused while an active contract uses the meter, and what billing reads for a period around an exchange.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { AboneError } from '../../platform/errors.ts';
import { billingPeriod } from '../../platform/calendar.ts';
import type { CallContext } from '../registry/index.ts';
import { applyEvent, assignTariff, billableSubscriptions, exchangeMeter, installMeter, meterHistory, moveIn, removeMeter } from './index.ts';
import { callContext, installation, meters, party } from './test-fixtures.ts';

const refused = (code: string) => (err: unknown) => (assert.ok(err instanceof AboneError, String(err)), assert.equal(err.code, code), true);
const fittingCount = async (db: TestDatabase) => (await db.pool.query('SELECT count(*) AS n FROM meter_fitting')).rows[0].n;

describe('subscriptions: meters on installations', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  before(async () => {
    db = await createTestDatabase();
    ctx = await callContext(db.pool);
  });
  after(() => db.drop());

  it('puts a meter on one installation at a time and of the right commodity', async () => {
    const a = await installation(db.pool, ctx);
    const b = await installation(db.pool, ctx);
    const water = await installation(db.pool, ctx, { commodity: 'water' });
    const m = await meters(db.pool, 'gas', 2);
    await installMeter(db.pool, m.registry, a, { serial: m.serials[0], reading: '0' }, ctx);
    const n = await fittingCount(db);
    await assert.rejects(installMeter(db.pool, m.registry, b, { serial: m.serials[0], reading: '0' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_METER_FITTED_ELSEWHERE'));
    await assert.rejects(installMeter(db.pool, m.registry, a, { serial: m.serials[1], reading: '0' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_INSTALLATION_HAS_METER'));
    await assert.rejects(installMeter(db.pool, m.registry, water, { serial: m.serials[1], reading: '0' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_COMMODITY_MISMATCH'));
    await assert.rejects(installMeter(db.pool, m.registry, b, { serial: 'NO-SUCH-METER', reading: '0' }, ctx), refused('ABONE_ERR_HEADEND_METER_NOT_FOUND'));
    assert.equal(await fittingCount(db), n);
    // Two clerks fitting the same meter on two installations at once: the unique index lets exactly one through.
    const c = await installation(db.pool, ctx);
    const results = await Promise.allSettled([b, c].map((i) => installMeter(db.pool, m.registry, i, { serial: m.serials[1], reading: '0' }, ctx)));
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code, 'ABONE_ERR_SUBSCRIPTION_METER_FITTED_ELSEWHERE');
  });

  it('exchanges a meter mid-contract, keeps both histories whole, and billing sees both meters in the month', async () => {
    const inst = await installation(db.pool, ctx);
    const other = await installation(db.pool, ctx);
    const m = await meters(db.pool, 'gas', 2);
    const [oldM, newM] = m.serials;
    const t = (iso: string) => new Date(iso);
    await installMeter(db.pool, m.registry, inst, { serial: oldM, reading: '4000', at: t('2026-09-20T08:00:00Z') }, ctx);
    const s = await moveIn(db.pool, { partyId: await party(db.pool, ctx), installationId: inst, class: 'residential', tariffCode: 'GAS-RES-A', openingReading: '4010', at: t('2026-09-25T09:00:00Z') }, ctx);
    await assignTariff(db.pool, s.id, { tariffCode: 'GAS-RES-B', from: '2026-10-16' }, ctx);
    await assert.rejects(assignTariff(db.pool, s.id, { tariffCode: 'GAS-RES-B', from: '2026-09-24' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TARIFF_DATE'));
    await assert.rejects(exchangeMeter(db.pool, m.registry, inst, { removedReading: '4009', serial: newM, reading: '0', at: t('2026-10-10T10:00:00Z') }, ctx), refused('ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS'));
    await exchangeMeter(db.pool, m.registry, inst, { removedReading: '4123.456', serial: newM, reading: '0.000', at: t('2026-10-10T10:00:00Z') }, ctx);
    await assert.rejects(removeMeter(db.pool, inst, { reading: '5' }, ctx), refused('ABONE_ERR_SUBSCRIPTION_METER_IN_USE'));
    await applyEvent(db.pool, s.id, { event: 'move_out', reading: '77.5', at: t('2026-11-05T12:00:00Z') }, ctx);
    await removeMeter(db.pool, inst, { reading: '77.5', at: t('2026-11-06T12:00:00Z') }, ctx);
    // No meter goes back in before the last one came out.
    await assert.rejects(installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '4123.456', at: t('2026-11-06T11:00:00Z') }, ctx), refused('ABONE_ERR_SUBSCRIPTION_TIME_ORDER'));
    // The old meter goes to another installation later: its life is one list across both.
    await installMeter(db.pool, m.registry, other, { serial: oldM, reading: '4123.456', at: t('2026-11-07T12:00:00Z') }, ctx);

    const life = await meterHistory(db.pool, m.ids[0]);
    assert.deepEqual(life.map((f) => [f.installationId, f.installedReading, f.removedReading, f.removalReason]), [[inst, '4000.000', '4123.456', 'exchange'], [other, '4123.456', null, null]]);
    const life2 = await meterHistory(db.pool, m.ids[1]);
    assert.deepEqual(life2.map((f) => [f.installationId, f.installedReading, f.removedReading, f.removalReason]), [[inst, '0.000', '77.500', 'removal']]);

    // October 2026 in Istanbul (UTC+3): both meters, split at the exchange; tariff A until 16 October 00:00 local.
    const [oct] = (await billableSubscriptions(db.pool, billingPeriod(2026, 10))).filter((b) => b.subscriptionId === s.id);
    assert.deepEqual(oct.meters.map((x) => [x.meterId, x.from.toISOString(), x.to.toISOString(), x.installedReading, x.removedReading]), [
      [m.ids[0], '2026-09-30T21:00:00.000Z', '2026-10-10T10:00:00.000Z', null, '4123.456'],
      [m.ids[1], '2026-10-10T10:00:00.000Z', '2026-10-31T21:00:00.000Z', '0.000', null],
    ]);
    assert.deepEqual(oct.tariffs.map((x) => [x.tariffCode, x.from.toISOString(), x.to.toISOString()]), [
      ['GAS-RES-A', '2026-09-30T21:00:00.000Z', '2026-10-15T21:00:00.000Z'],
      ['GAS-RES-B', '2026-10-15T21:00:00.000Z', '2026-10-31T21:00:00.000Z'],
    ]);
    assert.equal(oct.openingReading, null);
    assert.equal(oct.closingReading, null);
    assert.deepEqual(oct.region, { il: 'ankara', ilce: 'cankaya' });
    // November: the contract ends on the 5th with its closing reading; December does not list it.
    const [nov] = (await billableSubscriptions(db.pool, billingPeriod(2026, 11))).filter((b) => b.subscriptionId === s.id);
    assert.equal(nov.to.toISOString(), '2026-11-05T12:00:00.000Z');
    assert.equal(nov.closingReading, '77.500');
    assert.deepEqual(nov.statuses.map((x) => x.status), ['active']);
    assert.equal((await billableSubscriptions(db.pool, billingPeriod(2026, 12))).filter((b) => b.subscriptionId === s.id).length, 0);
  });
});
