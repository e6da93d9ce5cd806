/**
 * The MQTT meter fleet: every simulated meter is its own mqtt.js client, authenticated as itself (client id =
 * username = serial, password = its secret), publishing its readings at QoS 1 on its own topics.
 *
 * Counting is what tests rely on: a message is counted once, in the PUBACK callback of `client.publish`. mqtt.js
 * keeps an unacknowledged QoS 1 message in its outgoing store (memory) and sends it again after every reconnect,
 * with the same callback, so broker or head-end restarts neither lose a message nor count it twice. The head-end's
 * storage key (meter, channel, ts) absorbs the re-sends, so after `flushed()` the database holds `readingsAcked`.
 *
 * Simulated time never runs ahead of the wall clock: a period is built only once its newest stamp has passed, and
 * when a meter has caught up it waits for the next hour like a real meter does.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { contextLogger } from '../platform/logger.ts';
import { faultPlan, type FaultPlan } from './faults.ts';
import { MeterStream, type OutMessage } from './meter-stream.ts';
import { alignToHour, HOUR_MS, type SimMeter } from './profiles.ts';

const log = contextLogger('fleet');

export interface FleetOptions {
  url: string; // mqtt://127.0.0.1:1883
  meters: SimMeter[];
  intervalMs: number; // wall-clock time between two messages of one meter
  hoursPerMessage?: number; // hours of load profile per message (1: hourly push; 24: a daily push)
  startAt?: number; // first simulated hour, epoch ms; default: the last whole hour minus DEFAULT_BACKLOG_HOURS
  // true (default): each message advances a meter's simulated time by its period, as fast as intervalMs allows, up
  // to now. false: simulated time runs at wall-clock speed from startAt (a period per real period).
  speedup?: boolean;
  faults?: Partial<FaultPlan>;
  maxInflight?: number; // per meter: no new message while this many are unacknowledged
  connectChunk?: number; // clients started together; the next chunk waits until these have connected (or failed)
}

export interface FleetStats {
  meters: number;
  connected: number;
  published: number; // publish calls, duplicates and malformed included
  acked: number; // messages the broker acknowledged
  readingsAcked: number; // valid readings inside acknowledged messages, each counted once (= rows in storage)
  duplicateReadingsAcked: number; // readings inside deliberate duplicate copies (not new rows)
  eventsAcked: number;
  malformedSent: number;
  retries: number; // messages published again after mqtt.js gave up on them (see `publish`)
  errors: number; // messages never acknowledged: the fleet was stopped first
  connectErrors: number;
  lastError: string | null; // the latest client or publish error, for an operator wondering why `connected` is low
  simulatedUntil: string | null; // the least advanced meter's simulated time
}

export interface Fleet {
  stats(): FleetStats;
  /** Stops building new messages; messages held back by faults are sent now so nothing is silently lost. */
  stopPublishing(): void;
  /** Resolves when every message published so far has been acknowledged. */
  flushed(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_BACKLOG_HOURS = 24;
const CONNECT_WAIT_MS = 5000;
const RETRY_MS = 250;

interface SimulatedMeter {
  stream: MeterStream;
  client?: MqttClient;
  inflight: number;
  timer?: NodeJS.Timeout;
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  if (!(opts.intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
  const plan = faultPlan(opts.faults);
  const startAt = alignToHour(opts.startAt ?? Date.now() - DEFAULT_BACKLOG_HOURS * HOUR_MS);
  const speedup = opts.speedup ?? true;
  const maxInflight = opts.maxInflight ?? 16;
  const chunk = opts.connectChunk ?? 100;
  const t0 = Date.now();
  const meters: SimulatedMeter[] = opts.meters.map((m) => ({
    stream: new MeterStream(m, { startAt, hoursPerMessage: opts.hoursPerMessage, faults: plan }),
    inflight: 0,
  }));
  const s = { published: 0, acked: 0, readingsAcked: 0, duplicateReadingsAcked: 0, eventsAcked: 0, malformedSent: 0, retries: 0, errors: 0, connectErrors: 0 };
  let lastError: string | null = null;
  let publishing = true;
  let stopped = false;
  let flushWaiters: Array<() => void> = [];

  // The simulated "now": the wall clock, or with speedup off, startAt plus the wall time elapsed since start.
  const simNow = () => (speedup ? Date.now() : Math.min(Date.now(), startAt + (Date.now() - t0)));

  const settle = () => {
    const waiters = flushWaiters;
    flushWaiters = [];
    for (const w of waiters) w();
  };

  // One logical message until it is settled: acknowledged once, or given up when the fleet stops.
  interface Outstanding {
    m: SimulatedMeter;
    msg: OutMessage;
    retry?: NodeJS.Timeout;
  }
  const outstanding = new Set<Outstanding>();

  const settleOne = (o: Outstanding, acked: boolean) => {
    if (!outstanding.delete(o)) return; // already settled: a message counts once, whatever mqtt.js calls back later
    clearTimeout(o.retry);
    o.m.inflight--;
    if (!acked) s.errors++;
    else {
      s.acked++;
      if (o.msg.duplicate) s.duplicateReadingsAcked += o.msg.readings;
      else {
        s.readingsAcked += o.msg.readings;
        s.eventsAcked += o.msg.events;
      }
    }
    if (outstanding.size === 0) settle();
  };

  // mqtt.js keeps a QoS 1 message in its store until PUBACK, across reconnects, except one it took while re-sending
  // its store after a reconnect: if the connection drops again then, it calls back 'Connection closed' and forgets
  // the message (it was never written). So an error is not the end: publish the same bytes again until acknowledged.
  // A message that did reach the broker is at worst stored twice, which the reading key absorbs.
  const publish = (o: Outstanding) => {
    o.m.client!.publish(o.msg.topic, o.msg.payload, { qos: 1 }, (err) => {
      if (!err) return settleOne(o, true);
      if (stopped || !outstanding.has(o)) return settleOne(o, false);
      s.retries++;
      lastError = err.message;
      log.debug({ serial: o.msg.serial, err: err.message }, 'publish failed; sending again');
      o.retry = setTimeout(() => publish(o), RETRY_MS);
    });
  };

  const send = (m: SimulatedMeter, msg: OutMessage) => {
    s.published++;
    if (msg.malformed) s.malformedSent++;
    m.inflight++;
    const o: Outstanding = { m, msg };
    outstanding.add(o);
    publish(o);
  };

  const tick = (m: SimulatedMeter) => {
    if (!publishing || m.inflight >= maxInflight || m.stream.readyAt > simNow()) return;
    for (const msg of m.stream.next()) send(m, msg);
  };

  const startMeter = (m: SimulatedMeter, index: number): Promise<void> => {
    const { serial, secret } = m.stream.meter;
    const client = mqtt.connect(opts.url, {
      clientId: serial,
      username: serial,
      password: secret,
      clean: false, // the broker keeps the session, and mqtt.js re-sends unacknowledged messages after reconnecting
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    m.client = client;
    client.on('error', (err) => {
      s.connectErrors++;
      lastError = err.message;
      log.debug({ serial, err: err.message }, 'mqtt client error');
    });
    // Spread the meters' ticks over the interval, so a fleet publishes evenly rather than in bursts.
    const phase = Math.floor((index / Math.max(1, meters.length)) * opts.intervalMs);
    const first = setTimeout(() => {
      if (stopped) return;
      tick(m);
      m.timer = setInterval(() => tick(m), opts.intervalMs);
    }, phase);
    m.timer = first;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        client.off('connect', done).off('error', done).off('close', done);
        resolve();
      };
      const timeout = setTimeout(done, CONNECT_WAIT_MS);
      client.once('connect', done).once('error', done).once('close', done);
    });
  };

  // Staggered start: 10 000 clients connecting at once would stampede the broker's authentication.
  for (let i = 0; i < meters.length && !stopped; i += chunk) {
    await Promise.all(meters.slice(i, i + chunk).map((m, j) => startMeter(m, i + j)));
  }
  log.info({ meters: meters.length, url: opts.url, startAt: new Date(startAt).toISOString() }, 'fleet started');

  const stopPublishing = () => {
    if (!publishing) return;
    publishing = false;
    for (const m of meters) {
      clearTimeout(m.timer);
      clearInterval(m.timer);
      if (m.client) for (const msg of m.stream.drain()) send(m, msg);
    }
  };

  return {
    stats: () => {
      const until = meters.reduce((min, m) => Math.min(min, m.stream.simulatedUntil), Infinity);
      return {
        meters: meters.length,
        connected: meters.filter((m) => m.client?.connected).length,
        ...s,
        lastError,
        simulatedUntil: Number.isFinite(until) ? new Date(until).toISOString() : null,
      };
    },
    stopPublishing,
    flushed: () => (outstanding.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => flushWaiters.push(resolve))),
    stop: async () => {
      stopPublishing();
      stopped = true;
      // A connected client with nothing outstanding says DISCONNECT; one still waiting for acknowledgements is cut off,
      // and so is one between reconnects (a DISCONNECT would wait for a connection that may never come).
      await Promise.all(meters.map((m) => m.client?.endAsync(m.inflight > 0 || !m.client.connected)));
      // A forced end never calls the outstanding callbacks: those messages count as errors, and flushed() returns.
      for (const o of [...outstanding]) settleOne(o, false);
      settle();
    },
  };
}
