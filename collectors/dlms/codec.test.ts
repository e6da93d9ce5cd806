/**
 * Properties of the codec: random values of every type survive encode -> decode; the limits hold (depth, element
 * count, size, lying lengths); date-times, units and framing behave as the standard says; wrapper and HDLC streams
 * are reassembled whatever the segmentation and whatever garbage sits between frames.
 */
import assert from 'node:assert/strict';
import {
  dateTimeToInstant, decodeApdu, decodeData, decodeDateTime, decodeHdlc, encodeApdu, encodeData, encodeDateTime, encodeHdlc, encodeWrapper,
  HdlcReassembler, toChannelValue, WrapperReassembler, type DlmsData, type TypeDescription,
} from './index.ts';
import { mulberry32 } from '../../simulators/index.ts';

const rnd = mulberry32(20260609);
const int = (min: number, max: number) => Math.floor(rnd() * (max - min + 1)) + min;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
const SIMPLE = ['null', 'boolean', 'bit-string', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'enum', 'bcd', 'float32', 'float64', 'octet-string', 'visible-string', 'utf8-string', 'date-time', 'date', 'time', 'dont-care'] as const;

function simple(type: (typeof SIMPLE)[number]): DlmsData {
  switch (type) {
    case 'null':
    case 'dont-care':
      return { type };
    case 'boolean':
      return { type, value: rnd() < 0.5 };
    case 'bit-string': {
      const bits = int(0, 40);
      const value = bytes(Math.ceil(bits / 8));
      return { type, bits, value };
    }
    case 'int8':
      return { type, value: int(-128, 127) };
    case 'int16':
      return { type, value: int(-32768, 32767) };
    case 'int32':
      return { type, value: int(-2147483648, 2147483647) };
    case 'uint8':
    case 'enum':
    case 'bcd':
      return { type, value: int(0, 255) };
    case 'uint16':
      return { type, value: int(0, 65535) };
    case 'uint32':
      return { type, value: int(0, 4294967295) };
    case 'int64':
      return { type, value: bytes(8).readBigInt64BE(0) };
    case 'uint64':
      return { type, value: bytes(8).readBigUInt64BE(0) };
    case 'float32':
      return { type, value: Buffer.from(bytes(4)).readFloatBE(0) };
    case 'float64':
      return { type, value: bytes(8).readDoubleBE(0) };
    case 'octet-string':
      return { type, value: bytes(int(0, rnd() < 0.1 ? 300 : 20)) };
    case 'visible-string':
      return { type, value: String.fromCharCode(...Array.from({ length: int(0, 30) }, () => int(0x20, 0x7e))) };
    case 'utf8-string':
      return { type, value: ['', 'gaz sayacı', 'Ğüşİöç', '€ 12,5 m³', 'a'.repeat(200)][int(0, 4)] };
    case 'date-time':
      return { type, value: bytes(12) };
    case 'date':
      return { type, value: bytes(5) };
    case 'time':
      return { type, value: bytes(4) };
  }
}

function description(depth: number): TypeDescription {
  const r = rnd();
  if (depth < 3 && r < 0.2) return { type: 'array', count: int(1, 3), element: description(depth + 1) }; // zero-size elements cannot be counted
  if (depth < 3 && r < 0.4) return { type: 'structure', elements: Array.from({ length: int(1, 4) }, () => description(depth + 1)) };
  return { type: SIMPLE.filter((t) => t !== 'null' && t !== 'dont-care')[int(0, SIMPLE.length - 3)] };
}

function ofDescription(t: TypeDescription): DlmsData {
  if (t.type === 'array') return { type: 'array', items: Array.from({ length: t.count }, () => ofDescription(t.element)) };
  if (t.type === 'structure') return { type: 'structure', items: t.elements.map(ofDescription) };
  return simple(t.type as (typeof SIMPLE)[number]);
}

function value(depth: number): DlmsData {
  const r = rnd();
  if (depth < 5 && r < 0.15) return { type: rnd() < 0.5 ? 'array' : 'structure', items: Array.from({ length: int(0, 5) }, () => value(depth + 1)) };
  if (depth < 5 && r < 0.2) {
    const desc = description(0);
    return { type: 'compact-array', description: desc, items: Array.from({ length: int(1, 4) }, () => ofDescription(desc)) };
  }
  return simple(SIMPLE[int(0, SIMPLE.length - 1)]);
}

/** NaN != NaN: compare floats by their bits. */
const canonical = (v: unknown): unknown => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && Number.isNaN(x) ? 'NaN' : x));

describe('DLMS codec', () => {
  it('round-trips 20,000 random values of every type (A-XDR encode -> decode)', () => {
    for (let i = 0; i < 20_000; i++) {
      const v = value(0);
      const encoded = encodeData(v);
      assert.equal(canonical(decodeData(encoded)), canonical(v), encoded.toString('hex'));
    }
  });

  it('round-trips random APDUs carrying random data', () => {
    for (let i = 0; i < 2000; i++) {
      const data = value(0);
      const apdus = [
        { tag: 'get-response-normal', invoke: int(0, 255), result: { ok: true, data } },
        { tag: 'set-request-normal', invoke: 0xc1, attribute: { classId: int(1, 70), obis: '0.0.1.0.0.255', attribute: int(-128, 127) }, value: data },
        { tag: 'data-notification', longInvoke: int(0, 2 ** 32 - 1), dateTime: rnd() < 0.5 ? null : encodeDateTime(Date.now()), body: data },
        { tag: 'exception-response', stateError: 1, serviceError: 6, invocationCounter: int(0, 2 ** 32 - 1) },
      ] as const;
      for (const a of apdus) assert.equal(canonical(decodeApdu(encodeApdu(a))), canonical(a));
    }
  });

  it('refuses out-of-range values when encoding instead of wrapping them', () => {
    assert.throws(() => encodeData({ type: 'uint8', value: 256 }), { reason: 'value_invalid' });
    assert.throws(() => encodeData({ type: 'int16', value: 1.5 }), { reason: 'value_invalid' });
  });

  it('holds its limits: depth bombs, element floods, lying lengths, oversize input', () => {
    const bomb = Buffer.concat([Buffer.alloc(10_000, 0x01).map((_, i) => (i % 2 ? 0x01 : 0x01)), Buffer.from([0x00])]);
    assert.throws(() => decodeData(bomb), { reason: 'depth_exceeded' });
    assert.throws(() => decodeData(Buffer.from([0x01, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00])), { reason: 'truncated' });
    assert.throws(() => decodeData(Buffer.from([0x09, 0x84, 0xff, 0xff, 0xff, 0xff])), { reason: 'truncated' });
    assert.throws(() => decodeData(Buffer.from([0x09, 0x85, 0, 0, 0, 0, 1])), { reason: 'length_invalid' });
    const flood = encodeData({ type: 'array', items: Array.from({ length: 300 }, () => ({ type: 'null' })) });
    assert.throws(() => decodeData(flood, { maxDepth: 16, maxElements: 100, maxBytes: 1 << 20 }), { reason: 'too_many_elements' });
    assert.throws(() => decodeData(flood, { maxDepth: 16, maxElements: 1000, maxBytes: 100 }), { reason: 'too_large' });
    // A compact-array whose description nests arrays of 65535: the budget stops it before anything is allocated.
    const nested = Buffer.from([0x13, 0x01, 0xff, 0xff, 0x01, 0xff, 0xff, 0x11, 0x01, 0x00]);
    assert.throws(() => decodeData(nested, { maxDepth: 16, maxElements: 10_000, maxBytes: 1 << 20 }), { reason: 'too_many_elements' });
    // Zero-size elements over non-empty contents would loop for ever.
    assert.throws(() => decodeData(Buffer.from([0x13, 0x02, 0x00, 0x01, 0x00])), { reason: 'value_invalid' });
    assert.throws(() => decodeData(Buffer.from([0x11, 0x01, 0x00])), { reason: 'trailing_bytes' });
    assert.throws(() => decodeData(Buffer.from([0x1c])), { reason: 'tag_unknown' });
  });

  it('decodes date-times to instants with the standard deviation sign and refuses impossible ones', () => {
    const istanbul = Buffer.from('07EA0609020F1E0000FF4C00', 'hex'); // 2026-06-09 15:30 local, deviation -180
    assert.equal(new Date(dateTimeToInstant(decodeDateTime(istanbul))).toISOString(), '2026-06-09T12:30:00.000Z');
    assert.equal(new Date(dateTimeToInstant(decodeDateTime(istanbul), { deviationSign: -1 })).toISOString(), '2026-06-09T18:30:00.000Z');
    const noDeviation = Buffer.from('07EA0609020F1E0000800000', 'hex');
    assert.throws(() => dateTimeToInstant(decodeDateTime(noDeviation)), { reason: 'value_invalid' });
    assert.equal(dateTimeToInstant(decodeDateTime(noDeviation), { fallbackDeviation: -180 }), Date.parse('2026-06-09T12:30:00Z'));
    assert.throws(() => dateTimeToInstant(decodeDateTime(Buffer.from('07EA041F040F1E0000000000', 'hex'))), { reason: 'value_invalid' }); // 31 April
    assert.throws(() => decodeDateTime(Buffer.from('07EA0D09020F1E0000000000', 'hex')), { reason: 'value_invalid' }); // month 13
    for (let i = 0; i < 1000; i++) {
      const ms = Math.floor(rnd() * 4e12) * 10;
      const dev = int(-720, 720);
      assert.equal(dateTimeToInstant(decodeDateTime(encodeDateTime(ms, dev))), ms);
    }
  });

  it('applies scaler and unit into the channel unit exactly', () => {
    assert.equal(toChannelValue(12_345_678, { scaler: -3, unit: 13 }, 'm3'), 12345.678);
    assert.equal(toChannelValue(12_345_678, { scaler: 0, unit: 19 }, 'm3'), 12345.678); // litres
    assert.equal(toChannelValue(1234, { scaler: 3, unit: 30 }, 'kWh'), 1234); // Wh x 10^3 = kWh
    assert.equal(toChannelValue(21, { scaler: -3, unit: 24 }, 'bar'), 0.021); // mbar as bar
    assert.equal(toChannelValue(101_325, { scaler: 0, unit: 23 }, 'bar'), 1.01325); // Pa
    assert.equal(toChannelValue(1200, { scaler: -2, unit: 9 }, 'degC'), 12);
    assert.throws(() => toChannelValue(1, { scaler: 0, unit: 30 }, 'm3'), { reason: 'value_invalid' });
    assert.throws(() => toChannelValue(2n ** 60n, { scaler: 0, unit: 13 }, 'm3'), { reason: 'value_invalid' });
  });

  it('reassembles wrapper frames split anywhere, with garbage between them', () => {
    const apdus = Array.from({ length: 50 }, (_, i) => encodeApdu({ tag: 'get-response-normal', invoke: 0xc1, result: { ok: true, data: { type: 'octet-string', value: bytes(i * 7) } } }));
    const stream = Buffer.concat(apdus.flatMap((apdu, i) => [bytes(i % 3 === 0 ? 5 : 0).map((b) => (b === 0 ? 1 : b)), encodeWrapper({ source: 1, destination: 16, apdu })]));
    for (let trial = 0; trial < 50; trial++) {
      const r = new WrapperReassembler();
      const got: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = int(1, 64);
        got.push(...r.push(stream.subarray(at, at + n)).map((f) => f.apdu));
        at += n;
      }
      assert.deepEqual(got.map((b) => b.toString('hex')), apdus.map((b) => b.toString('hex')));
      assert.ok(r.buffered === 0);
    }
  });

  it('reassembles HDLC frames split anywhere, skipping noise and reporting broken frames', () => {
    const frames = Array.from({ length: 40 }, (_, i) => encodeHdlc({ segmented: false, destination: { upper: 16, size: 1 }, source: { upper: 1, lower: 17, size: 4 }, control: (i % 8) << 1, info: bytes(i * 3) }));
    const broken = Buffer.from(frames[5]);
    broken[broken.length - 3] ^= 0xff; // FCS wrong
    const stream = Buffer.concat([Buffer.from('noise'), ...frames.slice(0, 5), broken, Buffer.from([0x7e, 0x7e]), ...frames.slice(6)]);
    for (let trial = 0; trial < 30; trial++) {
      const r = new HdlcReassembler();
      const events = [];
      for (let at = 0; at < stream.length; ) {
        const n = int(1, 40);
        events.push(...r.push(stream.subarray(at, at + n)));
        at += n;
      }
      const good = events.filter((e) => 'frame' in e).map((e) => ('frame' in e ? e.frame.info.toString('hex') : ''));
      assert.deepEqual(good, [...frames.slice(0, 5), ...frames.slice(6)].map((f) => decodeHdlc(f).info.toString('hex')));
      assert.ok(events.some((e) => 'error' in e && e.error.reason === 'checksum_invalid'));
    }
  });
});
