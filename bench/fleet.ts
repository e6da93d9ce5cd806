/**
 * The simulated fleet: M meters provisioned in the registry with their own MQTT credentials, their messages
 * pre-generated as payload Buffers (so the publishers' JSON cost is not timed), the same readings pre-formatted as
 * COPY text for the raw reference, and the publishers: one mqtt.js connection per meter, QoS 1, a bounded number
 * of messages in flight per connection.
 *
 * Readings: an hourly load profile of 4 channels (consumption, volume, pressure, temperature); a message carries
 * `perMessage` readings (24 hours x 4 channels = 96 by default). Hours run back from the last full hour, so every
 * reading is unique per (meter, channel, ts), inside retention and never in the future.
 *
 * `simulateFleet` fills the same meters' payloads from the simulator instead (realistic gas and water values and
 * injected faults, for bench:alarms): same connections, topics per meter, message size and publishers.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { CHANNEL_BY_CODE, type DeviceRegistry, type MeterModelInput } from '../headend/index.ts';
import { topicFor } from '../collectors/mqtt/index.ts';
import { HOUR_MS as SIM_HOUR_MS, isGapHour, isPressureDropHour, MeterStream, seedFrom, type FaultPlan, type SimCommodity } from '../simulators/index.ts';

const HOUR_MS = 3_600_000;
const CHANNELS = [
  { ch: 'consumption', u: 'm3' },
  { ch: 'volume', u: 'm3' },
  { ch: 'pressure', u: 'bar' },
  { ch: 'temperature', u: 'degC' },
] as const;

const MODELS: MeterModelInput[] = (['gas', 'water'] as const).map((commodity) => ({
  code: `BENCH-${commodity.toUpperCase()}-4CH`,
  manufacturer: 'Bench',
  commodity,
  channels: CHANNELS.map((c) => ({ channel: c.ch, intervalSeconds: 3600 })),
}));

export interface BenchMeter {
  serial: string;
  secret: string;
  id: number;
  payloads: Buffer[];
  counts: number[]; // readings in each payload
  readings: number;
  /** The topic of each payload when they are not all readings (simulated events); undefined: the readings topic. */
  topics?: string[];
}

export async function provisionFleet(registry: DeviceRegistry, count: number): Promise<BenchMeter[]> {
  for (const m of MODELS) await registry.upsertModel(m);
  const meters = Array.from({ length: count }, (_, i) => ({ serial: `BENCH-${String(i + 1).padStart(6, '0')}`, model: MODELS[i % 2].code }));
  await registry.addMeters(meters);
  const secrets = await registry.issueCredentials(meters.map((m) => m.serial));
  return meters.map((m) => ({ serial: m.serial, secret: secrets.get(m.serial)!, id: registry.cached(m.serial)!.id, payloads: [], counts: [], readings: 0 }));
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FleetPlan {
  readings: number;
  messages: number;
  firstTs: number;
  lastTs: number;
  /** The same readings as COPY text (meter_id, channel_id, ts, value, quality, received_at), in arrival order. */
  copyChunks: Buffer[];
}

/**
 * Fills each meter's `payloads` and returns the COPY text of the same readings. Readings are spread evenly over the
 * meters; COPY lines follow the order the head-end sees them (message k of every meter, then message k + 1).
 */
export function generateFleet(meters: BenchMeter[], total: number, perMessage: number, now = Date.now()): FleetPlan {
  const base = Math.floor(total / meters.length);
  const extra = total % meters.length;
  const maxPerMeter = base + (extra ? 1 : 0);
  const hours = Math.ceil(maxPerMeter / CHANNELS.length);
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - hours * HOUR_MS;
  const receivedIso = new Date(now).toISOString();
  const linesByMessage: string[][][] = []; // [message index][meter] -> lines
  let messages = 0;
  meters.forEach((m, mi) => {
    m.readings = base + (mi < extra ? 1 : 0);
    m.payloads = [];
    m.counts = [];
    const rand = rng(mi + 1);
    let register = Math.round(rand() * 100_000 * 1000) / 1000;
    let items: Array<{ ts: string; ch: string; v: number; u: string }> = [];
    let lines: string[] = [];
    for (let i = 0; i < m.readings; i++) {
      const hour = firstHour + Math.floor(i / CHANNELS.length) * HOUR_MS;
      const c = CHANNELS[i % CHANNELS.length];
      let v: number;
      if (c.ch === 'consumption') {
        v = Math.round(rand() * 2000) / 1000;
        register = Math.round((register + v) * 1000) / 1000;
      } else if (c.ch === 'volume') v = register;
      else if (c.ch === 'pressure') v = Math.round((0.98 + rand() * 0.06) * 1000) / 1000;
      else v = Math.round((8 + rand() * 10) * 10) / 10;
      const iso = new Date(hour).toISOString();
      items.push({ ts: iso.replace('.000Z', 'Z'), ch: c.ch, v, u: c.u });
      lines.push(`${m.id}\t${CHANNEL_BY_CODE.get(c.ch)!.id}\t${iso}\t${v}\t0\t${receivedIso}\n`);
      if (items.length === perMessage || i === m.readings - 1) {
        const k = m.payloads.length;
        m.payloads.push(Buffer.from(JSON.stringify({ msgId: `${m.serial}:${k}`, readings: items })));
        m.counts.push(items.length);
        (linesByMessage[k] ??= [])[mi] = lines;
        items = [];
        lines = [];
        messages++;
      }
    }
  });
  const copyChunks: Buffer[] = [];
  let pending: string[] = [];
  for (const round of linesByMessage) {
    for (const lines of round) {
      if (!lines) continue;
      pending.push(...lines);
      if (pending.length >= 1000) {
        copyChunks.push(Buffer.from(pending.join('')));
        pending = [];
      }
    }
  }
  if (pending.length) copyChunks.push(Buffer.from(pending.join('')));
  return { readings: total, messages, firstTs: firstHour, lastTs: firstHour + (hours - 1) * HOUR_MS, copyChunks };
}

export async function connectFleet(url: string, meters: BenchMeter[], concurrency = 50): Promise<MqttClient[]> {
  const clients = new Array<MqttClient>(meters.length);
  let next = 0;
  async function worker() {
    while (next < meters.length) {
      const i = next++;
      const m = meters[i];
      clients[i] = await mqtt.connectAsync(url, {
        clientId: m.serial,
        username: m.serial,
        password: m.secret,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0,
        keepalive: 300,
        connectTimeout: 60_000,
      });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return clients;
}

export interface PublishResult {
  startedAt: number; // performance.now() of the first publish
  endedAt: number; // performance.now() of the last PUBACK
  messages: number;
  readings: number;
  latencyMs: Float64Array; // publish -> PUBACK, per message
}

/** Publishes every meter's payloads with at most `window` unacknowledged messages per connection. */
export function publishFleet(clients: MqttClient[], meters: BenchMeter[], window: number): Promise<PublishResult> {
  const total = meters.reduce((n, m) => n + m.payloads.length, 0);
  const latency = new Float64Array(total);
  let acked = 0;
  let readings = 0;
  let lat = 0;
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const fail = (err: Error) => reject(err);
    meters.forEach((m, i) => {
      const client = clients[i];
      client.once('error', fail);
      client.once('close', () => {
        if (acked < total) fail(new Error(`${m.serial}: connection closed before every PUBACK`));
      });
      const topic = topicFor(m.serial, 'readings');
      let sent = 0;
      const send = () => {
        const k = sent++;
        const t = performance.now();
        client.publish(m.topics?.[k] ?? topic, m.payloads[k], { qos: 1 }, (err) => {
          if (err) return fail(err);
          latency[lat++] = performance.now() - t;
          acked++;
          readings += m.counts[k];
          if (acked === total) resolve({ startedAt, endedAt: performance.now(), messages: acked, readings, latencyMs: latency });
          else if (sent < m.payloads.length) send();
        });
      };
      for (let w = 0; w < window && sent < m.payloads.length; w++) send();
    });
  });
}

export async function closeFleet(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c?.endAsync().catch(() => undefined)));
}

// --- the same fleet with the simulator's profiles and faults (bench:alarms --load ingest) ---------------------------

/** The commodity of the i-th meter of `provisionFleet` (its model alternates gas, water). */
export const fleetCommodity = (i: number): SimCommodity => (i % 2 ? 'water' : 'gas');
export const FLEET_MODEL_CODES: Readonly<Record<SimCommodity, string>> = { gas: MODELS[0].code, water: MODELS[1].code };

/** A fault the simulator put into what the fleet sends: the time an alarm raised for it must cover (reading time). */
export interface InjectedFault {
  serial: string;
  kind: 'tamper' | 'leak' | 'reverse_flow' | 'pressure_drop' | 'gap';
  at: number;
}

export interface SimulatedFleet {
  readings: number;
  messages: number;
  events: number;
  firstTs: number;
  lastTs: number;
  faults: InjectedFault[];
}

/**
 * Fills each meter's payloads with what the simulator's meter sends (simulators/meter-stream.ts): gas and water
 * profiles, `hoursPerMessage` hours of the four channels above per readings message, and the fault plan's incidents
 * (events on the meter's events topic, sent before the period's readings, as the simulator does). The simulator's
 * daily battery reading is left out: the fleet's models have bench:ingest's four channels, so 96 readings a message.
 * Returns every fault that went out, read from the payloads (events) and the plan (pressure drops, gaps).
 */
export function simulateFleet(meters: BenchMeter[], opts: { startAt: number; hours: number; hoursPerMessage: number; faults: FaultPlan }): SimulatedFleet {
  const out: SimulatedFleet = { readings: 0, messages: 0, events: 0, firstTs: Infinity, lastTs: -Infinity, faults: [] };
  const periods = Math.floor(opts.hours / opts.hoursPerMessage);
  meters.forEach((m, i) => {
    const sim = { serial: m.serial, secret: m.secret, commodity: fleetCommodity(i) };
    const stream = new MeterStream(sim, { startAt: opts.startAt, hoursPerMessage: opts.hoursPerMessage, faults: opts.faults });
    m.payloads = [];
    m.counts = [];
    m.topics = [];
    m.readings = 0;
    const seed = seedFrom(m.serial);
    for (let p = 0; p <= periods; p++) {
      for (const msg of p < periods ? stream.next() : stream.drain()) {
        const body = JSON.parse(msg.payload.toString());
        let count = 0;
        if (body.events) {
          for (const e of body.events as Array<{ ts: string; code: string }>) out.faults.push({ serial: m.serial, kind: e.code as InjectedFault['kind'], at: Date.parse(e.ts) });
          out.events += body.events.length;
        } else {
          body.readings = (body.readings as Array<{ ch: string }>).filter((r) => r.ch !== 'battery');
          count = body.readings.length;
          for (const r of body.readings as Array<{ ts: string }>) {
            const ts = Date.parse(r.ts);
            if (ts < out.firstTs) out.firstTs = ts;
            if (ts > out.lastTs) out.lastTs = ts;
          }
        }
        m.payloads.push(Buffer.from(JSON.stringify(body)));
        m.topics.push(msg.topic);
        m.counts.push(count);
        m.readings += count;
        out.messages++;
      }
    }
    const hours = Array.from({ length: periods * opts.hoursPerMessage }, (_, h) => opts.startAt + h * SIM_HOUR_MS);
    const sent = hours.filter((hour) => !isGapHour(opts.faults, seed, hour));
    for (const hour of hours) {
      // A gap shows only between two hours that were sent. The hour's pressure sample is stamped at its end; in a gap
      // hour it is never sent, so no alarm can follow its drop.
      if (!isGapHour(opts.faults, seed, hour)) {
        if (isPressureDropHour(opts.faults, seed, hour)) out.faults.push({ serial: m.serial, kind: 'pressure_drop', at: hour + SIM_HOUR_MS });
      } else if (sent.length && hour > sent[0] && hour < sent[sent.length - 1]) out.faults.push({ serial: m.serial, kind: 'gap', at: hour + SIM_HOUR_MS });
    }
    out.readings += m.readings;
  });
  return out;
}
