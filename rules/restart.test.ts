/**
 * A restart of the engine between the readings of one condition: the state is rebuilt from stored readings, so a
 * duration that began before the restart completes after it (without the replay, it would start again from zero).
 */
import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { saveRule, startRules, type Rules } from './index.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const H = 3_600_000;

describe('rules engine restart (real pipeline)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let headend: Headend;
  const base = Math.floor(Date.now() / H) * H - 6 * H;
  const send = (hour: number, pressure: number) =>
    headend.pipeline.submit(parseMqttMessage('abone/v1/meters/P1/readings', Buffer.from(JSON.stringify({ readings: [{ ts: new Date(base + hour * H).toISOString(), ch: 'pressure', v: pressure, u: 'bar' }] })), LIMITS));
  const alarms = async () => (await db.pool.query(`SELECT type, active, raised_at FROM alarm`)).rows;
  const settings = { flushMs: 5, reloadMs: 600_000, sweepMs: 3_600_000 };

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({ code: 'C1', manufacturer: 'T', commodity: 'gas', channels: [{ channel: 'pressure' }] });
    await headend.registry.addMeters([{ serial: 'P1', model: 'C1' }]);
    await saveRule(db.pool, { code: 'low-pressure', name: 'Low pressure for 2 h', severity: 'critical', condition: { kind: 'threshold', channel: 'pressure', below: 0.015, forSeconds: 7200 } }, 'system');
  });
  after(async () => {
    await headend.stop();
    await db.drop();
  });

  async function runAcrossRestart(rebuildHours: number): Promise<unknown[]> {
    await db.pool.query('TRUNCATE alarm, reading');
    let rules: Rules = await startRules(db.pool, headend.pipeline, { ...settings, rebuildHours });
    await send(0, 0.01);
    await send(1, 0.01); // 1 h low so far
    await rules.idle();
    await rules.stop();
    rules = await startRules(db.pool, headend.pipeline, { ...settings, rebuildHours });
    await send(2, 0.01); // 2 h low since hour 0: only an engine that remembers hour 0 raises
    await rules.idle();
    const out = await alarms();
    await rules.stop();
    return out;
  }

  it('completes a duration begun before the restart, from the replayed readings', async () => {
    assert.deepEqual(await runAcrossRestart(12), [{ type: 'low-pressure', active: true, raised_at: new Date(base + 2 * H) }]);
  });

  it('without the replay (0 hours) the duration starts again: the restart would have hidden the alarm', async () => {
    assert.deepEqual(await runAcrossRestart(0), []);
  });
});
