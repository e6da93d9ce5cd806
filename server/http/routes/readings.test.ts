/** Readings over HTTP: stored whole and answered after commit, or refused whole with each problem named. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { buildTestApp } from '../../../test/support/app.ts';
import { sessionAs } from '../../../test/support/auth.ts';
import { startHeadend, type Headend } from '../../../headend/index.ts';
import { provisionDemoFleet, type ProvisionedMeter } from '../../../simulators/index.ts';
import type { App } from '../../index.ts';

describe('POST /api/v1/meters/:serial/readings', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let headend: Headend;
  let app: App;
  let gas: ProvisionedMeter;
  let cookie: string;
  const count = async (table: string) => (await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n as number;
  const post = (serial: string, payload: unknown, kind = 'readings') => app.inject({ method: 'POST', url: `/api/v1/meters/${serial}/${kind}`, headers: { cookie }, payload: payload as object });

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5 });
    [gas] = await provisionDemoFleet(headend.registry, 1, `H${randomBytes(2).toString('hex')}`);
    app = await buildTestApp(db.pool, undefined, { registry: headend.registry, pipeline: headend.pipeline });
    cookie = (await sessionAs(app, db.pool, [{ role: 'ami_operator' }])).cookie;
  });
  after(async () => {
    await app.close();
    await headend.stop();
    await db.drop();
  });

  it('stores a batch and answers only after it is committed', async () => {
    const readings = [0, 1, 2].map((h) => ({ ts: `2026-11-01T0${h}:00:00Z`, ch: 'consumption', v: 0.25 * (h + 1), u: 'm3' }));
    const res = await post(gas.serial, { readings });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json(), { stored: 3 });
    const { rows } = await db.pool.query(`SELECT value::float8 AS v FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = $1 ORDER BY ts`, [gas.serial]);
    assert.deepEqual(rows.map((r) => r.v), [0.25, 0.5, 0.75]);
  });

  it('stores meter events through the same route family', async () => {
    const res = await post(gas.serial, { events: [{ ts: '2026-11-01T05:00:00Z', code: 'tamper', detail: { cause: 'cover_opened' } }] }, 'events');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await db.pool.query(`SELECT code FROM meter_event`)).rows[0].code, 'tamper');
  });

  it('refuses a whole batch when one reading fails validation, and stores nothing of it', async () => {
    const [readings, deadLetters] = [await count('reading'), await count('dead_letter')];
    const res = await post(gas.serial, {
      readings: [
        { ts: '2026-11-02T00:00:00Z', ch: 'consumption', v: 1, u: 'm3' },
        { ts: '2099-01-01T00:00:00Z', ch: 'consumption', v: 1, u: 'm3' },
        { ts: '2026-11-02T01:00:00Z', ch: 'voltage_l1', v: 230, u: 'V' },
      ],
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'ABONE_ERR_HEADEND_PAYLOAD_REFUSED');
    assert.match(res.json().message, /readings\[1\] ts_future/);
    assert.match(res.json().message, /readings\[2\] channel_(unknown|not_on_model)/);
    assert.doesNotMatch(res.json().message, /readings\[0\]/);
    assert.deepEqual([await count('reading'), await count('dead_letter')], [readings, deadLetters]);
  });

  it('refuses a body that breaks the payload schema, and an unknown meter', async () => {
    const bad = await post(gas.serial, { readings: [{ ts: 'yesterday', ch: 'consumption', v: 1, u: 'm3' }] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ABONE_ERR_HEADEND_PAYLOAD_REFUSED');
    const unknown = await post('NO-SUCH-METER', { readings: [] });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'ABONE_ERR_HEADEND_METER_NOT_FOUND');
  });
});
