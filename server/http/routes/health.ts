/** `/health` (database, broker, ingest lag) and `/metrics` (Prometheus text). */
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../app.ts';
import type { IngestPipeline } from '../../../headend/index.ts';

export interface BrokerStatus {
  mode: 'embedded' | 'external' | 'none';
  connected: boolean;
  port?: number;
  clients?: number;
}

export function healthRoutes(app: App, deps: { pool: pg.Pool; pipeline?: IngestPipeline; broker: () => BrokerStatus }): void {
  app.get(
    '/health',
    {
      config: { permission: 'public' }, // load balancers and monitoring ask without a login; it shows no personal data
      schema: {
        summary: 'Liveness and readiness: database, MQTT broker and ingest lag',
        response: {
          200: z.object({ status: z.enum(['ok', 'degraded', 'down']), database: z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() }), broker: z.any(), ingest: z.any() }),
          503: z.any(),
        },
      },
    },
    async (_req, reply) => {
      const started = Date.now();
      const database = await deps.pool
        .query('SELECT 1')
        .then(() => ({ ok: true, latencyMs: Date.now() - started }))
        .catch((err: Error) => ({ ok: false, error: err.message }));
      const broker = deps.broker();
      const m = deps.pipeline?.metrics;
      const ingest = m && {
        queueDepth: m.queueDepth,
        readingsWritten: m.readingsWritten,
        rejected: m.rejectedTotal(),
        lastCommitAt: m.lastCommitAt ? new Date(m.lastCommitAt).toISOString() : null,
        // How far the newest stored reading is behind the clock: hourly meters make ~1h normal.
        lagSeconds: m.lastReadingTs ? Math.round((Date.now() - m.lastReadingTs) / 1000) : null,
      };
      const brokerOk = broker.mode === 'none' || broker.connected;
      const status = !database.ok ? 'down' : brokerOk ? 'ok' : 'degraded';
      return reply.status(status === 'down' ? 503 : 200).send({ status, database, broker, ingest });
    },
  );

  app.get('/metrics', { config: { permission: 'public' }, schema: { summary: 'Prometheus metrics of ingest', produces: ['text/plain'] } }, async (_req, reply) => {
    const broker = deps.broker();
    const text = deps.pipeline?.metrics.toPrometheus({ abone_mqtt_connected_clients: broker.clients ?? 0, abone_pool_waiting: deps.pool.waitingCount }) ?? '';
    return reply.type('text/plain; version=0.0.4').send(text);
  });
}
