/**
 * HTTP routes of billing. Reading runs, accruals and tariffs needs `billing.read`; starting runs and deciding on
 * accruals (release, re-rate, reverse) `billing.run`; writing tariffs `tariffs.manage`. Every decision is audited.
 * Starting a run over HTTP also works it in this process unless `work: false` (then `abone bill-run` workers do).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorName, actorOf, audit } from '../access/index.ts';
import { contextLogger } from '../../platform/logger.ts';
import { addTariffVersion, createTariff, listTariffs, loadTariff } from './tariff-store.ts';
import { listRuns, runProgress, startRun } from './runs.ts';
import { runWorker } from './shard-worker.ts';
import { loadAccrual, outsortedAccruals } from './accrual-reads.ts';
import { releaseAccrual, rerateAccrual, reverseAndReaccrue } from './corrections.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const log = contextLogger('billing');
const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ById = z.object({ id: Id });
const Code = z.object({ code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/) });
const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
// Tariff documents are validated by billing-core (errors name the field); here only "an object".
const Document = z.record(z.string(), z.unknown());

export function billingRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const who = (req: FastifyRequest) => actorName(actorOf(req));
  const trail = (req: FastifyRequest, action: string, entity: string, entityId: string | number, detail?: Record<string, unknown>) =>
    audit(pool, actorOf(req), { action, entity, entityId, detail, correlationId: req.id, ip: req.ip });

  app.get('/api/v1/tariffs', { config: { permission: 'billing.read' }, schema: { summary: 'Stored tariffs: newest revision of each, with its versions\' dates' } }, async () => ({ items: await listTariffs(pool) }));

  app.get('/api/v1/tariffs/:code', { config: { permission: 'billing.read' }, schema: { summary: 'A tariff\'s newest revision, whole', params: Code } }, async (req) => loadTariff(pool, req.params.code));

  app.post('/api/v1/tariffs', { config: { permission: 'tariffs.manage' }, schema: { summary: 'Store a new tariff (billing-core\'s format, docs/tariffs.md)', body: Document } }, async (req, reply) => {
    const t = await createTariff(pool, req.body, who(req));
    await trail(req, 'tariff.create', 'tariff', t.code, { revision: t.revision });
    return reply.status(201).send(t);
  });

  app.post('/api/v1/tariffs/:code/versions', { config: { permission: 'tariffs.manage' }, schema: { summary: 'Add a version; the previous one ends on its first day', params: Code, body: Document } }, async (req, reply) => {
    const t = await addTariffVersion(pool, req.params.code, req.body, who(req));
    await trail(req, 'tariff.version', 'tariff', t.code, { revision: t.revision, from: (req.body as { from?: unknown }).from });
    return reply.status(201).send(t);
  });

  app.post(
    '/api/v1/bill-runs',
    { config: { permission: 'billing.run' }, schema: { summary: 'Start a bill run for a period (and region), or resume the one started before', body: z.object({ period: Period, region: z.string().min(1).max(64).optional(), work: z.boolean().default(true) }) } },
    async (req, reply) => {
      const { run, created } = await startRun(pool, { period: req.body.period, region: req.body.region ?? null, actor: who(req) });
      await trail(req, created ? 'billrun.start' : 'billrun.resume', 'bill_run', run.id, { period: run.period, region: run.region });
      if (req.body.work) runWorker(pool, run.id, { actor: who(req) }).catch((err) => log.error({ err: err.message, runId: run.id }, 'bill run worker failed; resume it with abone bill-run'));
      return reply.status(created ? 201 : 200).send(run);
    },
  );

  app.get('/api/v1/bill-runs', { config: { permission: 'billing.read' }, schema: { summary: 'Recent bill runs with their progress' } }, async () => ({ items: await listRuns(pool) }));

  app.get('/api/v1/bill-runs/:id', { config: { permission: 'billing.read' }, schema: { summary: 'A bill run\'s progress: shards done, bills, posted, outsorted, errors', params: ById } }, async (req) => runProgress(pool, req.params.id));

  app.get(
    '/api/v1/accruals/outsorted',
    { config: { permission: 'billing.read' }, schema: { summary: 'Bills held for review, oldest first', querystring: z.object({ period: Period.optional(), runId: Id.optional(), afterId: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }) } },
    async (req) => ({ items: await outsortedAccruals(pool, req.query) }),
  );

  app.get('/api/v1/accruals/:id', { config: { permission: 'billing.read' }, schema: { summary: 'An accrual with its bill lines', params: ById } }, async (req) => loadAccrual(pool, req.params.id));

  app.post('/api/v1/accruals/:id/release', { config: { permission: 'billing.run' }, schema: { summary: 'Post an outsorted bill as rated', params: ById } }, async (req) => {
    const a = await releaseAccrual(pool, req.params.id, who(req));
    await trail(req, 'accrual.release', 'accrual', a.id, { gross: a.gross });
    return a;
  });

  app.post('/api/v1/accruals/:id/rerate', { config: { permission: 'billing.run' }, schema: { summary: 'Replace an outsorted bill by one rated from today\'s data', params: ById } }, async (req) => {
    const a = await rerateAccrual(pool, req.params.id, who(req));
    await trail(req, 'accrual.rerate', 'accrual', req.params.id, { by: a.id, state: a.state });
    return a;
  });

  app.post(
    '/api/v1/accruals/:id/reverse',
    { config: { permission: 'billing.run' }, schema: { summary: 'Reverse a posted accrual in the ledger and accrue the period again', params: ById, body: z.object({ reason: z.string().min(1).max(200).regex(/^[^\u0000-\u001f]+$/, 'no control characters').optional() }).optional() } },
    async (req) => {
      const r = await reverseAndReaccrue(pool, req.params.id, who(req), req.body?.reason);
      await trail(req, 'accrual.reverse', 'accrual', req.params.id, { by: r.accrual.id, reason: req.body?.reason });
      return r;
    },
  );
}
