import assert from 'node:assert/strict';
import { AboneError } from '../../platform/errors.ts';
import { pollMessage } from './poll-message.ts';
import { MAX_REGISTERS_PER_READ, planReads } from './read-plan.ts';
import { applyScale, decodeBlocks, decodeValue } from './register-decoder.ts';
import { parseRegisterMap, type RegisterMap, type RegisterPoint } from './register-map.ts';

const value = (words: number[], type: Parameters<typeof decodeValue>[1], byteOrder: 'BE' | 'LE' = 'BE', wordOrder: 'BE' | 'LE' = 'BE') => {
  const d = decodeValue(words, type, byteOrder, wordOrder);
  assert.ok(d.ok, `expected a value, got ${!d.ok && d.detail}`);
  return d.value;
};
const failure = (words: number[], type: Parameters<typeof decodeValue>[1]) => {
  const d = decodeValue(words, type, 'BE', 'BE');
  assert.ok(!d.ok, `expected a failure, got ${d.ok && d.value}`);
  return d.detail;
};
const rejects = (map: unknown, pattern: RegExp) =>
  assert.throws(() => parseRegisterMap(map), (err: unknown) => err instanceof AboneError && err.code === 'ABONE_ERR_MODBUS_MAP_INVALID' && pattern.test(String(err.params.detail)));
const point = (channel: string, address: number, type = 'uint16', extra: Record<string, unknown> = {}) => ({ channel, function: 'holding', address, type, ...extra });

describe('modbus register decoding', () => {
  it('decodes each type from words a person can check by hand', () => {
    assert.equal(value([0x1234], 'uint16'), 0x1234);
    assert.equal(value([0xffff], 'uint16'), 65535);
    assert.equal(value([0xffff], 'int16'), -1);
    assert.equal(value([0x8000], 'int16'), -32768);
    assert.equal(value([0x0001, 0x0002], 'uint32'), 65538);
    assert.equal(value([0xffff, 0xfffe], 'int32'), -2);
    assert.equal(value([0x41c8, 0x0000], 'float32'), 25);
    assert.equal(value([0xc148, 0x0000], 'float32'), -12.5);
    assert.equal(value([0x4039, 0, 0, 0], 'float64'), 25);
    assert.equal(value([0, 0, 0x0001, 0x0000], 'uint64'), 65536);
    assert.equal(value([0x001f, 0xffff, 0xffff, 0xffff], 'uint64'), Number.MAX_SAFE_INTEGER);
    assert.equal(value([0xffff, 0xffff, 0xffff, 0xffff], 'int64'), -1);
  });

  it('keeps a float32 to the digits the device meant', () => {
    // 0x3E99999A is the float32 nearest 0.3; widened naively it would read 0.30000001192092896.
    assert.equal(value([0x3e99, 0x999a], 'float32'), 0.3);
  });

  it('honours word order and byte order', () => {
    assert.equal(value([0x0001, 0x0002], 'uint32', 'BE', 'LE'), 0x0002_0001); // 131073: low word first
    assert.equal(value([0x0000, 0x41c8], 'float32', 'BE', 'LE'), 25);
    assert.equal(value([0xc841, 0x0000], 'float32', 'LE', 'BE'), 25); // bytes swapped inside each register
    assert.equal(value([0x0000, 0xc841], 'float32', 'LE', 'LE'), 25);
    assert.equal(value([0x3412], 'uint16', 'LE'), 0x1234);
    assert.equal(value([0x0000, 0x0001, 0x0000, 0x0000], 'uint64', 'BE', 'LE'), 65536); // words 3..0
  });

  it('refuses what is not a measurement rather than guessing', () => {
    assert.match(failure([0x7fc0, 0x0000], 'float32'), /NaN/);
    assert.match(failure([0x7f80, 0x0000], 'float32'), /Infinity/);
    assert.match(failure([0x0020, 0, 0, 0], 'uint64'), /2\^53/); // 2^53 itself is not exact as a number
    assert.match(failure([0x10000], 'uint16'), /16-bit/);
    assert.match(failure([-1], 'uint16'), /16-bit/);
    assert.match(failure([1.5], 'uint16'), /16-bit/);
    assert.match(failure([1], 'uint32'), /needs 2 registers, got 1/);
  });

  it('scales without binary noise', () => {
    assert.equal(applyScale(12345, 0.001), 12.345);
    assert.equal(applyScale(1525, 0.01), 15.25);
    assert.equal(applyScale(-1525, 0.01), -15.25);
    assert.equal(applyScale(7, 10), 70);
    assert.equal(applyScale(3, 0.25), 0.75);
  });
});

describe('modbus register map', () => {
  it('accepts a documented map, as an object or as stored JSON text, and fills in defaults', () => {
    const json = { wordOrder: 'LE', points: [point('volume', 0, 'uint32', { scale: 0.001 }), { channel: 'pressure', function: 'input', address: 0, type: 'float32', unit: 'mbar', wordOrder: 'BE' }] };
    const map = parseRegisterMap(JSON.stringify(json));
    assert.deepEqual(map, parseRegisterMap(json));
    assert.deepEqual(map.points[0], { channel: 'volume', function: 'holding', address: 0, type: 'uint32', words: 2, scale: 0.001, unit: 'm3', byteOrder: 'BE', wordOrder: 'LE' });
    assert.equal(map.points[1].wordOrder, 'BE');
    assert.equal(map.points[1].unit, 'mbar');
  });

  it('refuses bad maps, saying what is wrong', () => {
    rejects({ points: [point('colour', 0)] }, /unknown channel "colour"/);
    rejects({ points: [point('volume', 0, 'uint8')] }, /points\.0\.type/);
    rejects({ points: [point('volume', 0, 'uint32'), point('flow', 1)] }, /flow \(holding 1\) overlaps volume \(holding 0\.\.1\)/);
    rejects({ points: [point('volume', 0, 'float64'), point('flow', 1), point('pressure', 2)] }, /pressure .* overlaps volume/);
    rejects({ points: [point('volume', 65535, 'uint32')] }, /runs past register 65535/);
    rejects({ points: [point('volume', 65536)] }, /points\.0\.address/);
    rejects({ points: [point('volume', -1)] }, /points\.0\.address/);
    rejects({ points: [point('volume', 0.5)] }, /points\.0\.address/);
    rejects({ points: [point('volume', 0), point('volume', 4)] }, /"volume" appears more than once/);
    rejects({ points: [point('volume', 0, 'uint16', { unit: 'kWh' })] }, /"kWh" is not m3/);
    rejects({ points: [point('volume', 0, 'uint16', { scale: 0 })] }, /must not be 0/);
    rejects({ points: [point('volume', 0, 'uint16', { adress: 3 })] }, /adress/);
    rejects({ points: [{ ...point('volume', 0), function: 'coil' }] }, /points\.0\.function/);
    rejects({ byteOrder: 'middle', points: [point('volume', 0)] }, /byteOrder/);
    rejects({ points: [] }, /points/);
    rejects('{"points": [', /not JSON/);
    rejects(null, /map/);
    rejects([], /map/);
  });

  it('lets holding and input registers share addresses: they are separate tables', () => {
    const map = parseRegisterMap({ points: [point('volume', 0, 'uint32'), { channel: 'pressure', function: 'input', address: 0, type: 'uint32' }] });
    assert.equal(map.points.length, 2);
  });
});

describe('modbus read planning', () => {
  it('reads contiguous points together and gaps apart, per register table', () => {
    const map = parseRegisterMap({
      points: [point('flow', 2, 'float32'), point('volume', 0, 'uint32'), point('battery', 10), { channel: 'pressure', function: 'input', address: 4, type: 'float32' }, { channel: 'temperature', function: 'input', address: 6, type: 'int16' }],
    });
    const plan = planReads(map).map((b) => ({ f: b.function, at: b.address, n: b.count, ch: b.points.map((p) => p.channel) }));
    assert.deepEqual(plan, [
      { f: 'holding', at: 0, n: 4, ch: ['volume', 'flow'] },
      { f: 'holding', at: 10, n: 1, ch: ['battery'] },
      { f: 'input', at: 4, n: 3, ch: ['pressure', 'temperature'] },
    ]);
  });

  it('splits a long run at 125 registers, in as few requests as possible', () => {
    // 40 float64 points back to back: 160 registers, so 2 requests (31 points = 124 registers, then 9).
    const points: RegisterPoint[] = Array.from({ length: 40 }, (_, i) => ({ channel: `c${i}`, function: 'holding', address: 100 + 4 * i, type: 'float64', words: 4, scale: 1, unit: '', byteOrder: 'BE', wordOrder: 'BE' }));
    const blocks = planReads({ points });
    assert.deepEqual(blocks.map((b) => [b.address, b.count]), [[100, 124], [224, 36]]);
    assert.ok(blocks.every((b) => b.count <= MAX_REGISTERS_PER_READ));
  });

  it('decodes one block per point with offsets, and turns a short answer into a failure of its points', () => {
    const map = parseRegisterMap({ points: [point('volume', 0, 'uint32', { scale: 0.001 }), point('temperature', 2, 'int16', { scale: 0.01 })] });
    const blocks = planReads(map);
    const good = decodeBlocks(blocks, [[0x0001, 0x0002, 0xfc18]]);
    assert.deepEqual(good.map((r) => (r.ok ? r.value : r.detail)), [65.538, -10]);
    const short = decodeBlocks(blocks, [[0x0001]]);
    assert.ok(short.every((r) => !r.ok && /got 1 registers/.test(r.detail)));
  });
});

describe('modbus map and decoder fuzzing', () => {
  it('only ever returns a valid result or a clean AboneError, for 12,000 random maps and answers', () => {
    const rnd = prng(0xab0e);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const CHANNELS = ['volume', 'flow', 'pressure', 'temperature', 'battery', 'energy', 'consumption', 'nope', '', 'VOLUME'];
    const TYPES = ['uint16', 'int16', 'uint32', 'int32', 'float32', 'uint64', 'int64', 'float64', 'uint8', 'float', 7];
    const junk = (depth = 0): unknown => {
      const r = rnd();
      if (r < 0.15) return Math.floor(rnd() * 140_000) - 4000;
      if (r < 0.25) return pick([NaN, Infinity, -0, 1e308, 0.5, -1, 65535, 65536]);
      if (r < 0.35) return pick(['', 'BE', 'LE', 'holding', 'input', '{', 'x'.repeat(300)]);
      if (r < 0.45) return pick([null, true, false, undefined]);
      if (r < 0.6 && depth < 3) return Array.from({ length: Math.floor(rnd() * 5) }, () => junk(depth + 1));
      if (depth < 3) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(['points', 'channel', 'address', 'type', 'scale', 'x']), junk(depth + 1)]));
      return 0;
    };
    const plausiblePoint = () => {
      const p: Record<string, unknown> = { channel: pick(CHANNELS), function: pick(['holding', 'input', 'holding', 'coil']), address: pick([0, 1, 2, 4, 8, 65532, 65535, Math.floor(rnd() * 70_000)]), type: pick(TYPES) };
      if (rnd() < 0.5) p.scale = pick([0.001, 0.01, 10, 0, -1, 1e-300, 1e300]);
      if (rnd() < 0.3) p.unit = pick(['m3', 'L', 'mbar', 'bar', 'degC', 'kWh', '%', 'm3/h']);
      if (rnd() < 0.2) p.wordOrder = pick(['BE', 'LE', 'ME']);
      if (rnd() < 0.05) p[pick(['extra', 'byteOrder'])] = junk();
      return p;
    };
    // Valid by construction (distinct channels, registers that do not overlap), with an occasional defect.
    const wellFormedMap = () => {
      const channels = ['volume', 'flow', 'pressure', 'temperature', 'battery', 'energy'].filter(() => rnd() < 0.6);
      let address = Math.floor(rnd() * 100);
      const points = channels.map((channel) => {
        const type = pick(TYPES.slice(0, 8)) as string;
        const p: Record<string, unknown> = { channel, function: pick(['holding', 'input']), address, type };
        address += (type.endsWith('16') ? 1 : type.endsWith('32') ? 2 : 4) + (rnd() < 0.5 ? 0 : Math.floor(rnd() * 3));
        if (rnd() < 0.5) p.scale = pick([0.001, 0.01, 0.1, 10]);
        if (rnd() < 0.3) p.byteOrder = pick(['BE', 'LE']);
        return p;
      });
      if (points.length && rnd() < 0.1) points[Math.floor(rnd() * points.length)][pick(['address', 'type', 'channel', 'scale'])] = junk();
      return { wordOrder: pick(['BE', 'LE']), points };
    };
    const randomMap = (): unknown => {
      const r = rnd();
      if (r < 0.15) return junk();
      if (r < 0.25) return String(JSON.stringify(junk())).slice(0, Math.floor(rnd() * 40));
      if (r < 0.65) return rnd() < 0.2 ? JSON.stringify(wellFormedMap()) : wellFormedMap();
      const map: Record<string, unknown> = { points: Array.from({ length: Math.floor(rnd() * 6) }, plausiblePoint) };
      if (rnd() < 0.3) map.byteOrder = pick(['BE', 'LE', 'XX']);
      if (rnd() < 0.3) map.wordOrder = pick(['BE', 'LE', 5]);
      return r < 0.4 ? JSON.stringify(map) : map;
    };
    const word = () => (rnd() < 0.9 ? Math.floor(rnd() * 65536) : pick([-1, 65536, 1.5, NaN, Infinity, 0x7fc0]));
    let valid = 0;
    let rejected = 0;
    for (let i = 0; i < 12_000; i++) {
      const input = randomMap();
      let map: RegisterMap;
      try {
        map = parseRegisterMap(input);
      } catch (err) {
        assert.ok(err instanceof AboneError && err.code === 'ABONE_ERR_MODBUS_MAP_INVALID', `iteration ${i}: ${String(err)} for ${String(JSON.stringify(input)).slice(0, 300)}`);
        rejected++;
        continue;
      }
      valid++;
      const blocks = planReads(map);
      assert.equal(blocks.reduce((n, b) => n + b.points.length, 0), map.points.length);
      const answers = blocks.map((b) => Array.from({ length: rnd() < 0.85 ? b.count : Math.floor(rnd() * (b.count + 3)) }, word));
      // Every point comes back as a finite value or as a reason; the message carries exactly the values.
      const results = decodeBlocks(blocks, answers);
      assert.equal(results.length, map.points.length);
      for (const r of results) assert.ok(r.ok ? Number.isFinite(r.value) : typeof r.detail === 'string' && r.detail.length > 0, `iteration ${i}`);
      const message = pollMessage({ serial: 'FUZZ1', topic: 'modbus://fuzz:502/1', polledAt: 1_700_000_000_000, receivedAt: 1_700_000_000_100, blocks, words: answers });
      assert.equal(message.envelopes.length, results.filter((r) => r.ok).length);
      assert.equal(message.rejection?.reason, results.every((r) => r.ok) ? undefined : 'modbus_decode');
      assert.equal(message.raw?.length, answers.reduce((n, a) => n + a.length, 0) * 2);
    }
    // The generator must exercise both paths, or the loop proves nothing.
    assert.ok(valid > 1000 && rejected > 1000, `valid ${valid}, rejected ${rejected}`);
  });
});

/** A small seeded generator: a failing iteration can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
