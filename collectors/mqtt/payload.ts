/**
 * Parses an MQTT payload into envelopes. The payload schema (docs/ingest.md), a batch per message:
 *
 *   readings: {"readings": [{"ts": "2026-11-28T10:00:00Z", "ch": "consumption", "v": 1.234, "u": "m3", "q": "good"}, ...]}
 *   events:   {"events":   [{"ts": "2026-11-28T10:03:12Z", "code": "tamper", "detail": {...}}, ...]}
 *
 * `ts` is ISO 8601 with an explicit offset (or epoch milliseconds); `q` is optional (good, estimated, suspect,
 * clock_corrected). A message that breaks the schema anywhere is refused whole, with one reason: a device that sends
 * wrong types is broken, and accepting part of what it says would hide that. Semantic checks (channel on the model,
 * timestamp in range) come later, reading by reading, in the pipeline.
 */
import type { Envelope, IngestMessage, Quality, RejectReason } from '../../headend/index.ts';
import { parseTopic } from './topics.ts';

export interface PayloadLimits {
  maxBytes: number;
  maxItems: number;
}

const QUALITIES: ReadonlySet<string> = new Set(['good', 'estimated', 'suspect', 'clock_corrected']);
// ISO 8601 with date, time and an explicit zone: a timestamp without a zone is ambiguous, and a meter's local time
// is exactly what must never be guessed.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const MAX_INSTANT_MS = 8.64e15;

class Refusal extends Error {
  constructor(readonly reason: RejectReason, detail: string) {
    super(detail);
  }
}

export function parseMqttMessage(topic: string, payload: Buffer, limits: PayloadLimits, receivedAt = Date.now()): IngestMessage {
  const base = { source: 'mqtt', topic, raw: payload };
  try {
    const t = parseTopic(topic);
    if (!t || t.kind === 'commands') throw new Refusal('topic_invalid', `not an ingest topic: ${topic.slice(0, 200)}`);
    if (payload.length > limits.maxBytes) throw new Refusal('payload_too_large', `${payload.length} bytes > ${limits.maxBytes}`);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new Refusal('json_invalid', (err as Error).message.slice(0, 200));
    }
    if (!isPlainObject(body)) throw new Refusal('schema_invalid', 'payload is not a JSON object');
    const items = body[t.kind];
    if (!Array.isArray(items)) throw new Refusal('schema_invalid', `missing array "${t.kind}"`);
    if (items.length > limits.maxItems) throw new Refusal('batch_too_large', `${items.length} items > ${limits.maxItems}`);
    const correlationId = typeof body.msgId === 'string' ? body.msgId.slice(0, 64) : `${t.serial}:${receivedAt}`;
    const envelopes = new Array<Envelope>(items.length);
    for (let i = 0; i < items.length; i++) {
      envelopes[i] = t.kind === 'readings' ? reading(items[i], i, t.serial, receivedAt, correlationId) : event(items[i], i, t.serial, receivedAt, correlationId);
    }
    return { ...base, envelopes };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return { ...base, envelopes: [], rejection: { reason: err.reason, detail: err.message } };
  }
}

function reading(item: unknown, i: number, serial: string, receivedAt: number, correlationId: string): Envelope {
  if (!isPlainObject(item)) throw new Refusal('schema_invalid', `readings[${i}] is not an object`);
  const { ts, ch, v, u, q } = item;
  if (typeof ch !== 'string' || ch.length === 0 || ch.length > 32) throw new Refusal('schema_invalid', `readings[${i}].ch must be a channel code`);
  if (typeof v !== 'number') throw new Refusal('schema_invalid', `readings[${i}].v must be a number`);
  if (typeof u !== 'string' || u.length > 16) throw new Refusal('schema_invalid', `readings[${i}].u must be a unit`);
  if (q !== undefined && (typeof q !== 'string' || !QUALITIES.has(q))) throw new Refusal('schema_invalid', `readings[${i}].q must be one of ${[...QUALITIES].join(', ')}`);
  return {
    id: `${correlationId}#${i}`,
    ts: timestamp(ts, `readings[${i}].ts`),
    type: 'reading',
    meterSerial: serial,
    channel: ch,
    value: v,
    unit: u,
    quality: (q as Quality | undefined) ?? 'good',
    source: 'mqtt',
    receivedAt,
    correlationId,
  };
}

function event(item: unknown, i: number, serial: string, receivedAt: number, correlationId: string): Envelope {
  if (!isPlainObject(item)) throw new Refusal('schema_invalid', `events[${i}] is not an object`);
  const { ts, code, detail } = item;
  if (typeof code !== 'string' || code.length === 0 || code.length > 32) throw new Refusal('schema_invalid', `events[${i}].code must be an event code`);
  if (detail !== undefined && !isPlainObject(detail)) throw new Refusal('schema_invalid', `events[${i}].detail must be an object`);
  if (detail !== undefined && !storableJson(detail, 1)) throw new Refusal('schema_invalid', `events[${i}].detail must nest at most ${MAX_DETAIL_DEPTH} deep, without NUL or unpaired surrogates`);
  return {
    id: `${correlationId}#${i}`,
    ts: timestamp(ts, `events[${i}].ts`),
    type: 'event',
    meterSerial: serial,
    channel: code,
    value: 0,
    unit: '',
    quality: 'good',
    source: 'mqtt',
    receivedAt,
    correlationId,
    detail: detail as Record<string, unknown> | undefined,
  };
}

let lastIso = '';
let lastIsoMs = 0;

function timestamp(ts: unknown, where: string): number {
  if (typeof ts === 'number') {
    // 8.64e15 is the last instant a Date can hold; safe integers go further (9e15 is safe, and no instant).
    if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_INSTANT_MS) throw new Refusal('ts_invalid', `${where} must be epoch milliseconds`);
    return ts;
  }
  // The channels of a profile row share one instant: the last string accepted is remembered (a pure function of it).
  if (ts === lastIso) return lastIsoMs;
  if (typeof ts !== 'string' || !ISO_WITH_ZONE.test(ts)) throw new Refusal('ts_invalid', `${where} must be ISO 8601 with a zone`);
  const ms = Date.parse(ts);
  // Date.parse rolls a day past the month's end over (2026-02-30 becomes March 2nd): that is a guess, so refuse it.
  if (!Number.isFinite(ms) || Number(ts.slice(8, 10)) > daysInMonth(Number(ts.slice(0, 4)), Number(ts.slice(5, 7)))) throw new Refusal('ts_invalid', `${where} is not a real instant`);
  lastIso = ts;
  lastIsoMs = ms;
  return ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * An event's detail is stored as jsonb, which refuses NUL (\u0000) and unpaired surrogates and overflows its stack
 * on deep nesting (so does JSON.stringify, deeper still). One such detail accepted here would fail its whole write
 * batch on every retry and stall ingest for everyone, so the message is refused instead.
 */
const MAX_DETAIL_DEPTH = 16;
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function storableJson(x: unknown, depth: number): boolean {
  if (typeof x === 'string') return !UNSTORABLE_TEXT.test(x);
  if (typeof x !== 'object' || x === null) return true;
  if (depth > MAX_DETAIL_DEPTH) return false;
  if (Array.isArray(x)) return x.every((v) => storableJson(v, depth + 1));
  for (const [k, v] of Object.entries(x)) if (UNSTORABLE_TEXT.test(k) || !storableJson(v, depth + 1)) return false;
  return true;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
