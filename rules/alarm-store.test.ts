/**
 * The alarm lifecycle in PostgreSQL: one active alarm per meter and type (repeats counted), auto-clear, flap
 * suppression by hold-off, escalation per severity, operators' acknowledge and clear, and a restart that rebuilds
 * the engine's state from stored readings and the active alarms.
 */
import assert from 'node:assert/strict';
import { DeviceRegistry, ReadingStorage } from '../headend/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { createUser, loadActor, syncCatalogue } from '../modules/access/index.ts';
import { acknowledgeAlarm, applyTransitions, clearAlarm, escalateAlarms } from './alarm-store.ts';
import { onAlarmChange, type AlarmChange } from './alarm.ts';
import { RuleEngine, type Transition } from './engine.ts';
import { MeterDirectory } from './meter-directory.ts';
import { rebuildState } from './rebuild.ts';
import { loadLatestRules, saveRule } from './rule-store.ts';
import type { RuleVersion } from './rule-language.ts';

const T0 = Date.UTC(2026, 0, 15);
const MIN = 60_000;
const HOLDOFF_S = 900;

describe('alarm lifecycle (real PostgreSQL)', () => {
  let db: TestDatabase;
  let meterId: number;
  let tamper: RuleVersion;
  const changes: AlarmChange[] = [];
  let off: () => void;

  before(async () => {
    db = await createTestDatabase();
    const registry = new DeviceRegistry(db.pool);
    await registry.upsertModel({ code: 'G4', manufacturer: 'T', commodity: 'gas', channels: [{ channel: 'volume' }, { channel: 'pressure' }] });
    await registry.addMeters([{ serial: 'M1', model: 'G4' }, { serial: 'M2', model: 'G4' }]);
    meterId = (await registry.get('M1')).id;
    tamper = await saveRule(db.pool, { code: 'tamper', name: 'Tamper', severity: 'critical', condition: { kind: 'event', codes: ['tamper'] } }, 'system');
    off = onAlarmChange((c) => changes.push(c));
  });
  after(async () => {
    off();
    await db.drop();
  });

  const t = (kind: 'raise' | 'clear', minutes: number, rule = tamper, meter = meterId): Transition => ({
    kind,
    meterId: meter,
    type: rule.code,
    ruleId: rule.id,
    ruleVersion: rule.version,
    severity: rule.severity,
    at: T0 + minutes * MIN,
    detail: { note: `at ${minutes}` },
  });
  const rows = async () =>
    (await db.pool.query(`SELECT id, active, repeat_count, reopen_count, rule_version, raised_at, cleared_at FROM alarm WHERE type = 'tamper' AND meter_id = $1 ORDER BY id`, [meterId])).rows;

  it('one active alarm per meter and type: a raise while active is a repeat; a clear past the hold-off then a raise is a new alarm', async () => {
    const out = await applyTransitions(db.pool, [t('raise', 0), t('raise', 5), t('raise', 7), t('clear', 10), t('raise', 10 + 16)], HOLDOFF_S);
    assert.deepEqual(out.map((c) => c.change), ['raised', 'repeated', 'repeated', 'cleared', 'raised']);
    const r = await rows();
    assert.equal(r.length, 2);
    assert.deepEqual([r[0].active, r[0].repeat_count, r[0].cleared_at.getTime()], [false, 2, T0 + 10 * MIN]);
    assert.deepEqual([r[1].active, r[1].repeat_count], [true, 0]);
  });

  it('flap suppression: raised again within the hold-off of its auto-clear reopens the same alarm', async () => {
    await applyTransitions(db.pool, [t('clear', 30), t('raise', 30 + 14)], HOLDOFF_S); // 14 min < 15 min hold-off
    const r = await rows();
    assert.equal(r.length, 2);
    assert.deepEqual([r[1].active, r[1].repeat_count, r[1].reopen_count, r[1].cleared_at], [true, 1, 1, null]);
  });

  it('a new rule version never rewrites an alarm already raised: it keeps v1, its repeat is counted on it', async () => {
    const v2 = await saveRule(db.pool, { code: 'tamper', name: 'Tamper', severity: 'major', condition: { kind: 'event', codes: ['tamper', 'magnetic_field'] } }, 'system');
    assert.equal(v2.version, 2);
    await applyTransitions(db.pool, [t('raise', 50, v2)], HOLDOFF_S);
    const r = await rows();
    assert.deepEqual([r.length, r[1].rule_version, r[1].repeat_count], [2, 1, 2]);
    const { rows: sev } = await db.pool.query('SELECT severity FROM alarm WHERE id = $1', [r[1].id]);
    assert.equal(sev[0].severity, 'critical');
  });

  it('escalates an unacknowledged alarm once its severity\'s time has passed, once', async () => {
    const id = (await rows())[1].id;
    assert.deepEqual(await escalateAlarms(db.pool, { critical: 15, major: 60, minor: 240, warning: 1440 }), []); // opened just now
    await db.pool.query(`UPDATE alarm SET opened_at = now() - interval '16 minutes' WHERE id = $1`, [id]);
    const escalated = await escalateAlarms(db.pool, { critical: 15, major: 60, minor: 240, warning: 1440 });
    assert.deepEqual(escalated.map((c) => [c.change, c.alarm.id]), [['escalated', id]]);
    assert.deepEqual(await escalateAlarms(db.pool, { critical: 15, major: 60, minor: 240, warning: 1440 }), []);
  });

  it('operators acknowledge (once, audited) and clear by hand; a cleared alarm cannot be cleared again; unknown ids are 404', async () => {
    await syncCatalogue(db.pool);
    const userId = await createUser(db.pool, { username: 'operator1', displayName: 'Op', password: 'correct horse battery staple', roles: [{ role: 'ami_operator' }] });
    const actor = (await loadActor(db.pool, userId, 'session'))!;
    const id = (await rows())[1].id;
    const acked = await acknowledgeAlarm(db.pool, id, { actor });
    assert.deepEqual([acked.state, acked.acknowledged, acked.acknowledgedBy], ['active', true, 'operator1']);
    await acknowledgeAlarm(db.pool, id, { actor }); // again: nothing changes, no second change event
    const cleared = await clearAlarm(db.pool, id, { actor });
    assert.deepEqual([cleared.state, cleared.acknowledged, cleared.clearedBy], ['cleared', true, 'operator1']);
    await assert.rejects(clearAlarm(db.pool, id, { actor }), { code: 'ABONE_ERR_RULES_ALARM_NOT_ACTIVE' });
    await assert.rejects(acknowledgeAlarm(db.pool, 987_654, { actor }), { code: 'ABONE_ERR_RULES_ALARM_NOT_FOUND' });
    const { rows: audit } = await db.pool.query(`SELECT action FROM audit_log WHERE entity = 'alarm' ORDER BY id`);
    assert.deepEqual(audit.map((a) => a.action), ['alarm.acknowledge', 'alarm.clear']);
    // A raise after a manual clear is a new alarm, even within the hold-off: an operator's clear is deliberate.
    await applyTransitions(db.pool, [t('raise', 52)], HOLDOFF_S);
    assert.equal((await rows()).length, 3);
    const kinds = changes.filter((c) => c.alarm.id === id).map((c) => c.change);
    assert.deepEqual(kinds.slice(-3), ['escalated', 'acknowledged', 'cleared']);
  });

  it('restart: state is rebuilt from stored readings; an alarm up in the data but missing in the table is raised; one in the table is cleared when its condition ends', async () => {
    const m2 = (await new DeviceRegistry(db.pool).get('M2')).id;
    await saveRule(db.pool, { code: 'low-pressure', name: 'Low pressure', severity: 'major', condition: { kind: 'threshold', channel: 'pressure', below: 0.015, forSeconds: 3600 } }, 'system');
    const now = Date.now();
    const hour = 3_600_000;
    await new ReadingStorage(db.pool).ensureRange(now - 4 * hour, now);
    // M1: low for 2 h (the alarm write was lost in a crash); M2: back to normal, but the table still shows it active.
    await db.pool.query(
      `INSERT INTO reading (meter_id, channel_id, ts, value, received_at) SELECT * FROM unnest($1::int[], $2::smallint[], $3::timestamptz[], $4::float8[], $5::timestamptz[])`,
      [[meterId, meterId, meterId, m2], [6, 6, 6, 6], [new Date(now - 3 * hour), new Date(now - 2 * hour), new Date(now - hour), new Date(now - hour)], [0.01, 0.01, 0.01, 0.021], [new Date(), new Date(), new Date(), new Date()]],
    );
    const rule = (await loadLatestRules(db.pool)).find((r) => r.code === 'low-pressure')!;
    await applyTransitions(db.pool, [{ ...t('raise', 0, rule, m2) }], HOLDOFF_S);
    const directory = new MeterDirectory(db.pool);
    await directory.loadAll();
    const engine = new RuleEngine(directory.lookup, { sweepMs: 60_000, idleEvictMs: 86_400_000, maxMeters: 1000 });
    engine.setRules(await loadLatestRules(db.pool));
    const { replayed, missed } = await rebuildState(db.pool, engine, 4, now);
    assert.equal(replayed, 4);
    assert.deepEqual(missed.map((x) => [x.kind, x.meterId, x.type, x.at]), [['raise', meterId, 'low-pressure', now - 2 * hour]]); // 1 h below since now-3h
    assert.ok(engine.active.has(`${m2}|low-pressure`));
    // The next reading of M2 (still normal) clears the alarm the table holds.
    const next = engine.evaluate([{ id: 'x', ts: now, type: 'reading', meterSerial: 'M2', meterId: m2, channel: 'pressure', value: 0.021, unit: 'bar', quality: 'good', source: 't', receivedAt: now, correlationId: 'c' }]);
    assert.deepEqual(next.map((x) => [x.kind, x.meterId]), [['clear', m2]]);
  });
});
