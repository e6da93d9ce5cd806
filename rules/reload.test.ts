/**
 * Rules change while the engine runs: a saved rule is picked up by the reload poll without a restart, a new version
 * takes over evaluation, and the alarm the old version raised keeps its version. Meters registered after start are
 * picked up too.
 */
import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { clearAlarm, saveRule, startRules, type Rules } from './index.ts';
import { createUser, loadActor, syncCatalogue } from '../modules/access/index.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const H = 3_600_000;

describe('rules reload without a restart (real pipeline)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let headend: Headend;
  let rules: Rules;
  const base = Math.floor(Date.now() / H) * H - 10 * H;

  const send = (serial: string, hour: number, flow: number) =>
    headend.pipeline.submit(parseMqttMessage(`abone/v1/meters/${serial}/readings`, Buffer.from(JSON.stringify({ readings: [{ ts: new Date(base + hour * H).toISOString(), ch: 'flow', v: flow, u: 'm3/h' }] })), LIMITS));
  const until = async (what: () => boolean | Promise<boolean>) => {
    while (!(await what())) await new Promise((r) => setTimeout(r, 20));
  };
  const alarms = async () => (await db.pool.query(`SELECT m.serial, a.rule_version, a.active FROM alarm a JOIN meter m ON m.id = a.meter_id ORDER BY a.id`)).rows;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({ code: 'C1', manufacturer: 'T', commodity: 'gas', channels: [{ channel: 'flow' }] });
    await headend.registry.addMeters([{ serial: 'R1', model: 'C1' }]);
    rules = await startRules(db.pool, headend.pipeline, { reloadMs: 100, flushMs: 5, rebuildHours: 0, sweepMs: 3_600_000 });
  });
  after(async () => {
    await rules.stop();
    await headend.stop();
    await db.drop();
  });

  it('picks up a new rule, a new version and a new meter while running', async () => {
    await send('R1', 0, 12);
    await rules.idle();
    assert.deepEqual(await alarms(), []); // no rules yet

    await saveRule(db.pool, { code: 'flow-high', name: 'Flow high', severity: 'major', condition: { kind: 'threshold', channel: 'flow', above: 10 } }, 'system');
    await until(() => rules.engine.ruleSet().length === 1);
    await send('R1', 1, 12);
    await rules.idle();
    assert.deepEqual(await alarms(), [{ serial: 'R1', rule_version: 1, active: true }]);

    await saveRule(db.pool, { code: 'flow-high', name: 'Flow high', severity: 'major', condition: { kind: 'threshold', channel: 'flow', above: 20 } }, 'system');
    await until(() => rules.engine.ruleSet()[0]?.version === 2);
    assert.deepEqual(await alarms(), [{ serial: 'R1', rule_version: 1, active: true }]); // nothing rewritten by the save
    await send('R1', 2, 12); // under v2's 20: the v1 alarm clears, and keeps v1
    await rules.idle();
    assert.deepEqual(await alarms(), [{ serial: 'R1', rule_version: 1, active: false }]);

    await headend.registry.addMeters([{ serial: 'R2', model: 'C1' }]);
    const unknownBefore = rules.engine.stats.unknownMeter;
    await send('R2', 0, 25); // before the reload tick: counted as unknown to the engine, not evaluated
    assert.ok(rules.engine.stats.unknownMeter <= unknownBefore + 1);
    await new Promise((r) => setTimeout(r, 300)); // three reload ticks
    await send('R2', 1, 25);
    await rules.idle();
    assert.deepEqual((await alarms()).filter((a) => a.serial === 'R2'), [{ serial: 'R2', rule_version: 2, active: true }]);

    // An operator clears it while the flow is still high: the next reading raises a new alarm.
    await syncCatalogue(db.pool);
    const userId = await createUser(db.pool, { username: 'operator2', displayName: 'Op', password: 'correct horse battery staple', roles: [{ role: 'ami_operator' }] });
    const { rows } = await db.pool.query(`SELECT a.id FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE m.serial = 'R2' AND a.active`);
    await clearAlarm(db.pool, rows[0].id, { actor: (await loadActor(db.pool, userId, 'session'))! });
    await send('R2', 2, 25);
    await rules.idle();
    assert.deepEqual((await alarms()).filter((a) => a.serial === 'R2'), [
      { serial: 'R2', rule_version: 2, active: false },
      { serial: 'R2', rule_version: 2, active: true },
    ]);
  });

  it('a transition that cannot be written (its meter removed under it) is counted and logged; the rest of its batch is written', async () => {
    await headend.registry.addMeters([{ serial: 'R3', model: 'C1' }, { serial: 'R4', model: 'C1' }]);
    await new Promise((r) => setTimeout(r, 300)); // the engine's directory picks them up
    await db.pool.query(`DELETE FROM meter WHERE serial = 'R3'`); // the head-end's cache still accepts its readings
    const before = rules.backlog();
    await Promise.all([send('R3', 0, 30), send('R4', 0, 30)]);
    await rules.idle();
    const after = rules.backlog();
    assert.equal(after.dropped - before.dropped, 1);
    assert.ok(after.writeFailures > before.writeFailures);
    assert.deepEqual((await alarms()).filter((a) => a.serial === 'R4'), [{ serial: 'R4', rule_version: 2, active: true }]);
  });
});
