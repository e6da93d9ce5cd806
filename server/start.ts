/**
 * The composition root: one function that starts the whole system in the right order and stops it in reverse.
 * `ABONE_MODE` picks the parts: `all` (the default for a first run), `api` (HTTP only), `headend` (ingest only).
 */
import { loadSettings, type SettingsOf } from '../platform/config.ts';
import { contextLogger } from '../platform/logger.ts';
import { choosePort } from '../platform/net.ts';
import { startEmbeddedBroker, startBrokerConsumer, mqttSettings, type EmbeddedBroker, type BrokerConsumer } from '../collectors/mqtt/index.ts';
import { startDemo, type Demo } from '../simulators/index.ts';
import { openDatabase, type Database } from './database.ts';
import { createApp, type App } from './http/app.ts';
import { type BrokerStatus } from './http/routes/health.ts';
import { registerRoutes } from './http/routes/index.ts';
import { serverSettings } from './settings.ts';
import { startPolledDevices } from './polling.ts';
import { startDlmsCollector } from '../collectors/dlms/index.ts';
import { startAccess, actorForToken, can } from '../modules/access/index.ts';
import { LiveFeed, FEED_STREAMS } from './live-feed.ts';
import { startAlarmWork } from './alarm-work.ts';
import { startBillRunWorkers } from './bill-run-workers.ts';
import { startCreditSweep } from './credit-sweep.ts';
import { startDailyJobs } from './daily-jobs.ts';
import { seedDemoOperations, DEMO_FAULTS } from './demo-operations.ts';
import { seedDemoBusiness } from './demo-business.ts';
import { startRegistry } from '../modules/registry/index.ts';
import { startHeadend, type Headend } from '../headend/index.ts';

const log = contextLogger('server');

export interface System {
  db: Database;
  headend?: Headend;
  app: App;
  httpPort: number;
  mqttPort?: number;
  demo?: Demo;
  stop(): Promise<void>;
}

export async function startSystem(overrides: Partial<SettingsOf<typeof serverSettings>> = {}): Promise<System> {
  const settings = loadSettings(serverSettings, process.env, overrides);
  const mqtt = loadSettings(mqttSettings);
  const db = await openDatabase({ startEmbedded: true, runMigrations: true });
  const stops: Array<() => Promise<void>> = [() => db.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.warn({ err: err.message }, 'error while stopping'));
  };
  try {
    const feed = new LiveFeed(FEED_STREAMS);
    await feed.start(db.url);
    stops.push(() => feed.stop());
    let headend: Headend | undefined;
    let broker: EmbeddedBroker | undefined;
    let consumer: BrokerConsumer | undefined;
    if (settings.mode === 'all' || settings.mode === 'headend') {
      headend = await startHeadend(db.pool, db.url);
      stops.push(headend.stop);
      const demoOperations = settings.mode === 'all' && settings.demoMeters > 0 && settings.demoOperations;
      if (demoOperations) await seedDemoOperations(db.pool); // before the rules start, so they start with its rules
    }
    // Alarm changes announced and turned into work orders in every process; where ingest runs, the rules on the
    // pipeline's commits, started before any collector (server/alarm-work.ts) and stopped before the head-end drains.
    const alarmWork = await startAlarmWork(db.pool, headend?.pipeline);
    stops.push(alarmWork.stop);
    if (headend) {
      const limits = { maxBytes: mqtt.maxPayloadBytes, maxItems: mqtt.maxItems };
      if (mqtt.url) {
        consumer = await startBrokerConsumer({ url: mqtt.url, clientId: mqtt.clientId, username: mqtt.username, password: mqtt.password, sharedGroup: mqtt.sharedGroup, pipeline: headend.pipeline, limits });
        stops.push(consumer.close);
      } else {
        // Services (SCADA, Node-RED) subscribe to the feed with an API token; what they may read follows its roles.
        const services = { authenticate: async (secret: string) => {
          const actor = await actorForToken(db.pool, secret);
          return actor && feed.subscriptionFilter((p) => can(actor, p));
        } };
        broker = await startEmbeddedBroker({ registry: headend.registry, pipeline: headend.pipeline, limits, port: mqtt.port, host: mqtt.host, services });
        stops.push(broker.close);
      }
      // The processes that run ingest also carry the feed to MQTT (one broker connection each; see docs/deploy.md).
      const mqttOut = broker ?? consumer;
      if (mqttOut && settings.feedToMqtt) feed.subscribe((e) => void mqttOut.publish(LiveFeed.topicOf(e), JSON.stringify(e)).catch((err) => log.warn({ err: err.message }, 'feed event not published to MQTT')));
    }
    const brokerStatus = (): BrokerStatus =>
      broker ? { mode: 'embedded', connected: true, port: broker.port, clients: broker.connectedClients() } : consumer ? { mode: 'external', connected: consumer.connected() } : { mode: 'none', connected: false };

    const access = await startAccess(db.pool);
    // The daily KVKK retention job (anonymising closed parties) is business work: not in ingest-only processes.
    if (settings.mode !== 'headend') stops.push(startRegistry(db.pool).stop);
    if (settings.mode === 'all' || settings.mode === 'worker') {
      stops.push(startBillRunWorkers(db.pool).stop);
      stops.push(startCreditSweep(db.pool).stop);
      if (settings.dailyJobs) stops.push(startDailyJobs(db.pool, settings.dailyJobsHour).stop);
    }
    const app = await createApp(db.pool);
    registerRoutes(app, { pool: db.pool, throttle: access.throttle, sessionHours: access.settings.sessionHours, cookieSecure: access.settings.cookieSecure, registry: headend?.registry, pipeline: headend?.pipeline, broker: brokerStatus, feed });
    const httpPort = await choosePort(
      settings.httpPort,
      (chosen) => log.warn({ preferred: settings.httpPort, port: chosen }, `port ${settings.httpPort} is busy; HTTP takes ${chosen} (set ABONE_HTTP_PORT to choose)`),
      settings.httpHost,
    );
    await app.listen({ port: httpPort, host: settings.httpHost });
    stops.push(() => app.close());

    let demo: Demo | undefined;
    if (settings.mode === 'all' && headend && settings.demoMeters + settings.demoModbusDevices + settings.demoDlmsDevices > 0) {
      const mqttUrl = mqtt.url ?? `mqtt://127.0.0.1:${broker!.port}`;
      demo = await startDemo({ registry: headend.registry, mqttUrl, meters: settings.demoMeters, modbusDevices: settings.demoModbusDevices, dlmsDevices: settings.demoDlmsDevices, intervalMs: settings.demoIntervalMs, faults: settings.demoOperations ? DEMO_FAULTS : undefined });
      stops.push(demo.stop);
      // Subscribers, bills and payments for the demo's meters, once they are registered (only into a database with no parties).
      if (settings.demoOperations) await seedDemoBusiness(db.pool, headend).catch((err) => log.error({ err: err.message }, 'demo: business data not seeded'));
    }
    if (headend && settings.polling) {
      // After the demo: its Modbus meters are in the registry by now.
      const polled = await startPolledDevices(headend.registry, headend.pipeline);
      stops.push(polled.stop);
      const registry = headend.registry;
      const dlms = await startDlmsCollector({ pipeline: headend.pipeline, registry, lastStored: async (serial) => (await registry.lastStoredAt(serial))?.getTime() ?? null });
      stops.push(dlms.stop);
    }
    log.info({ http: `http://127.0.0.1:${httpPort}`, docs: `http://127.0.0.1:${httpPort}/docs`, mqttPort: broker?.port, database: db.embedded ? 'embedded' : 'DATABASE_URL' }, 'Abone is running');
    return { db, headend, app, httpPort, mqttPort: broker?.port, demo, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
