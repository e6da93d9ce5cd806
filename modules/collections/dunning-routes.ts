/**
 * HTTP routes of dunning: a run by hand (the workers run it daily; docs/collections.md "Dunning"), under
 * `collections.plans` and audited, and the notices of a day for the letters and messages to send.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorName, actorOf, audit } from '../access/index.ts';
import { runDunning } from './dunning.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export function dunningRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;

  app.post(
    '/api/v1/collections/dunning-runs',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Give every overdue case the dunning step it is due for on a day, and call back disconnections whose debt was paid (idempotent)', body: z.object({ asOf: LocalDate }) } },
    async (req) => {
      const report = await runDunning(pool, { asOf: req.body.asOf, actor: actorName(actorOf(req)) });
      await audit(pool, actorOf(req), { action: 'collections.dunning_run', entity: 'dunning_run', entityId: report.asOf, detail: { ...report }, correlationId: req.id, ip: req.ip });
      return report;
    },
  );

  app.get(
    '/api/v1/collections/dunning-notices',
    {
      config: { permission: 'collections.read' },
      schema: { summary: 'The dunning notices issued on a day, oldest debt first: what to print or send', querystring: z.object({ asOf: LocalDate, step: z.string().regex(/^[a-z_]{1,32}$/).optional() }) },
    },
    async (req) => {
      const { rows } = await pool.query(
        `SELECT n.id::int, a.subscription_id AS "subscriptionId", n.step, s.label, s.action, to_char(n.oldest_due_date, 'YYYY-MM-DD') AS "oldestDueDate",
                n.overdue_amount::text AS "overdueAmount", n.items::int[] AS "itemIds", n.work_order_id::int AS "workOrderId"
         FROM collections_dunning_notice n JOIN collections_dunning_step s ON s.code = n.step JOIN ledger_account a ON a.id = n.account_id
         WHERE n.as_of = $1 AND ($2::text IS NULL OR n.step = $2) ORDER BY n.oldest_due_date, n.id`,
        [req.query.asOf, req.query.step ?? null],
      );
      return { asOf: req.query.asOf, notices: rows };
    },
  );
}
