import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { startHeadend, type Headend } from '../../headend/index.ts';
import { provisionDemoFleet, type ProvisionedMeter } from '../../simulators/index.ts';
import { startEmbeddedBroker, startBrokerConsumer, topicFor, type EmbeddedBroker } from './index.ts';

const limits = { maxBytes: 262_144, maxItems: 10_000 };
const MOSQUITTO_URL = process.env.ABONE_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

function connect(url: string, opts: mqtt.IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

const hourly = (hours: number, offsetHours = 0) => ({
  readings: Array.from({ length: hours }, (_, i) => ({ ts: new Date(Date.UTC(2026, 10, 1, i + offsetHours)).toISOString(), ch: 'consumption', v: 0.125 * (i + 1), u: 'm3' })),
});

describe('MQTT collector', () => {
  let db: TestDatabase;
  let headend: Headend;
  let meters: ProvisionedMeter[];
  const count = async (serial: string) =>
    (await db.pool.query('SELECT count(*) AS n FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = $1', [serial])).rows[0].n as number;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 10 });
    meters = await provisionDemoFleet(headend.registry, 4, `T${randomBytes(3).toString('hex')}`);
  });
  after(async () => {
    await headend.stop();
    await db.drop();
  });

  describe('embedded broker', () => {
    let broker: EmbeddedBroker;
    const url = () => `mqtt://127.0.0.1:${broker.port}`;
    before(async () => {
      broker = await startEmbeddedBroker({ registry: headend.registry, pipeline: headend.pipeline, limits, port: 0, host: '127.0.0.1' });
    });
    after(() => broker.close());

    it('acknowledges a QoS 1 message only once its readings are in PostgreSQL', async () => {
      const m = meters[0];
      const c = await connect(url(), { clientId: m.serial, username: m.serial, password: m.secret });
      await c.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify(hourly(24)), { qos: 1 });
      assert.equal(await count(m.serial), 24); // checked right at the PUBACK: no waiting
      await c.endAsync();
    });

    it('refuses wrong secrets, borrowed client ids and revoked credentials', async () => {
      const [a, b] = meters;
      await assert.rejects(connect(url(), { clientId: a.serial, username: a.serial, password: 'guess' }), /Bad username or password|Not authorized/i);
      await assert.rejects(connect(url(), { clientId: b.serial, username: a.serial, password: a.secret }), /Bad username or password|Not authorized/i);
      await headend.registry.revokeCredential(meters[3].serial);
      await assert.rejects(connect(url(), { clientId: meters[3].serial, username: meters[3].serial, password: meters[3].secret }), /Bad username or password|Not authorized/i);
    });

    it('lets a meter publish only as itself and subscribe only to its own commands', async () => {
      const [a, b] = meters;
      const c = await connect(url(), { clientId: a.serial, username: a.serial, password: a.secret });
      const granted = await c.subscribeAsync(topicFor(a.serial, 'commands'), { qos: 1 });
      assert.deepEqual(granted.map((g) => g.qos), [1]);
      // SUBACK 128 (failure) for another meter's commands; mqtt.js reports it as an error.
      await assert.rejects(c.subscribeAsync(topicFor(b.serial, 'commands'), { qos: 1 }), /Subscribe error/);
      const before = await count(b.serial);
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(topicFor(b.serial, 'readings'), JSON.stringify(hourly(3)), { qos: 1 });
      await closed; // the broker drops a client that forges another meter's topic
      c.end(true);
      assert.equal(await count(b.serial), before);
      assert.ok((headend.pipeline.metrics.rejected.get('acl_denied') ?? 0) >= 1);
    });
  });

  describe('external broker (this machine\'s Mosquitto)', () => {
    it('stores what was published while the head-end was away, exactly once, from its persistent session', async () => {
      const m = meters[2];
      const clientId = `abone-test-${randomBytes(4).toString('hex')}`;
      const start = () => startBrokerConsumer({ url: MOSQUITTO_URL, clientId, sharedGroup: '', pipeline: headend.pipeline, limits });
      let consumer = await start();
      const device = await connect(MOSQUITTO_URL, { clientId: `dev-${clientId}` });
      await device.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify(hourly(10)), { qos: 1 });
      await waitFor(async () => (await count(m.serial)) === 10);
      await consumer.close();
      // Published while no head-end is connected: Mosquitto keeps them in the head-end's session.
      for (let i = 1; i <= 5; i++) await device.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify(hourly(10, i * 10)), { qos: 1 });
      await device.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify(hourly(10)), { qos: 1 }); // a re-send
      consumer = await start();
      await waitFor(async () => (await count(m.serial)) === 60);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await count(m.serial), 60);
      const { rows } = await db.pool.query('SELECT sum(value) AS s FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = $1', [m.serial]);
      assert.equal(rows[0].s, 6 * 0.125 * ((10 * 11) / 2)); // six hours-blocks of 0.125 × (1..10)
      await consumer.close();
      await device.endAsync();
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
