/**
 * Hostile MQTT payloads for the fuzz test (fuzz.test.ts), drawn from a seeded PRNG so that a failing run replays
 * byte for byte. Every case carries what the head-end must do with it, worked out from the payload schema
 * (docs/ingest.md) and not by asking the parser:
 *   - { parse: reason }: the parser refuses the whole message: one dead-letter row with that reason;
 *   - { items, refused }: it parses into `items` envelopes and the pipeline refuses every one of them, counted by
 *     reason: one dead-letter row per (message, reason).
 * No case holds anything storable, so whatever reaches `reading` or `meter_event` came from valid traffic.
 *
 * Cases are written for meters of HOSTILE_TEST_MODEL (the channels of the demo fleet's models): it reports volume,
 * consumption, pressure, temperature and battery; energy, energy_interval and flow are known channels it does not.
 */
import type { MeterModelInput, RejectReason } from '../../headend/index.ts';
import type { PayloadLimits } from './payload.ts';
import { topicFor } from './topics.ts';

export const HOSTILE_TEST_MODEL: MeterModelInput = {
  code: 'FUZZ-GAS',
  manufacturer: 'Fuzz',
  commodity: 'gas',
  channels: ['volume', 'consumption', 'pressure', 'temperature', 'battery'].map((channel) => ({ channel, intervalSeconds: 3600 })),
};

export type Expected = { parse: RejectReason } | { items: number; refused: Partial<Record<RejectReason, number>> };

export interface HostileCase {
  category: string;
  topic: string;
  payload: Buffer;
  expect: Expected;
}

export interface HostileOptions {
  limits: PayloadLimits;
  now: number;
  retentionDays: number;
  /** Only what a meter can publish on its own topics through the broker's ACL: no unknown meters, no other topics. */
  ownTopicOnly?: boolean;
  /** Only these categories. */
  only?: string[];
}

/** The dead-letter reasons a case must produce, one row each. */
export function expectedRows(e: Expected): RejectReason[] {
  return 'parse' in e ? [e.parse] : (Object.keys(e.refused) as RejectReason[]);
}

const DAY = 86_400_000;
// Stands for invalid UTF-8 in the JSON text; `bytes()` swaps in one of the sequences below (each decodes to U+FFFD).
const BAD = '\u0007BAD\u0007';
const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]];
const GOOD: ReadonlyArray<[string, string[]]> = [['volume', ['m3', 'L']], ['consumption', ['m3', 'l']], ['pressure', ['bar', 'mbar', 'kPa']], ['temperature', ['degC', '°C']], ['battery', ['%']]];
const NOT_ON_MODEL: ReadonlyArray<[string, string]> = [['energy', 'kWh'], ['energy_interval', 'Wh'], ['flow', 'm3/h'], ['flow', 'L/h']];
const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
// JSON string bodies (escapes included) that name no channel / no unit of any channel / no event code.
const BAD_CHANNELS = [...PROTO, 'CONSUMPTION', ' consumption', 'volume ', 'cons\\u0000umption', '\\ud800', '\\udfff\\ud800', '\u{1F4A7}', 'pressure\\n', `x${BAD}y`, 'energy\\t'];
const BAD_UNITS = [...PROTO, 'ft3', 'M3', 'm\u00b3', '', 'm3\\u0000', 'psi', '\u00b0F', 'K', 'gal', `m${BAD}`, '\\udc00'];
const BAD_CODES = [...PROTO, 'TAMPER', 'tamper ', 'leak\\u0000', 'valve', 'reboot', '\\ud83d', `t${BAD}`, 'x'.repeat(32)];
const BAD_TS = ['"2026-11-27T10:00:00"', '"2026-11-27T10:00"', '"2026-11-27"', '"2026-11-27 10:00:00Z"', '"yesterday"', '""', '-1', '1.5', '1e400', '-1e400',
  '9007199254740993', '8640000000000001', '9000000000000000', '"NaN"', 'null', '{}', '[]', 'true', '"2026-02-30T00:00:00Z"', '"2025-02-29T12:00Z"', '"2026-04-31T00:00Z"',
  '"2026-13-01T00:00Z"', '"2026-11-27T25:00Z"', '"2026-11-27T10:00:00+25:00"', '"+002026-11-27T00:00Z"', '"2026-11-27T10:00:00.1234567890Z"', '"\uff12\uff10\uff12\uff16-11-27T00:00Z"'];
const BAD_JSON = ['{"readings":[{"v":NaN}]}', '{"readings":[{"v":Infinity}]}', '{"readings":[{"v":-Infinity}]}', '{"readings":[{"v":undefined}]}', "{'readings':[]}", '{"readings":[],}',
  '{"readings":[1,]}', '{readings:[]}', '{"readings":[]} // c', '/* c */{"readings":[]}', '{"readings":[{"v":0x10}]}', '{"readings":[{"v":01}]}', '{"readings":[{"v":+1}]}',
  '{"readings":[{"v":.5}]}', '{"readings":[{"v":1.}]}', '{"readings":[]}}', '{"readings":[]]', '{"readings" [] }', '{"readings":["\\x41"]}', '{"readings":["\\u12"]}', '{"a":"\t"}', '', ' \n\t '];
const NOT_OBJECT = ['123', '"readings"', '[]', '[{"ts":1}]', 'null', 'true', 'false', '1e400', '-0', '"{\\"readings\\":[]}"'];

type Built = { kind: string; body: string | Buffer; expect: Expected; topic?: string; serial?: string };

export function hostileGenerator(seed: number, opts: HostileOptions): (serial: string) => HostileCase {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // Log-uniform: sizes and depths spread over orders of magnitude, most small, a few at the extreme.
  const logInt = (lo: number, hi: number) => Math.min(hi, Math.round(Math.exp(Math.log(lo) + rnd() * (Math.log(hi + 1) - Math.log(lo)))));
  const { limits, now } = opts;
  const iso = (ms: number) => JSON.stringify(new Date(ms).toISOString());
  const recent = () => (rnd() < 0.5 ? iso(now - int(3600, 20 * 86400) * 1000) : String(now - int(3600, 20 * 86400) * 1000));
  const future = () => pick([() => iso(now + int(2, 3650) * DAY), () => String(int(now + 2 * DAY, 8.64e15)), () => `"${int(2100, 9999)}-${pad(int(1, 12))}-${pad(int(1, 28))}T00:00:00+14:00"`])();
  const old = () => pick([() => iso(now - (opts.retentionDays + int(2, 3000)) * DAY), () => String(int(0, now - (opts.retentionDays + 2) * DAY)), () => `"${String(int(0, 2019)).padStart(4, '0')}-01-01T00:00Z"`])();
  const value = () => String(int(0, 1_000_000) / 1000);
  const reading = (ts: string, ch: string, v: string, u: string) => `{"ts":${ts},"ch":"${ch}","v":${v},"u":"${u}"}`;
  const good = () => {
    const [ch, units] = pick(GOOD);
    return reading(recent(), ch, value(), pick(units));
  };
  const goodEvent = () => `{"ts":${recent()},"code":"tamper","detail":{"cover":"open"}}`;
  const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

  // One reading (or event) the pipeline refuses, with its reason; everything else about it is valid.
  const readingRefusals: Record<string, () => [string, RejectReason]> = {
    'channel-unknown': () => [reading(recent(), pick(BAD_CHANNELS), value(), 'm3'), 'channel_unknown'],
    'channel-not-on-model': () => { const [ch, u] = pick(NOT_ON_MODEL); return [reading(recent(), ch, value(), u), 'channel_not_on_model']; },
    'unit-invalid': () => [reading(recent(), pick(GOOD)[0], value(), pick(BAD_UNITS)), 'unit_invalid'],
    // Infinity (1e400 parses to it) as a pressure, or a negative register index; the unit fits the channel.
    'value-invalid': () => (rnd() < 0.5 ? [reading(recent(), 'pressure', pick(['1e400', '-1e400', '1E+999', '-1e309']), 'bar'), 'value_invalid'] : [reading(recent(), 'volume', `-${int(1, 1e9) / 1000}`, pick(['m3', 'L'])), 'value_invalid']),
    'ts-future': () => [reading(future(), 'consumption', value(), 'm3'), 'ts_future'],
    'ts-too-old': () => [reading(old(), 'consumption', value(), 'm3'), 'ts_too_old'],
  };
  const eventRefusals: Record<string, () => [string, RejectReason]> = {
    'event-unknown': () => [`{"ts":${recent()},"code":"${pick(BAD_CODES)}","detail":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"s":"${'x'.repeat(int(0, 300))}"}}`, 'event_unknown'],
    'ts-future': () => [`{"ts":${future()},"code":"leak"}`, 'ts_future'],
    'ts-too-old': () => [`{"ts":${old()},"code":"tamper","detail":{"k":[1,2,{"z":null}]}}`, 'ts_too_old'],
  };
  const refusalKinds = [...new Set([...Object.keys(readingRefusals), ...Object.keys(eventRefusals)])];

  // A batch whose items are all refused one by one: of one kind, or (kind undefined) of any kind at random.
  const itemCase = (kind: string | undefined, n: number): Built => {
    const events = kind ? !(kind in readingRefusals) || (kind in eventRefusals && rnd() < 0.3) : rnd() < 0.3;
    const table = events ? eventRefusals : readingRefusals;
    const items: string[] = [];
    const refused: Partial<Record<RejectReason, number>> = {};
    for (let i = 0; i < n; i++) {
      const [item, reason] = table[kind ?? pick(Object.keys(table))]();
      items.push(item);
      refused[reason] = (refused[reason] ?? 0) + 1;
    }
    const topicKind = events ? 'events' : 'readings';
    return { kind: topicKind, body: `{"${topicKind}":[${items.join(',')}]}`, expect: { items: n, refused } };
  };
  const smallN = () => (rnd() < 0.9 ? int(1, 20) : int(21, 200));
  const refusedWhole = (reason: RejectReason, body: string, kind = 'readings'): Built => ({ kind, body, expect: { parse: reason } });
  const withBadLast = (last: string, kind = 'readings') => `{"${kind}":[${[...Array(int(0, 3))].map(kind === 'events' ? goodEvent : good).concat(last).join(',')}]}`;

  const categories: Array<[string, number, () => Built]> = [
    ['json-truncated', 8, () => { const b = withBadLast(good()); return refusedWhole('json_invalid', b.slice(0, int(0, b.length - 1))); }],
    ['binary-garbage', 6, () => ({ kind: pick(['readings', 'events']), body: garbage(int(1, 2048), int(0x80, 0xff)), expect: { parse: 'json_invalid' } })],
    ['nul-bytes', 4, () => { const b = withBadLast(good()); const at = int(0, b.length); return refusedWhole('json_invalid', b.slice(0, at) + '\u0000'.repeat(int(1, 4)) + b.slice(at)); }],
    ['bad-utf8-between-tokens', 3, () => refusedWhole('json_invalid', `{"readings":${BAD}[${good()}]}`)],
    ['bom', 1, () => refusedWhole('json_invalid', `\ufeff{"readings":[${good()}]}`)],
    ['json-syntax', 7, () => refusedWhole('json_invalid', pick(BAD_JSON))],
    ['deep-unclosed', 1, () => refusedWhole('json_invalid', `{"readings":${'['.repeat(logInt(1000, 100_000))}`)],
    ['not-an-object', 3, () => refusedWhole('schema_invalid', pick(NOT_OBJECT), pick(['readings', 'events']))],
    ['missing-array', 4, () => refusedWhole('schema_invalid', pick(['{}', '{"readings":null}', '{"readings":{}}', '{"readings":"[]"}', `{"Readings":[${good()}]}`, `{"reading":[${good()}]}`,
      '{"readings":1}', '{"readings":true}', `{"readings":{"0":${good()},"length":1}}`, `{"events":[${goodEvent()}]}`, `{"msgId":"${'m'.repeat(logInt(65, 5000))}"}`]))],
    ['proto-keys', 4, () => refusedWhole('schema_invalid', pick([`{"__proto__":{"readings":[${good()}]}}`, `{"constructor":{"prototype":{"readings":[${good()}]}}}`,
      `{"readings":[{"__proto__":${good()}}]}`, `{"readings":[{"constructor":{"prototype":${good()}}}]}`, `{"__proto__":[],"prototype":{"readings":[]}}`]))],
    ['item-not-object', 4, () => refusedWhole('schema_invalid', withBadLast(pick(['1', 'null', '"x"', '[]', `[${good()}]`, 'true', '-1e400'])))],
    ['wrong-types', 10, () => rnd() < 0.75
      ? refusedWhole('schema_invalid', withBadLast(pick([
        `{"ts":${recent()},"ch":${pick(['1', 'null', '[]', '{}', '""', 'true', `"${'c'.repeat(33)}"`])},"v":1,"u":"m3"}`, `{"ts":${recent()},"v":1,"u":"m3"}`,
        `{"ts":${recent()},"ch":"consumption","v":${pick(['"1.5"', 'null', 'true', '[]', '{}', '"NaN"', '"Infinity"', '[1]'])},"u":"m3"}`, `{"ts":${recent()},"ch":"consumption","u":"m3"}`,
        `{"ts":${recent()},"ch":"consumption","v":1,"u":${pick(['1', 'null', '[]', '{}', `"${'u'.repeat(17)}"`])}}`, `{"ts":${recent()},"ch":"consumption","v":1}`,
        `{"ts":${recent()},"ch":"consumption","v":1,"u":"m3","q":${pick(['"bad"', '1', 'null', '"GOOD"', '[]', '"__proto__"'])}}`])))
      : refusedWhole('schema_invalid', withBadLast(pick([`{"ts":${recent()},"code":${pick(['1', 'null', '""', '[]', '{}', `"${'e'.repeat(33)}"`])}}`, `{"ts":${recent()}}`,
        `{"ts":${recent()},"code":"tamper","detail":${pick(['[]', '"x"', '1', 'true', 'null', '[{}]'])}}`]), 'events'), 'events')],
    ['long-strings', 2, () => refusedWhole('schema_invalid', withBadLast(pick([
      `{"ts":${recent()},"ch":"${'c'.repeat(logInt(33, 100_000))}","v":1,"u":"m3"}`, `{"ts":${recent()},"ch":"consumption","v":1,"u":"${'u'.repeat(logInt(17, 100_000))}"}`,
      `{"${'k'.repeat(logInt(1, 100_000))}":1}`])))],
    ['deep-nesting', 2, () => pick([() => { const d = logInt(100, 50_000); return refusedWhole('schema_invalid', '['.repeat(d) + ']'.repeat(d)); },
      () => refusedWhole('schema_invalid', withBadLast(`{"ts":${recent()},"ch":${nested(logInt(2, 40_000), '"consumption"')},"v":1,"u":"m3"}`)),
      () => refusedWhole('schema_invalid', withBadLast(`{"ts":${recent()},"code":"tamper","detail":${nested(logInt(17, 40_000), '1')}}`, 'events'), 'events')])()],
    ['unstorable-detail', 3, () => refusedWhole('schema_invalid', withBadLast(`{"ts":${recent()},"code":"${pick(['tamper', 'leak', 'power_fail'])}","detail":${nested(int(0, 15), pick(['{"s":"a\\u0000b"}', '{"a\\u0000":1}', '{"s":"\\udc00"}', '{"s":["\\ud800x"]}', '{"\\udfff":0}']))}}`, 'events'), 'events')],
    ['ts-invalid', 8, () => (rnd() < 0.7 ? refusedWhole('ts_invalid', withBadLast(`{"ts":${pick(BAD_TS)},"ch":"consumption","v":1,"u":"m3"}`))
      : refusedWhole('ts_invalid', withBadLast(`{"ts":${pick(BAD_TS)},"code":"leak"}`, 'events'), 'events'))],
    ['batch-too-large', 0.5, () => refusedWhole('batch_too_large', `{"readings":[${'0,'.repeat(limits.maxItems + int(0, 5000))}0]}`)],
    ['payload-too-large', 0.15, () => { const size = limits.maxBytes + int(1, 200_000); const head = `{"readings":[${good()}],"pad":"`;
      return { kind: 'readings', body: rnd() < 0.5 ? head + 'p'.repeat(size - head.length - 2) + '"}' : garbage(size, 0x7b), expect: { parse: 'payload_too_large' } }; }],
    ...refusalKinds.map((k): [string, number, () => Built] => [k, 4, () => itemCase(k, smallN())]),
    ['mixed-refusals', 6, () => itemCase(undefined, smallN())],
    ['huge-refused-batch', 0.2, () => { const item = reading(String(now - DAY), 'flow', '1', 'm3/h'); const max = Math.min(limits.maxItems, Math.floor((limits.maxBytes - 20) / (item.length + 1)));
      const n = int(Math.min(1000, max), max); return { kind: 'readings', body: `{"readings":[${Array(n).fill(item).join(',')}]}`, expect: { items: n, refused: { channel_not_on_model: n } } }; }],
    ['unknown-meter', 3, () => { const n = int(1, 10); return { kind: 'readings', serial: `UNKNOWN-${int(0, 1e9).toString(16)}`, body: `{"readings":[${[...Array(n)].map(good).join(',')}]}`, expect: { items: n, refused: { meter_unknown: n } } }; }],
    ['foreign-topic', 2, () => ({ kind: 'readings', topic: pick(['abone/v1/meters/S/commands', 'abone/v1/meters/../readings', 'abone/v1/meters/a/b/readings', 'abone/v2/meters/S/readings', '',
      'abone/v1/meters//readings', `abone/v1/meters/${'a'.repeat(65)}/readings`, 'abone/v1/meters/S/readings/', '$SYS/x', 'abone/v1/meters/S\u0000/readings', 'abone/v1/meters/S/Readings']), body: `{"readings":[${good()}]}`, expect: { parse: 'topic_invalid' } })],
  ];
  const usable = categories.filter(([name]) => (!opts.ownTopicOnly || (name !== 'unknown-meter' && name !== 'foreign-topic')) && (!opts.only || opts.only.includes(name)));
  const total = usable.reduce((s, [, w]) => s + w, 0);

  function garbage(size: number, first: number): Buffer {
    const block = Buffer.from(Array.from({ length: 512 }, () => int(0, 255)));
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i += block.length) block.copy(out, i);
    out[0] = first; // never a byte JSON can start with, so random bytes cannot happen to be valid JSON
    return out;
  }

  return (serial: string) => {
    let r = rnd() * total;
    const [category, , build] = usable.find(([, w]) => (r -= w) < 0) ?? usable[usable.length - 1];
    const b = build();
    const payload = typeof b.body === 'string' ? bytes(b.body, () => pick(BAD_UTF8)) : b.body;
    return { category, topic: b.topic ?? topicFor(b.serial ?? serial, b.kind as 'readings'), payload, expect: b.expect };
  };
}

/** mulberry32: a tiny seeded 32-bit PRNG (as in simulators/random.ts), so that a seed replays a run exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** UTF-8 of the JSON text, with each BAD marker replaced by an invalid UTF-8 sequence. */
function bytes(text: string, badSequence: () => number[]): Buffer {
  if (!text.includes(BAD)) return Buffer.from(text, 'utf8');
  const parts = text.split(BAD);
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p)] : [Buffer.from(badSequence()), Buffer.from(p)])));
}
