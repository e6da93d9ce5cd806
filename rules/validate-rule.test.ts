/**
 * Bad rule definitions are refused with a stable code naming the field; good ones come back clean. Table-driven.
 * The database half checks that a refused rule stores nothing and so never reaches the engine.
 */
import assert from 'node:assert/strict';
import { AboneError } from '../platform/errors.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { checkReferences, validateRule } from './validate-rule.ts';
import { loadLatestRules, saveRule } from './rule-store.ts';
import type { Condition } from './rule-language.ts';

const base = { code: 'r1', name: 'A rule', severity: 'major' };
const withCondition = (condition: unknown) => ({ ...base, condition });

const REFUSED: Array<[string, unknown, string, string]> = [
  // [what, rule, code, field]
  ['unknown channel', withCondition({ kind: 'threshold', channel: 'voltage', above: 250 }), 'ABONE_ERR_RULES_CHANNEL_UNKNOWN', 'condition.channel'],
  ['band on a channel that is not pressure or temperature', withCondition({ kind: 'out_of_band', channel: 'volume', low: 0, high: 1 }), 'ABONE_ERR_RULES_CHANNEL_UNKNOWN', 'condition.channel'],
  ['low equal to high', withCondition({ kind: 'out_of_band', channel: 'pressure', low: 0.02, high: 0.02 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.low'],
  ['low above high', withCondition({ kind: 'out_of_band', channel: 'temperature', low: 30, high: -5 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.low'],
  ['below not under above', withCondition({ kind: 'threshold', channel: 'flow', above: 1, below: 2 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.below'],
  ['negative duration', withCondition({ kind: 'threshold', channel: 'flow', above: 5, forSeconds: -60 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.forSeconds'],
  ['fractional duration', withCondition({ kind: 'threshold', channel: 'flow', above: 5, forSeconds: 1.5 }), 'ABONE_ERR_RULES_INVALID', 'condition.forSeconds'],
  ['threshold without a bound', withCondition({ kind: 'threshold', channel: 'flow' }), 'ABONE_ERR_RULES_INVALID', 'condition'],
  ['threshold given as text', withCondition({ kind: 'threshold', channel: 'flow', above: '5' }), 'ABONE_ERR_RULES_INVALID', 'condition.above'],
  ['NaN smuggled as a non-finite number', withCondition({ kind: 'rate_of_change', channel: 'pressure', maxPerHour: Infinity }), 'ABONE_ERR_RULES_INVALID', 'condition.maxPerHour'],
  ['rate limit of zero', withCondition({ kind: 'rate_of_change', channel: 'pressure', maxPerHour: 0 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.maxPerHour'],
  ['spike factor of 1', withCondition({ kind: 'spike', channel: 'consumption', factor: 1 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.factor'],
  ['spike window too big to keep', withCondition({ kind: 'spike', channel: 'consumption', factor: 5, window: 100_000 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.window'],
  ['history needing more samples than its window', withCondition({ kind: 'above_own_history', channel: 'consumption', factor: 3, window: 24, minSamples: 48 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.minSamples'],
  ['no-data grace of 10 s', withCondition({ kind: 'no_data', graceSeconds: 10 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.graceSeconds'],
  ['no-data on an unknown channel', withCondition({ kind: 'no_data', graceSeconds: 3600, channels: ['consumption', 'flux'] }), 'ABONE_ERR_RULES_CHANNEL_UNKNOWN', 'condition.channels[1]'],
  ['no-data with an empty channel list', withCondition({ kind: 'no_data', graceSeconds: 3600, channels: [] }), 'ABONE_ERR_RULES_INVALID', 'condition.channels'],
  ['zero consumption for 0 days', withCondition({ kind: 'zero_consumption', days: 0 }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.days'],
  ['unknown event code', withCondition({ kind: 'event', codes: ['tamper', 'door_open'] }), 'ABONE_ERR_RULES_EVENT_UNKNOWN', 'condition.codes[1]'],
  ['an event that raises and clears', withCondition({ kind: 'event', codes: ['valve_open'], clearOn: ['valve_open'] }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.clearOn'],
  ['unknown kind', withCondition({ kind: 'magic' }), 'ABONE_ERR_RULES_INVALID', 'condition.kind'],
  ['a field of another kind', withCondition({ kind: 'no_data', graceSeconds: 3600, above: 2 }), 'ABONE_ERR_RULES_INVALID', 'condition.above'],
  ['combination of one', withCondition({ kind: 'all', of: [{ kind: 'no_data', graceSeconds: 3600 }] }), 'ABONE_ERR_RULES_INVALID', 'condition.of'],
  ['bad part deep in a combination', withCondition({ kind: 'any', of: [{ kind: 'event', codes: ['leak'] }, { kind: 'all', of: [{ kind: 'event', codes: ['tamper'] }, { kind: 'threshold', channel: 'pressure', above: 1, forSeconds: -1 }] }] }), 'ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', 'condition.of[1].of[1].forSeconds'],
  ['bad code', { ...withCondition({ kind: 'no_data', graceSeconds: 3600 }), code: 'Bad Code' }, 'ABONE_ERR_RULES_INVALID', 'code'],
  ['bad severity', { ...withCondition({ kind: 'no_data', graceSeconds: 3600 }), severity: 'urgent' }, 'ABONE_ERR_RULES_INVALID', 'severity'],
  ['attachment with a bad model code', { ...withCondition({ kind: 'no_data', graceSeconds: 3600 }), attach: { models: ['G4 '] } }, 'ABONE_ERR_RULES_INVALID', 'attach.models'],
  ['not an object', 'threshold > 5', 'ABONE_ERR_RULES_INVALID', 'rule'],
];

function refusal(fn: () => unknown): AboneError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AboneError) return err;
    throw err;
  }
  assert.fail('accepted');
}

describe('rule validation', () => {
  for (const [what, rule, code, field] of REFUSED) {
    it(`refuses ${what}: ${code} at ${field}`, () => {
      const err = refusal(() => validateRule(rule));
      assert.equal(err.code, code);
      assert.equal(err.params.field, field);
      assert.equal(err.status, 400);
      assert.match(err.message, new RegExp(`^Rule refused at ${field.replace(/[[\].]/g, '\\$&')}: `));
    });
  }

  it('accepts every kind, filling the defaults', () => {
    const rule = validateRule({
      ...base,
      condition: {
        kind: 'any',
        of: [
          { kind: 'threshold', channel: 'flow', above: 5, forSeconds: 7200 },
          { kind: 'out_of_band', channel: 'pressure', low: 0.017, high: 0.025 },
          { kind: 'rate_of_change', channel: 'pressure', maxPerHour: 0.5 },
          { kind: 'spike', channel: 'consumption', factor: 10 },
          { kind: 'no_data', graceSeconds: 7200 },
          { kind: 'zero_consumption', days: 3 },
          { kind: 'reverse_flow' },
          { kind: 'above_own_history', channel: 'consumption', factor: 4 },
          { kind: 'event', codes: ['leak'] },
        ],
      },
    });
    assert.deepEqual((rule.condition as { of: Condition[] }).of[3], { kind: 'spike', channel: 'consumption', factor: 10, window: 24, minValue: 0 });
    assert.deepEqual((rule.condition as { of: Condition[] }).of[8], { kind: 'event', codes: ['leak'], clearAfterSeconds: 3600, clearOn: [] });
    assert.deepEqual(rule.attach, {});
  });

  const REFS: Array<[string, Record<string, Condition>, Condition, string, string]> = [
    ['a rule that refers to itself', {}, { kind: 'all', of: [{ kind: 'rule', code: 'r1' }, { kind: 'event', codes: ['leak'] }] }, 'ABONE_ERR_RULES_CYCLE', 'r1 -> r1'],
    ['a cycle through two stored rules', { a: { kind: 'any', of: [{ kind: 'rule', code: 'b' }, { kind: 'event', codes: ['leak'] }] }, b: { kind: 'any', of: [{ kind: 'rule', code: 'r1' }, { kind: 'event', codes: ['tamper'] }] } }, { kind: 'any', of: [{ kind: 'rule', code: 'a' }, { kind: 'no_data', graceSeconds: 3600 }] }, 'ABONE_ERR_RULES_CYCLE', 'r1 -> a -> b -> r1'],
    ['an unknown rule', {}, { kind: 'any', of: [{ kind: 'rule', code: 'nope' }, { kind: 'event', codes: ['leak'] }] }, 'ABONE_ERR_RULES_REF_UNKNOWN', 'nope'],
  ];
  for (const [what, stored, condition, code, detail] of REFS) {
    it(`refuses ${what}`, () => {
      const err = refusal(() => checkReferences(validateRule(withCondition(condition)), (c) => stored[c]));
      assert.equal(err.code, code);
      assert.ok(err.message.includes(detail), err.message);
    });
  }

  it('accepts a diamond (two paths to one rule) which is not a cycle', () => {
    const stored: Record<string, Condition> = { leak: { kind: 'event', codes: ['leak'] }, wet: { kind: 'any', of: [{ kind: 'rule', code: 'leak' }, { kind: 'reverse_flow' }] } };
    checkReferences(validateRule(withCondition({ kind: 'all', of: [{ kind: 'rule', code: 'leak' }, { kind: 'rule', code: 'wet' }] })), (c) => stored[c]);
  });

  describe('in the database', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase();
    });
    after(async () => db.drop());

    it('stores versions, never edits; a refused rule (a cycle built across two saves) stores nothing', async () => {
      const a1 = await saveRule(db.pool, { code: 'a', name: 'A', severity: 'minor', condition: { kind: 'event', codes: ['leak'] } }, 'system');
      await saveRule(db.pool, { code: 'b', name: 'B', severity: 'minor', condition: { kind: 'any', of: [{ kind: 'rule', code: 'a' }, { kind: 'event', codes: ['tamper'] }] } }, 'system');
      const cyc = await saveRule(db.pool, { code: 'a', name: 'A', severity: 'minor', condition: { kind: 'any', of: [{ kind: 'rule', code: 'b' }, { kind: 'no_data', graceSeconds: 3600 }] } }, 'system').catch((e) => e);
      assert.equal(cyc.code, 'ABONE_ERR_RULES_CYCLE');
      const a2 = await saveRule(db.pool, { code: 'a', name: 'A wider', severity: 'major', condition: { kind: 'event', codes: ['leak', 'tamper'] } }, 'system');
      assert.deepEqual([a1.version, a2.version], [1, 2]);
      const { rows } = await db.pool.query(`SELECT code, version, severity FROM rule_definition ORDER BY id`);
      assert.deepEqual(rows, [
        { code: 'a', version: 1, severity: 'minor' },
        { code: 'b', version: 1, severity: 'minor' },
        { code: 'a', version: 2, severity: 'major' },
      ]);
      const latest = await loadLatestRules(db.pool);
      assert.deepEqual(latest.map((r) => `${r.code}@${r.version}`), ['a@2', 'b@1']);
    });

    it('a definition written around the API that does not validate is not loaded into the engine', async () => {
      await db.pool.query(`INSERT INTO rule_definition (code, version, name, severity, condition, created_by) VALUES ('sneaky', 1, 'x', 'minor', '{"kind":"out_of_band","channel":"pressure","low":5,"high":1}', 'sql')`);
      const latest = await loadLatestRules(db.pool);
      assert.ok(!latest.some((r) => r.code === 'sneaky'));
    });
  });
});
