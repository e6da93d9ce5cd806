/** Alarms and rules over HTTP, on the real app: a bad rule is a 400 naming the field and stores nothing. */
import assert from 'node:assert/strict';
import { DeviceRegistry } from '../headend/index.ts';
import { buildTestApp } from '../test/support/app.ts';
import { sessionAs } from '../test/support/auth.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import type { App } from '../server/index.ts';
import { applyTransitions } from './alarm-store.ts';

describe('alarms and rules over HTTP', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let operator: string;
  let auditor: string;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    operator = (await sessionAs(app, db.pool, [{ role: 'ami_operator' }])).cookie;
    auditor = (await sessionAs(app, db.pool, [{ role: 'auditor' }])).cookie;
    const registry = new DeviceRegistry(db.pool);
    await registry.upsertModel({ code: 'G4', manufacturer: 'T', commodity: 'gas', channels: [{ channel: 'volume' }] });
    await registry.addMeters([{ serial: 'M1', model: 'G4' }, { serial: 'M2', model: 'G4' }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: unknown) => app.inject({ method, url, payload: payload as object, headers: { cookie } });

  it('saves a rule and its next version; refuses a bad one with the field named, storing nothing', async () => {
    const rule = { code: 'leak', name: 'Leak', severity: 'major', condition: { kind: 'event', codes: ['leak'] } };
    const first = await call(operator, 'POST', '/api/v1/rules', rule);
    assert.equal(first.statusCode, 201, first.body);
    const second = await call(operator, 'POST', '/api/v1/rules', { ...rule, severity: 'critical' });
    assert.deepEqual([first.json().version, second.json().version], [1, 2]);
    const bad = await call(operator, 'POST', '/api/v1/rules', { ...rule, condition: { kind: 'out_of_band', channel: 'pressure', low: 3, high: 1 } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { code: 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', message: 'Rule refused at condition.low: low (3) must be less than high (1)' });
    const unknown = await call(operator, 'POST', '/api/v1/rules', { ...rule, condition: { kind: 'threshold', channel: 'colour', above: 1 } });
    assert.equal(unknown.json().code, 'ABONE_ERR_RULES_CHANNEL_UNKNOWN');
    const latest = await call(auditor, 'GET', '/api/v1/rules');
    assert.deepEqual(latest.json().items.map((r: { code: string; version: number; severity: string }) => [r.code, r.version, r.severity]), [['leak', 2, 'critical']]);
    const all = await call(auditor, 'GET', '/api/v1/rules?code=leak&versions=all');
    assert.deepEqual(all.json().items.map((r: { version: number }) => r.version), [2, 1]);
  });

  it('lists alarms by state, meter and type; acknowledges and clears them', async () => {
    const { rows } = await db.pool.query(`SELECT id, version, severity FROM rule_definition WHERE code = 'leak' ORDER BY version DESC LIMIT 1`);
    const m = await new DeviceRegistry(db.pool).get('M2');
    const at = Date.UTC(2026, 0, 15, 8);
    await applyTransitions(db.pool, [{ kind: 'raise', meterId: m.id, type: 'leak', ruleId: rows[0].id, ruleVersion: rows[0].version, severity: rows[0].severity, at, detail: { event: 'leak' } }], 900);
    const list = await call(auditor, 'GET', '/api/v1/alarms?state=active&meter=M2&type=leak');
    assert.equal(list.statusCode, 200);
    const [alarm] = list.json().items;
    assert.deepEqual([alarm.serial, alarm.type, alarm.state, alarm.acknowledged, alarm.severity, alarm.raisedAt], ['M2', 'leak', 'active', false, 'critical', '2026-01-15T08:00:00.000Z']);
    assert.deepEqual((await call(auditor, 'GET', '/api/v1/alarms?meter=M1')).json().items, []);
    assert.equal((await call(auditor, 'POST', `/api/v1/alarms/${alarm.id}/acknowledge`)).statusCode, 403);
    const ack = await call(operator, 'POST', `/api/v1/alarms/${alarm.id}/acknowledge`);
    assert.equal(ack.json().acknowledged, true);
    const cleared = await call(operator, 'POST', `/api/v1/alarms/${alarm.id}/clear`);
    assert.equal(cleared.json().state, 'cleared');
    const again = await call(operator, 'POST', `/api/v1/alarms/${alarm.id}/clear`);
    assert.deepEqual([again.statusCode, again.json().code], [409, 'ABONE_ERR_RULES_ALARM_NOT_ACTIVE']);
    assert.equal((await call(operator, 'POST', '/api/v1/alarms/424242/clear')).statusCode, 404);
    assert.equal((await call(auditor, 'GET', '/api/v1/alarms?state=cleared')).json().items.length, 1);
    assert.equal((await call(auditor, 'GET', '/api/v1/alarms?state=bogus')).statusCode, 400);
  });
});
