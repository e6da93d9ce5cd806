/**
 * Every HTTP route of the system, registered on one app. The server and the tests that walk the whole route table
 * (the permission matrix) build the app the same way, so a test sees exactly what production serves.
 */
import type pg from 'pg';
import { accessRoutes, type LoginThrottle } from '../../../modules/access/index.ts';
import { DeviceRegistry, type IngestPipeline } from '../../../headend/index.ts';
import { registryRoutes } from '../../../modules/registry/index.ts';
import { subscriptionRoutes } from '../../../modules/subscriptions/index.ts';
import { warehouseRoutes } from '../../../modules/warehouses/index.ts';
import { workOrderRoutes } from '../../../modules/work-orders/index.ts';
import { ledgerRoutes } from '../../../modules/ledger/index.ts';
import { billingRoutes, gasFactorRoutes } from '../../../modules/billing/index.ts';
import { deskRoutes } from '../../../modules/collections/index.ts';
import { bankRoutes } from '../../../modules/collections/index.ts';
import { statementRoutes, fieldSyncRoutes, directDebitRoutes } from '../../../modules/collections/index.ts';
import { planRoutes, dunningRoutes } from '../../../modules/collections/index.ts';
import { rulesRoutes } from '../../../rules/index.ts';
import type { App } from '../app.ts';
import { healthRoutes, type BrokerStatus } from './health.ts';
import { meterRoutes } from './meters.ts';
import { feedRoutes } from './feed.ts';
import { readingRoutes } from './readings.ts';
import { loadSettings } from '../../../platform/config.ts';
import { mqttSettings } from '../../../collectors/mqtt/index.ts';
import { LiveFeed, FEED_STREAMS } from '../../live-feed.ts';
import { webRoutes } from '../static.ts';

export interface RouteDeps {
  pool: pg.Pool;
  throttle: LoginThrottle;
  sessionHours: number;
  cookieSecure: boolean;
  registry?: DeviceRegistry;
  pipeline?: IngestPipeline;
  broker?: () => BrokerStatus;
  /** The process's live feed; without one the route is served but nothing is ever announced on it. */
  feed?: LiveFeed;
}

export function registerRoutes(app: App, deps: RouteDeps): void {
  const { pool } = deps;
  accessRoutes(app, deps);
  healthRoutes(app, { pool, pipeline: deps.pipeline, broker: deps.broker ?? (() => ({ mode: 'none', connected: false })) });
  const registry = deps.registry ?? new DeviceRegistry(pool);
  meterRoutes(app, { pool, registry });
  const mqtt = loadSettings(mqttSettings); // one payload schema and one set of limits, whatever the transport
  readingRoutes(app, { registry, pipeline: deps.pipeline, limits: { maxBytes: mqtt.maxPayloadBytes, maxItems: mqtt.maxItems } });
  registryRoutes(app, { pool });
  subscriptionRoutes(app, { pool, registry: deps.registry ?? new DeviceRegistry(pool) });
  feedRoutes(app, { feed: deps.feed ?? new LiveFeed(FEED_STREAMS) });
  warehouseRoutes(app, { pool, registry });
  workOrderRoutes(app, { pool, meters: deps.registry ?? new DeviceRegistry(pool) });
  ledgerRoutes(app, { pool });
  billingRoutes(app, { pool });
  gasFactorRoutes(app, { pool });
  statementRoutes(app, { pool });
  fieldSyncRoutes(app, { pool });
  directDebitRoutes(app, { pool });
  planRoutes(app, { pool });
  dunningRoutes(app, { pool });
  bankRoutes(app, { pool });
  deskRoutes(app, { pool });
  rulesRoutes(app, { pool });
  webRoutes(app); // last: its `/*` answers screens the console routes in the browser
}
