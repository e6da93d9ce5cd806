/**
 * Fuzzing the two file formats: good tariffs and usage files mutated at random (keys dropped, values replaced by
 * hostile ones, array items repeated or swapped). Whatever comes in, the outcome is a bill or an
 * ABONE_ERR_BILLING_* error — never a TypeError, a RangeError or a DecimalError from inside.
 */
import assert from 'node:assert/strict';
import { AboneError } from '../platform/errors.ts';
import { parseTariff, rate } from './index.ts';
import { Random, randomScenario } from './test-random.ts';

const ROUNDS = 1500;
const HOSTILE: unknown[] = [null, true, 0, -1, 1e308, -0.5, '', ' ', '-1', '1e5', 'NaN', 'Infinity', '0x10', '12,5', '99999999999999999', '2026-02-30', '2026-11-01T24:00:00+03:00', '00-00', [], {}, [[]], { type: 'flat' }, 'x'.repeat(300), '__proto__', 'constructor'];

type Node = Record<string | number, unknown>;

/** Every container and key of a JSON value, to pick a place to mutate. */
function places(value: unknown, out: Array<{ parent: Node; key: string | number }> = []): Array<{ parent: Node; key: string | number }> {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const k = Array.isArray(value) ? Number(key) : key;
      out.push({ parent: value as Node, key: k });
      places((value as Node)[k], out);
    }
  }
  return out;
}

function mutate(r: Random, json: unknown): unknown {
  const copy = structuredClone(json);
  for (let n = r.int(1, 3); n > 0; n--) {
    const all = places(copy);
    if (!all.length) break;
    const { parent, key } = r.pick(all);
    const op = r.int(0, 5);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (op === 1) parent[key] = r.pick(HOSTILE);
    else if (op === 2 && typeof parent[key] === 'string') parent[key] = `-${parent[key] as string}`;
    else if (op === 3 && Array.isArray(parent)) parent.push(structuredClone(parent[key]));
    else if (op === 4 && Array.isArray(parent) && parent.length > 1) {
      const other = r.int(0, parent.length - 1);
      [parent[key as number], parent[other]] = [parent[other], parent[key as number]];
    } else if (typeof parent[key] === 'string') parent[key] = (parent[key] as string).slice(0, r.int(0, (parent[key] as string).length));
    else parent[key] = r.pick(HOSTILE);
  }
  return copy;
}

function onlyRefusals(seed: number, fn: () => unknown): 'rated' | 'refused' {
  try {
    fn();
    return 'rated';
  } catch (err) {
    if (err instanceof AboneError && (err.code === 'ABONE_ERR_BILLING_TARIFF_INVALID' || err.code === 'ABONE_ERR_BILLING_USAGE_INVALID')) {
      assert.doesNotMatch(String(err.params.path), /undefined|NaN/, `seed ${seed}: ${err.message}`);
      return 'refused';
    }
    throw new Error(`seed ${seed}: ${String(err)}`, { cause: err });
  }
}

describe('billing-core fuzz', () => {
  it(`mutated tariffs: ${ROUNDS} rounds, refused or rated, nothing else`, () => {
    const seen = { rated: 0, refused: 0 };
    for (let seed = 1; seed <= ROUNDS; seed++) {
      const r = new Random(seed * 7919);
      const { tariff, usage } = randomScenario(r, { versions: r.int(1, 2) });
      const bad = mutate(r, tariff);
      seen[onlyRefusals(seed, () => rate(parseTariff(bad), usage))]++;
    }
    console.log(`      tariffs: ${JSON.stringify(seen)}`);
    assert.ok(seen.refused > ROUNDS / 4 && seen.rated > 10, JSON.stringify(seen)); // the mutations reach both outcomes
  });

  it(`mutated usage files: ${ROUNDS} rounds, refused or rated, nothing else`, () => {
    const seen = { rated: 0, refused: 0 };
    for (let seed = 1; seed <= ROUNDS; seed++) {
      const r = new Random(seed * 104729);
      const { tariff, usage } = randomScenario(r, { versions: r.int(1, 2) });
      const t = parseTariff(tariff);
      seen[onlyRefusals(seed, () => rate(t, mutate(r, usage)))]++;
    }
    console.log(`      usage files: ${JSON.stringify(seen)}`);
    assert.ok(seen.refused > ROUNDS / 4 && seen.rated > 10, JSON.stringify(seen));
  });

  it('not even JSON-shaped input gets past the door', () => {
    for (const v of [undefined, null, 42, 'tariff', [], [{}], { versions: null }]) {
      assert.equal(onlyRefusals(0, () => parseTariff(v)), 'refused');
      assert.equal(onlyRefusals(0, () => rate(parseTariff({ code: 'W', commodity: 'water', unit: 'm3', versions: [{ from: '2025-01-01', components: [{ type: 'flat', code: 'SU', unit: 'm3', price: '1' }] }] }), v)), 'refused');
    }
  });
});
