/**
 * Calibration: pass/fail against the maximum permissible error (gas ±3 % at Qmin, ±1.5 % at Qt and Qmax; water ±5 /
 * ±2 %; a model's own limits first), and a failed meter gets exactly one replacement order in the same transaction.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { AboneError } from '../../platform/errors.ts';
import type { DeviceRegistry } from '../../headend/index.ts';
import { recordCalibration, withinMpe, type CalibrationInput } from './calibration.ts';
import { count, crew, dispatcher, registerMeter, snapshot } from './test-fixtures.ts';

const ctx = { actor: dispatcher };
const code = (err: unknown) => (err as AboneError).code;
const GAS = { qmin: '3.00', qt: '1.50', qmax: '1.50' };

describe('work orders: calibration records', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let meters: DeviceRegistry;
  const record = (over: Partial<CalibrationInput> & { errors: CalibrationInput['errors'] }) =>
    recordCalibration(db.pool, meters, { meterSerial: 'G-CAL-1', calibratedOn: '2026-11-02', lab: 'Ankara Kalibrasyon Lab.', certificateNo: 'CERT-1', region: 'ANK', ...over }, ctx);

  before(async () => {
    db = await createTestDatabase();
    meters = await registerMeter(db.pool, 'G-CAL-1', 'gas');
    await registerMeter(db.pool, 'W-CAL-1', 'water');
    await registerMeter(db.pool, 'G-PRECISE-1', 'gas', 'WO-G4-PRECISE');
    await crew(db.pool, 'ANK-1', 'ANK', ['metering'], 10);
  });
  after(() => db.drop());

  it('passes on the limit and fails just past it, at every point', () => {
    assert.equal(withinMpe({ qmin: '-3.000', qt: '1.5', qmax: '-1.500' }, GAS), true);
    assert.equal(withinMpe({ qmin: '3.001', qt: '0', qmax: '0' }, GAS), false);
    assert.equal(withinMpe({ qmin: '0', qt: '-1.501', qmax: '0' }, GAS), false);
    assert.equal(withinMpe({ qmin: '0', qt: '0', qmax: '1.501' }, GAS), false);
  });

  it('records a pass with the gas limits and opens no order', async () => {
    const cal = await record({ errors: { qmin: '-2.9', qt: '1.5', qmax: '0.4' } });
    assert.deepEqual([cal.passed, cal.mpe, cal.replacementOrder], [true, { qmin: '3.00', qt: '1.50', qmax: '1.50' }, null]);
    assert.equal(await count(db.pool, 'work_order'), 0);
  });

  it('fails a gas meter 1.8 % fast at Qt and opens one routed, high-priority replacement order with it', async () => {
    const cal = await record({ certificateNo: 'CERT-2', errors: { qmin: '2.1', qt: '1.8', qmax: '1.2' } });
    assert.equal(cal.passed, false);
    const o = cal.replacementOrder!;
    assert.deepEqual([o.type, o.priority, o.source, o.sourceRef, o.meterSerial, o.crew, o.status], ['meter_replacement', 'high', 'calibration', 'CERT-2', 'G-CAL-1', 'ANK-1', 'assigned']);
    assert.equal(o.slaDueAt.getTime() - o.createdAt.getTime(), 72 * 3_600_000);
    const { rows } = await db.pool.query('SELECT passed, replacement_order_id, error_qt::text FROM calibration WHERE certificate_no = $1', ['CERT-2']);
    assert.deepEqual(rows, [{ passed: false, replacement_order_id: o.id, error_qt: '1.800' }]);
  });

  it('refuses the same certificate twice (even at the same moment) and opens no second order', async () => {
    const before = await snapshot(db.pool);
    await assert.rejects(record({ certificateNo: 'CERT-2', errors: { qmin: '5', qt: '5', qmax: '5' } }), (e) => code(e) === 'ABONE_ERR_WORKORDER_CALIBRATION_EXISTS');
    assert.deepEqual(await snapshot(db.pool), before);
    const race = await Promise.allSettled(Array.from({ length: 8 }, () => record({ certificateNo: 'CERT-RACE', errors: { qmin: '4', qt: '0', qmax: '0' } })));
    assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(race.every((r) => r.status === 'fulfilled' || code(r.reason) === 'ABONE_ERR_WORKORDER_CALIBRATION_EXISTS'));
    assert.equal(await count(db.pool, `work_order WHERE source = 'calibration' AND source_ref = 'CERT-RACE'`), 1);
    assert.equal(await count(db.pool, `calibration WHERE certificate_no = 'CERT-RACE'`), 1);
  });

  it('uses the water limits for a water meter and a model\'s own limits before its commodity\'s', async () => {
    const water = await recordCalibration(db.pool, meters, { meterSerial: 'W-CAL-1', calibratedOn: '2026-10-01', lab: 'İzmir Lab', certificateNo: 'W-1', errors: { qmin: '-4.8', qt: '1.9', qmax: '2' } }, ctx);
    assert.deepEqual([water.passed, water.mpe], [true, { qmin: '5.00', qt: '2.00', qmax: '2.00' }]);
    const { rows } = await db.pool.query(`SELECT id FROM meter_model WHERE code = 'WO-G4-PRECISE'`);
    await db.pool.query(`INSERT INTO calibration_mpe (commodity, model_id, mpe_qmin, mpe_qt, mpe_qmax, source) VALUES ('gas', $1, 2, 1, 1, 'maker type approval')`, [rows[0].id]);
    const precise = await recordCalibration(db.pool, meters, { meterSerial: 'G-PRECISE-1', calibratedOn: '2026-10-01', lab: 'Lab', certificateNo: 'P-1', errors: { qmin: '2.5', qt: '0', qmax: '0' } }, ctx);
    assert.deepEqual([precise.passed, precise.mpe.qmin], [false, '2.00'], '2.5 % passes gas in general but not this model');
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await snapshot(db.pool);
    await assert.rejects(record({ meterSerial: 'NO-SUCH', certificateNo: 'X-1', errors: { qmin: '9', qt: '9', qmax: '9' } }), (e) => code(e) === 'ABONE_ERR_HEADEND_METER_NOT_FOUND');
    await assert.rejects(record({ calibratedOn: '2026-02-30', certificateNo: 'X-2', errors: { qmin: '9', qt: '9', qmax: '9' } }), (e) => code(e) === 'ABONE_ERR_HTTP_VALIDATION');
    await assert.rejects(record({ calibratedOn: '2999-01-01', certificateNo: 'X-3', errors: { qmin: '9', qt: '9', qmax: '9' } }), (e) => code(e) === 'ABONE_ERR_HTTP_VALIDATION');
    assert.deepEqual(await snapshot(db.pool), before);
  });
});
