/**
 * Fuzz test of the MQTT collector: malformed and hostile payloads (hostile-payloads.ts) must never crash the head-end,
 * each must end in the dead-letter table (or be refused) with its reason, and valid traffic sent in between must be
 * stored exactly once. Two layers:
 *   1. the parser and validation, in-process: 100,000 payloads, each outcome compared with the one the case predicts;
 *   2. a real socket: mqtt.js devices -> the embedded broker (auth, ACL) -> the pipeline -> PostgreSQL, where what
 *      the database holds is compared with what was sent, row for row (topic, SHA-256 of the bytes, reason).
 * ABONE_FUZZ_SEED replays a run; ABONE_FUZZ_SOCKET_CASES sets how many hostile payloads go over the socket.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { EVENT_CODES, REJECT_REASONS, headendSettings, startHeadend, type Headend, type IngestMessage } from '../../headend/index.ts';
import { loadSettings } from '../../platform/config.ts';
import { HOSTILE_TEST_MODEL, expectedRows, hostileGenerator, type Expected, type HostileCase } from './hostile-payloads.ts';
import { parseMqttMessage, parseTopic, startEmbeddedBroker, topicFor, type EmbeddedBroker } from './index.ts';

const limits = { maxBytes: 262_144, maxItems: 10_000 }; // the production defaults (collectors/mqtt/settings.ts)
const SEED = Number(process.env.ABONE_FUZZ_SEED ?? 20_261_128);
const PARSER_CASES = 100_000;
const SOCKET_CASES = Number(process.env.ABONE_FUZZ_SOCKET_CASES ?? 100_000);
const DIRECT_CASES = 2_000; // unknown meters and foreign topics: what an external broker would hand the pipeline
const METERS = 20;
const WINDOW = 64; // QoS 1 messages in flight per device
const DAY = 86_400_000;
const AUTH_REFUSED = /Bad username or password|Not authorized/i;

type Meter = { serial: string; secret: string };

/**
 * What the parser made of a message, in the shape of `Expected` (without the pipeline's verdicts, which the socket
 * layer checks in the database). Envelopes must be well-formed and carry the topic's serial, never one of their own.
 */
function parsedAs(c: HostileCase, msg: IngestMessage): Expected | { items: number } {
  if (msg.rejection) {
    assert.ok((REJECT_REASONS as readonly string[]).includes(msg.rejection.reason), `unknown reason ${msg.rejection.reason}`);
    assert.equal(msg.envelopes.length, 0);
    return { parse: msg.rejection.reason };
  }
  const t = parseTopic(c.topic)!;
  for (const e of msg.envelopes) {
    const ok = e.meterSerial === t.serial && e.type === (t.kind === 'events' ? 'event' : 'reading') && Number.isInteger(e.ts) && Math.abs(e.ts) <= 8.64e15 &&
      typeof e.value === 'number' && typeof e.channel === 'string' && e.channel.length >= 1 && e.channel.length <= 32 && typeof e.unit === 'string' && e.unit.length <= 16;
    if (!ok) assert.fail(`malformed envelope ${JSON.stringify(e)}\n${preview(c)}`);
  }
  return { items: msg.envelopes.length };
}

const tally = (m: Map<string, number>, key: string, n = 1) => m.set(key, (m.get(key) ?? 0) + n);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const preview = (c: HostileCase) => `${c.category} on ${JSON.stringify(c.topic)}: ${JSON.stringify(c.payload.subarray(0, 160).toString('latin1'))}`;

describe('MQTT collector under fuzz', function () {
  // Generous: a loaded CI machine is slow, and speed is not what this test is about (a stall still fails it).
  this.timeout(300_000);

  it(`parser: ${PARSER_CASES.toLocaleString('en')} hostile payloads, never a throw, refused with the predicted reason or parsed into well-formed envelopes`, () => {
    const settings = loadSettings(headendSettings);
    const now = Date.now();
    const next = hostileGenerator(SEED, { limits, now, retentionDays: settings.retentionDays });
    const protoBefore = [Object.getOwnPropertyNames(Object.prototype), Object.getOwnPropertyNames(Array.prototype)];
    const rows = new Map<string, number>();
    for (let i = 0; i < PARSER_CASES; i++) {
      const c = next('FUZZ-P');
      let msg: IngestMessage;
      try {
        msg = parseMqttMessage(c.topic, c.payload, limits, now);
      } catch (err) {
        assert.fail(`case ${i} threw ${(err as Error).stack}\n${preview(c)}`);
      }
      const got = parsedAs(c, msg);
      const want = 'parse' in c.expect ? c.expect : { items: c.expect.items };
      if (!isDeepStrictEqual(got, want)) assert.fail(`case ${i}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}\n${preview(c)}`);
      for (const r of expectedRows(c.expect)) tally(rows, r);
    }
    // JSON.parse makes "__proto__" an own key; nothing may have reached the shared prototypes.
    assert.deepEqual([Object.getOwnPropertyNames(Object.prototype), Object.getOwnPropertyNames(Array.prototype)], protoBefore);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    console.log(`      parser layer: ${PARSER_CASES} payloads -> (predicted) dead-letter rows by reason ${JSON.stringify(Object.fromEntries([...rows].sort()))}`);
  });

  describe('over a real socket: mqtt.js -> embedded broker -> pipeline -> PostgreSQL', () => {
    let db: TestDatabase;
    let headend: Headend;
    let broker: EmbeddedBroker;
    let meters: Meter[];
    const rejected = new Map<string, number>(); // what the pipeline's `rejected` metric must say, by reason
    const url = () => `mqtt://127.0.0.1:${broker.port}`;
    const connect = (opts: mqtt.IClientOptions) =>
      new Promise<MqttClient>((resolve, reject) => {
        const c = mqtt.connect(url(), { reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4, ...opts });
        c.once('connect', () => resolve(c));
        c.once('error', (err) => {
          c.end(true);
          reject(err);
        });
      });
    const asMeter = (m: Meter) => connect({ clientId: m.serial, username: m.serial, password: m.secret });
    const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows as T[];

    before(async () => {
      db = await createTestDatabase();
      headend = await startHeadend(db.pool, db.url, { batchDelayMs: 20 });
      await headend.registry.upsertModel(HOSTILE_TEST_MODEL);
      const serials = Array.from({ length: METERS }, (_, i) => `FZ${randomBytes(3).toString('hex')}-${i}`);
      await headend.registry.addMeters(serials.map((serial) => ({ serial, model: HOSTILE_TEST_MODEL.code })));
      const secrets = await headend.registry.issueCredentials(serials);
      meters = serials.map((serial) => ({ serial, secret: secrets.get(serial)! }));
      broker = await startEmbeddedBroker({ registry: headend.registry, pipeline: headend.pipeline, limits, port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await broker?.close();
      await headend?.stop();
      await db?.drop();
    });

    it('refuses wrong passwords, borrowed client ids and unknown meters at connect', async () => {
      const [a, b] = meters;
      const attempts: mqtt.IClientOptions[] = [
        { clientId: a.serial, username: a.serial, password: 'guess' },
        { clientId: a.serial, username: a.serial, password: b.secret },
        { clientId: a.serial, username: a.serial, password: a.secret + 'x' },
        { clientId: a.serial, username: a.serial, password: 'p'.repeat(300) },
        { clientId: a.serial, username: a.serial },
        { clientId: b.serial, username: a.serial, password: a.secret }, // a's credentials, b's session
        { clientId: `${a.serial}-2`, username: a.serial, password: a.secret },
        { clientId: 'UNKNOWN-1', username: 'UNKNOWN-1', password: a.secret },
        { clientId: "x' OR '1'='1", username: "x' OR '1'='1", password: "' OR '1'='1" },
      ];
      for (const opts of attempts) await assert.rejects(connect(opts), AUTH_REFUSED, JSON.stringify(opts));
      const c = await asMeter(a); // the right credentials still work
      await c.endAsync();
    });

    it('disconnects a meter that publishes as another (forged serial) and stores nothing of it', async () => {
      const [a, b] = meters;
      const forged = JSON.stringify({ readings: [{ ts: new Date(Date.now() - DAY).toISOString(), ch: 'consumption', v: 4242.125, u: 'm3' }] });
      for (const topic of [topicFor(b.serial, 'readings'), topicFor(b.serial, 'events'), topicFor(a.serial, 'commands'), topicFor('UNKNOWN-1', 'readings'), 'abone/v1/meters/x']) {
        const c = await asMeter(a);
        const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
        c.publish(topic, forged, { qos: 1 });
        await closed;
        c.end(true);
        tally(rejected, 'acl_denied');
      }
      assert.equal(headend.pipeline.metrics.rejected.get('acl_denied'), 5);
      assert.equal(broker.aclDenied(), 5);
      assert.deepEqual(await q(`SELECT (SELECT count(*) FROM reading)::int AS r, (SELECT count(*) FROM dead_letter)::int AS d`), [{ r: 0, d: 0 }]);
    });

    it(`${SOCKET_CASES.toLocaleString('en')} hostile payloads over the socket: each dead-lettered with its reason; valid traffic stored exactly once`, async () => {
      const started = Date.now();
      const next = hostileGenerator(SEED + 1, { limits, now: started, retentionDays: headend.settings.retentionDays, ownTopicOnly: true });
      const expected = new Map<string, number>(); // `${topic}|${sha256}|${reason}|${"k of n" or "-"}` -> rows
      const sampled: HostileCase[] = []; // cases whose stored bytes are compared with what was sent
      let recorded = 0;
      const record = (c: HostileCase) => {
        const key = `${c.topic.replace(/\u0000/g, '\\0')}|${sha256(c.payload)}`; // the topic as stored: text cannot hold NUL
        const e = c.expect;
        if ('parse' in e) tally(expected, `${key}|${e.parse}|-`);
        else for (const [reason, k] of Object.entries(e.refused)) tally(expected, `${key}|${reason}|${k} of ${e.items}`);
        if ('parse' in e) tally(rejected, e.parse);
        else for (const [reason, k] of Object.entries(e.refused)) tally(rejected, reason, k);
        if (c.payload.length > headend.settings.deadLetterRawBytes || recorded++ % 200 === 0) sampled.push(c);
      };

      // Unknown meters and foreign topics cannot pass the broker's auth and ACL; an external broker would deliver
      // them, so they go straight to the pipeline, as the external-broker consumer hands them over.
      const direct = hostileGenerator(SEED + 2, { limits, now: started, retentionDays: headend.settings.retentionDays, only: ['unknown-meter', 'foreign-topic'] });
      await Promise.all(Array.from({ length: DIRECT_CASES }, () => {
        const c = direct(meters[0].serial);
        record(c);
        return headend.pipeline.submit(parseMqttMessage(c.topic, c.payload, limits));
      }));

      // Valid traffic, interleaved: every reading and event has its own timestamp (a minute apart, going back from an
      // hour ago), values are multiples of 1/8 so that sums are exact in floating point; every tenth is an event.
      const valid = { messages: 0, readings: 0, sum: 0, events: 0 };
      const base = Math.floor(started / 60_000) * 60_000 - 3_600_000;
      const slots = new Map<string, number>();
      const validMessage = (m: Meter) => {
        const ts = () => {
          const k = (slots.get(m.serial) ?? 0) + 1;
          slots.set(m.serial, k);
          return new Date(base - 60_000 * k).toISOString();
        };
        if (++valid.messages % 10 === 0) {
          const code = EVENT_CODES[valid.events++ % EVENT_CODES.length];
          return { topic: topicFor(m.serial, 'events'), payload: `{"events":[{"ts":"${ts()}","code":"${code}","detail":{"__proto__":{"polluted":true},"cover":"open"}}]}` };
        }
        const readings = Array.from({ length: 1 + (valid.messages % 6) }, (_, i) => ({ ts: ts(), ch: 'consumption', v: ((valid.readings + i) * 37 % 8001) / 8, u: 'm3' }));
        valid.readings += readings.length;
        valid.sum += readings.reduce((s, r) => s + r.v, 0);
        return { topic: topicFor(m.serial, 'readings'), payload: JSON.stringify({ msgId: `valid-${valid.messages}`, readings }) };
      };

      // Every device publishes its share, WINDOW messages in flight; one in seven is valid.
      const clients = await Promise.all(meters.map(asMeter));
      let unexpectedCloses = 0;
      for (const c of clients) c.on('close', () => unexpectedCloses++);
      let hostileLeft = SOCKET_CASES;
      let n = 0;
      await Promise.all(clients.map(async (client, i) => {
        const inFlight = new Set<Promise<unknown>>();
        while (hostileLeft > 0) {
          let topic: string, payload: string | Buffer;
          if (++n % 7 === 0) ({ topic, payload } = validMessage(meters[i]));
          else {
            hostileLeft--;
            const c = next(meters[i].serial);
            record(c);
            ({ topic, payload } = c);
          }
          const p = client.publishAsync(topic, payload, { qos: 1 }).finally(() => inFlight.delete(p));
          inFlight.add(p);
          if (inFlight.size >= WINDOW) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      }));
      const elapsed = (Date.now() - started) / 1000;
      assert.equal(unexpectedCloses, 0, 'no device was disconnected: every message was acknowledged once, none redelivered');

      // Every PUBACK came after its batch committed: the database can be read right away.
      const actual = new Map<string, number>();
      for (const r of await q<{ k: string; c: number }>(`SELECT topic || '|' || encode(raw_sha256, 'hex') || '|' || reason || '|' || coalesce(substring(detail from '^(\\d+ of \\d+) refused'), '-') AS k, count(*)::int AS c FROM dead_letter GROUP BY 1`)) actual.set(r.k, r.c);
      const diff = [...new Set([...expected.keys(), ...actual.keys()])].filter((k) => expected.get(k) !== actual.get(k));
      assert.deepEqual(diff.slice(0, 10).map((k) => `${k}: expected ${expected.get(k) ?? 0}, stored ${actual.get(k) ?? 0}`), []);
      const byReason = await q<{ reason: string; n: number }>(`SELECT reason, count(*)::int AS n FROM dead_letter GROUP BY reason ORDER BY reason`);

      // The stored bytes are what was sent: whole when small, else the first deadLetterRawBytes of it.
      const rawLimit = headend.settings.deadLetterRawBytes;
      assert.deepEqual(await q(`SELECT count(*) FILTER (WHERE raw_size <= $1 AND (length(raw) <> raw_size OR sha256(raw) <> raw_sha256))::int AS bad_small,
        count(*) FILTER (WHERE raw_size > $1 AND length(raw) <> $1)::int AS bad_large FROM dead_letter`, [rawLimit]), [{ bad_small: 0, bad_large: 0 }]);
      const rawRows = await q<{ sha: string; raw: Buffer; raw_size: number }>(`SELECT DISTINCT ON (raw_sha256) encode(raw_sha256, 'hex') AS sha, raw, raw_size FROM dead_letter WHERE raw_sha256 = ANY($1)`,
        [sampled.map((c) => createHash('sha256').update(c.payload).digest())]);
      const rawBySha = new Map(rawRows.map((r) => [r.sha, r]));
      for (const c of sampled) {
        const row = rawBySha.get(sha256(c.payload));
        assert.ok(row && row.raw.equals(c.payload.subarray(0, rawLimit)) && row.raw_size === c.payload.length, preview(c));
      }

      // Valid traffic: every reading exactly once, and nothing else in `reading` or `meter_event`.
      // (Valid events carry a "__proto__" key in their detail: stored as data, like any other key.)
      const [stored] = await q(`SELECT count(*)::int AS n, sum(value) AS sum, count(*) FILTER (WHERE value = 'NaN' OR value IN ('Infinity', '-Infinity'))::int AS odd,
        (SELECT count(*)::int FROM meter_event) AS events, (SELECT count(*)::int FROM meter_event WHERE detail ? '__proto__') AS proto FROM reading`);
      assert.deepEqual(stored, { n: valid.readings, sum: valid.sum, odd: 0, events: valid.events, proto: valid.events });
      assert.deepEqual(Object.fromEntries([...headend.pipeline.metrics.rejected].sort()), Object.fromEntries([...rejected].sort()));

      // Still up and serving: all devices connected, nothing left queued, a new message acknowledged and stored.
      assert.equal(broker.connectedClients(), METERS);
      await Promise.all(clients.map((c) => c.endAsync()));
      const probe = await asMeter(meters[1]);
      const ts = new Date(started - 2 * DAY).toISOString();
      await probe.publishAsync(topicFor(meters[1].serial, 'readings'), JSON.stringify({ readings: [{ ts, ch: 'pressure', v: 21, u: 'mbar' }] }), { qos: 1 });
      await probe.endAsync();
      assert.deepEqual(await q(`SELECT value FROM reading WHERE ts = $1 AND channel_id = 6`, [ts]), [{ value: 0.021 }]);
      assert.equal(headend.pipeline.metrics.queueDepth, 0);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const sent = SOCKET_CASES + DIRECT_CASES;
      console.log(`      socket layer: ${SOCKET_CASES} hostile over MQTT + ${DIRECT_CASES} direct, ${valid.readings} valid readings and ${valid.events} events interleaved, in ${elapsed.toFixed(1)} s`);
      console.log(`      ${sent} hostile messages -> ${[...actual.values()].reduce((s, v) => s + v, 0)} dead-letter rows: ${JSON.stringify(Object.fromEntries(byReason.map((r) => [r.reason, r.n])))}`);
    });
  });
});
