import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Aedes, type AuthenticateError } from 'aedes';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { freePort } from '../platform/net.ts';
import { startFleet } from './fleet.ts';
import { HOUR_MS, type SimMeter } from './profiles.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const MAX_FUTURE_MS = 15 * 60_000;

/** What a head-end would store: distinct (meter, channel, ts) of the readings it would accept. */
class Received {
  readonly keys = new Set<string>();
  readings = 0; // every valid reading that arrived, re-sends included
  refused = 0;
  latestTs = 0;

  take(topic: string, payload: Buffer): void {
    const parsed = parseMqttMessage(topic, payload, LIMITS);
    if (parsed.rejection) return void this.refused++;
    for (const e of parsed.envelopes) {
      if (e.type !== 'reading') continue;
      if (e.ts > Date.now() + MAX_FUTURE_MS) {
        this.refused++;
        continue;
      }
      this.readings++;
      this.latestTs = Math.max(this.latestTs, e.ts);
      this.keys.add(`${e.meterSerial}|${e.channel}|${e.ts}`);
    }
  }
}

/**
 * A real aedes broker that checks the meters' identities and counts what they publish. `ackDelayMs` holds each
 * PUBACK back, as the head-end does while a batch commits, so a restart catches messages received but not acked.
 */
async function startBroker(port: number, received: Received, secrets: Map<string, string>, ackDelayMs = 0) {
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (client.id === username && password?.toString() === secrets.get(username ?? '')) return done(null, true);
      const err = new Error('bad credentials') as AuthenticateError;
      err.returnCode = 4;
      done(err, false);
    },
    authorizePublish: (client, packet, done) => {
      if (client) received.take(packet.topic, packet.payload as Buffer);
      if (ackDelayMs > 0) setTimeout(() => done(null), ackDelayMs);
      else done(null);
    },
  });
  const server = net.createServer(broker.handle as (s: net.Socket) => void);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fleetOf(n: number, prefix: string): SimMeter[] {
  return Array.from({ length: n }, (_, i) => ({ serial: `${prefix}-${i}`, secret: `secret-${i}`, commodity: i % 2 ? 'water' : 'gas', registerDigits: i % 2 ? 5 : 8 }));
}

describe('simulators/fleet (real MQTT broker)', () => {
  it('publishes 20 meters at QoS 1; the broker received exactly the readings the fleet counts as acknowledged', async () => {
    const port = await freePort();
    const received = new Received();
    const meters = fleetOf(20, 'FL');
    const broker = await startBroker(port, received, new Map(meters.map((m) => [m.serial, m.secret])));
    const fleet = await startFleet({ url: `mqtt://127.0.0.1:${port}`, meters, intervalMs: 50, startAt: Date.now() - 14 * 24 * HOUR_MS });
    try {
      await sleep(2000);
      fleet.stopPublishing();
      await fleet.flushed();
      const stats = fleet.stats();
      assert.ok(stats.readingsAcked > 0, 'the fleet published something');
      assert.equal(stats.errors, 0);
      assert.equal(stats.acked, stats.published);
      assert.equal(received.readings, stats.readingsAcked);
      assert.equal(received.keys.size, stats.readingsAcked);
      assert.ok(received.latestTs <= Date.now(), 'no reading is stamped in the future');
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('waits at the wall clock: a meter that caught up sends no hour that has not ended', async () => {
    const port = await freePort();
    const received = new Received();
    const meters = fleetOf(3, 'NOW');
    const broker = await startBroker(port, received, new Map(meters.map((m) => [m.serial, m.secret])));
    const fleet = await startFleet({ url: `mqtt://127.0.0.1:${port}`, meters, intervalMs: 10, startAt: Date.now() - 5 * HOUR_MS });
    try {
      await sleep(500);
      fleet.stopPublishing();
      await fleet.flushed();
      // 5 h back aligned down to the hour: 5 whole hours have ended (6 when the run straddles an hour boundary).
      const hours = fleet.stats().published / meters.length;
      assert.ok(hours === 5 || hours === 6, `${hours} hours per meter`);
      assert.ok(received.latestTs <= Date.now());
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('with speedup off, simulated time runs at wall-clock speed from startAt: no backlog burst', async () => {
    const port = await freePort();
    const received = new Received();
    const meters = fleetOf(3, 'RT');
    const broker = await startBroker(port, received, new Map(meters.map((m) => [m.serial, m.secret])));
    const fleet = await startFleet({ url: `mqtt://127.0.0.1:${port}`, meters, intervalMs: 10, startAt: Date.now() - 5 * HOUR_MS, speedup: false });
    try {
      await sleep(300);
      fleet.stopPublishing();
      await fleet.flushed();
      assert.equal(fleet.stats().published, 0, 'the first simulated hour ends an hour of wall time after the start');
      assert.equal(fleet.stats().connected, 3);
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('survives a broker restart: every message is acknowledged once, nothing is lost', async () => {
    const port = await freePort();
    const received = new Received();
    const meters = fleetOf(20, 'RS');
    const secrets = new Map(meters.map((m) => [m.serial, m.secret]));
    let broker = await startBroker(port, received, secrets, 100);
    const fleet = await startFleet({ url: `mqtt://127.0.0.1:${port}`, meters, intervalMs: 20, hoursPerMessage: 24, startAt: Date.now() - 200 * 24 * HOUR_MS });
    try {
      await sleep(700);
      await broker.close();
      const duringOutage = fleet.stats().published;
      await sleep(1500); // meters keep measuring; mqtt.js holds their messages (up to maxInflight each)
      broker = await startBroker(port, received, secrets, 100);
      await sleep(1000);
      fleet.stopPublishing();
      await fleet.flushed();
      const stats = fleet.stats();
      assert.ok(stats.published > duringOutage, 'publishing went on after the restart');
      assert.equal(stats.errors, 0);
      assert.equal(stats.acked, stats.published);
      // Re-sends after the restart may arrive twice; distinct keys are what storage keeps.
      assert.equal(received.keys.size, stats.readingsAcked);
      assert.ok(received.readings > stats.readingsAcked, 'the restart caught messages received but not acked, and they came again');
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('with faults: storage-equivalent count still matches readingsAcked; malformed messages are counted apart', async () => {
    const port = await freePort();
    const received = new Received();
    const meters = fleetOf(20, 'FX');
    const broker = await startBroker(port, received, new Map(meters.map((m) => [m.serial, m.secret])));
    const faults = { seed: 11, duplicateRate: 0.1, malformedRate: 0.1, lateRate: 0.05, outOfOrderRate: 0.05, gapRate: 0.05, tamperRate: 0.02 };
    const fleet = await startFleet({ url: `mqtt://127.0.0.1:${port}`, meters, intervalMs: 50, startAt: Date.now() - 14 * 24 * HOUR_MS, faults });
    try {
      await sleep(1500);
      fleet.stopPublishing();
      await fleet.flushed();
      const stats = fleet.stats();
      assert.ok(stats.malformedSent > 0 && stats.duplicateReadingsAcked > 0 && stats.eventsAcked > 0);
      assert.equal(received.keys.size, stats.readingsAcked);
      assert.equal(received.readings, stats.readingsAcked + stats.duplicateReadingsAcked);
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });
});
