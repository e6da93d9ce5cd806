/**
 * Nothing lost, nothing twice. A fleet publishes QoS 1 while the head-end is killed with SIGKILL, the broker is
 * restarted and PostgreSQL is restarted. Afterwards the stored reading count must equal exactly the readings the
 * fleet saw acknowledged (each counted once, on its PUBACK).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { startAbone, type AboneProcess } from './support/process.ts';
import { startPrivateMosquitto, MOSQUITTO_BIN } from './support/mosquitto.ts';
import { freePort } from '../platform/net.ts';
import { startEmbeddedPostgres } from '../platform/db/embedded.ts';
import { createPool } from '../platform/db/pool.ts';
import { migrate } from '../platform/db/migrate.ts';
import { DeviceRegistry } from '../headend/index.ts';
import { provisionDemoFleet, startFleet, type Fleet } from '../simulators/index.ts';

const METERS = 30;
const DAY = 86_400_000;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value once it has stayed the same for `quietMs` (at most 10 s). */
async function quietValue(read: () => number, quietMs: number): Promise<number> {
  let last = read();
  let since = Date.now();
  const end = Date.now() + 10_000;
  while (Date.now() - since < quietMs) {
    if (Date.now() > end) throw new Error('the value kept changing for 10 s');
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

function headend(env: Record<string, string>): Promise<AboneProcess> {
  const p = startAbone(['start'], { ABONE_MODE: 'headend', ABONE_HTTP_PORT: '0', ABONE_HTTP_HOST: '127.0.0.1', ABONE_MQTT_HOST: '127.0.0.1', ABONE_DEMO_METERS: '0', ABONE_INGEST_BATCH_DELAY_MS: '20', ...env });
  return p.waitForLog((l) => l.msg === 'Abone is running').then(() => p);
}

async function fleetOf(url: string, dbUrl: string): Promise<Fleet> {
  const pool = createPool(dbUrl, 2);
  const meters = await provisionDemoFleet(new DeviceRegistry(pool), METERS, `C${randomBytes(2).toString('hex')}`);
  await pool.end();
  // Sixty days of backlog in daily messages: enough to keep publishing through every interruption.
  return startFleet({ url, meters, intervalMs: 25, hoursPerMessage: 24, startAt: Date.now() - 60 * DAY, maxInflight: 4 });
}

async function storedCount(dbUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const { rows } = await c.query('SELECT count(*)::int AS n FROM reading');
  await c.end();
  return rows[0].n;
}

async function settle(fleet: Fleet, dbUrl: string): Promise<void> {
  fleet.stopPublishing();
  await fleet.flushed();
  const s = fleet.stats();
  assert.equal(s.errors, 0);
  assert.ok(s.readingsAcked > 10_000, `published enough to matter (${s.readingsAcked})`);
  assert.equal(await storedCount(dbUrl), s.readingsAcked);
}

describe('crash recovery: nothing lost, nothing twice', function () {
  this.timeout(240_000);
  const children: AboneProcess[] = [];
  const spawnHeadend = async (env: Record<string, string>) => {
    const p = await headend(env);
    children.push(p);
    return p;
  };
  afterEach(async () => {
    for (const c of children.splice(0)) await c.kill('SIGKILL');
  });

  describe('head-end killed with SIGKILL (embedded broker dies with it)', () => {
    let db: TestDatabase;
    before(async () => (db = await createTestDatabase()));
    after(() => db.drop());

    it('stores exactly what was acknowledged across three kills', async () => {
      const port = String(await freePort());
      const env = { DATABASE_URL: db.url, MQTT_URL: '', ABONE_MQTT_PORT: port };
      let he = await spawnHeadend(env);
      const fleet = await fleetOf(`mqtt://127.0.0.1:${port}`, db.url);
      for (let kill = 1; kill <= 3; kill++) {
        const target = fleet.stats().readingsAcked + 5_000;
        await until(() => fleet.stats().readingsAcked >= target, 'readings before the kill');
        await he.kill('SIGKILL');
        he = await spawnHeadend(env);
      }
      await until(() => fleet.stats().connected === METERS, 'the fleet to reconnect');
      await settle(fleet, db.url);
      await fleet.stop();
    });
  });

  describe('external broker restarted (private Mosquitto with persistence)', () => {
    let db: TestDatabase;
    before(async function () {
      if (!MOSQUITTO_BIN) this.skip(); // mosquitto is a Debian package; the machines that run CI have it
      db = await createTestDatabase();
    });
    after(() => db?.drop());

    it('stores exactly what was acknowledged across broker restarts and a head-end kill', async () => {
      const broker = await startPrivateMosquitto();
      const env = { DATABASE_URL: db.url, MQTT_URL: broker.url, ABONE_MQTT_CLIENT_ID: `crash-${randomBytes(3).toString('hex')}` };
      let he = await spawnHeadend(env);
      const fleet = await fleetOf(broker.url, db.url);
      for (let restart = 1; restart <= 2; restart++) {
        const target = fleet.stats().readingsAcked + 5_000;
        await until(() => fleet.stats().readingsAcked >= target, 'readings before the restart');
        await broker.restart();
      }
      const target = fleet.stats().readingsAcked + 5_000;
      await until(() => fleet.stats().readingsAcked >= target, 'readings before the kill');
      await he.kill('SIGKILL');
      he = await spawnHeadend(env);
      // Mosquitto acknowledges the fleet on receipt; the head-end drains the rest from its persistent session.
      fleet.stopPublishing();
      await fleet.flushed();
      await until(async () => (await storedCount(db.url)) >= fleet.stats().readingsAcked, 'the head-end to drain its session');
      await settle(fleet, db.url);
      await fleet.stop();
      await broker.stop();
    });
  });

  describe('PostgreSQL restarted under load', () => {
    const dir = `.data/crash-pg-${randomBytes(3).toString('hex')}`;
    after(async () => {
      for (const f of [dir, `${dir}.secret`, `${dir}.port`]) await rm(f, { recursive: true, force: true });
    });

    it('stores exactly what was acknowledged across two database restarts', async () => {
      let database = await startEmbeddedPostgres(dir, 0);
      const pool = createPool(database.url, 2);
      await migrate(pool);
      await pool.end();
      const port = String(await freePort());
      await spawnHeadend({ DATABASE_URL: database.url, MQTT_URL: '', ABONE_MQTT_PORT: port });
      const fleet = await fleetOf(`mqtt://127.0.0.1:${port}`, database.url);
      for (let restart = 1; restart <= 2; restart++) {
        const target = fleet.stats().readingsAcked + 5_000;
        await until(() => fleet.stats().readingsAcked >= target, 'readings before the restart');
        await database.stop(); // batches in flight may still commit (and be acknowledged) during the shutdown
        // The PUBACKs of what committed before the shutdown may still be on their way (the head-end's event loop is
        // busy under this load): wait until none has come for half a second; after that, none may come at all.
        const acked = await quietValue(() => fleet.stats().readingsAcked, 500);
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(fleet.stats().readingsAcked, acked, 'nothing is acknowledged while the database is down');
        database = await startEmbeddedPostgres(dir, database.port);
      }
      await settle(fleet, database.url);
      await fleet.stop();
      await database.stop();
    });
  });
});
