/**
 * HTTP routes of instalment plans, fixed payment plans, security deposits and the period-end late-fee run: the back
 * office's work, under `collections.plans` (reading a plan or a deposit needs `collections.read`). Every change is
 * audited in the same transaction as what it writes. Instalments themselves are paid through any channel, naming the
 * plan's items (`takePayment` with `itemIds`, or `payInstalment`).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { actorName, actorOf, audit } from '../access/index.ts';
import { accountForSubscription } from '../ledger/index.ts';
import { createInstalmentPlan, loadInstalmentPlan } from './instalment.ts';
import { cancelInstalmentPlan, reviewInstalmentPlans } from './instalment-lifecycle.ts';
import { cancelFixedPlan, createFixedPlan, loadFixedPlan, trueUpFixedPlan } from './fixed-plan.ts';
import { demandDeposit, grantDepositExemption, loadDeposit, setDepositRate } from './deposit.ts';
import { carryDeposit, closeDeposit } from './deposit-settlement.ts';
import { runPeriodEndLateFees } from './late-fee-run.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ById = z.object({ id: Id });
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const SubscriptionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a subscription (subscriber) number');
const Amount = z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'an amount in TRY as text, at most two decimals');
const Reason = z.string().min(1).max(500);

export function planRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;

  /** Runs a change and its audit row in one transaction. */
  const audited = <T>(req: FastifyRequest, action: string, entity: string, work: (c: pg.PoolClient, actor: string) => Promise<T>, describe: (r: T) => { id: string; detail: Record<string, unknown> }) => {
    const actor = actorOf(req);
    return withTransaction(pool, async (c) => {
      const result = await work(c, actorName(actor));
      const { id, detail } = describe(result);
      await audit(c, actor, { action, entity, entityId: id, detail, correlationId: req.id, ip: req.ip });
      return result;
    });
  };

  app.post(
    '/api/v1/collections/instalment-plans',
    {
      config: { permission: 'collections.plans' },
      schema: {
        summary: 'An instalment plan over chosen open items of a subscription: normal, or enforcement (icra) with its file number',
        body: z.object({
          subscriptionId: SubscriptionId,
          itemIds: z.array(Id).min(1).max(500),
          instalments: z.number().int().min(1).max(36),
          firstDueDate: LocalDate,
          kind: z.enum(['normal', 'enforcement']).optional(),
          enforcementFile: z.string().max(40).optional(),
          missLimit: z.number().int().min(1).max(36).optional(),
          graceDays: z.number().int().min(0).max(90).optional(),
        }),
      },
    },
    async (req, reply) => {
      const { subscriptionId, ...plan } = req.body;
      const account = await accountForSubscription(pool, subscriptionId);
      const created = await audited(req, 'collections.instalment_plan.create', 'instalment_plan', (c, actor) => createInstalmentPlan(c, { ...plan, accountId: account.id, actor }), (p) => ({
        id: String(p.id), detail: { subscriptionId, kind: p.kind, enforcementFile: p.enforcementFile, total: p.total, instalments: p.instalments.length, items: p.items.map((i) => i.itemId) },
      }));
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/collections/instalment-plans/:id',
    { config: { permission: 'collections.read' }, schema: { summary: 'An instalment plan with each instalment\'s state as of a date (default today)', params: ById, querystring: z.object({ asOf: LocalDate.optional() }) } },
    async (req) => loadInstalmentPlan(pool, req.params.id, req.query.asOf),
  );

  app.post(
    '/api/v1/collections/instalment-plans/:id/cancel',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Cancel an active plan: its items return to normal terms, late fees from their original due dates', params: ById, body: z.object({ reason: Reason }) } },
    async (req) => audited(req, 'collections.instalment_plan.cancel', 'instalment_plan', (c, actor) => cancelInstalmentPlan(c, { planId: req.params.id, reason: req.body.reason, actor }), (p) => ({ id: String(p.id), detail: { reason: req.body.reason, remaining: p.remaining } })),
  );

  app.post(
    '/api/v1/collections/instalment-plans/review',
    { config: { permission: 'collections.plans' }, schema: { summary: 'End every active plan that is paid (completed) or missed too many instalments (defaulted) as of a date', body: z.object({ asOf: LocalDate.optional() }).optional() } },
    async (req) => {
      const asOf = req.body?.asOf ?? localDate(Date.now());
      const ended = await reviewInstalmentPlans(pool, asOf, { actor: actorName(actorOf(req)) });
      if (ended.length) await audit(pool, actorOf(req), { action: 'collections.instalment_plan.review', entity: 'instalment_plan', entityId: asOf, detail: { ended }, correlationId: req.id, ip: req.ip });
      return { asOf, ended };
    },
  );

  app.post(
    '/api/v1/collections/fixed-plans',
    {
      config: { permission: 'collections.plans' },
      schema: { summary: 'A fixed payment plan (sabit ödeme) for a plan year, its monthly amount from the last 12 months\' accruals unless given', body: z.object({ subscriptionId: SubscriptionId, yearStart: LocalDate, monthlyAmount: Amount.optional() }) },
    },
    async (req, reply) => {
      const account = await accountForSubscription(pool, req.body.subscriptionId);
      const plan = await audited(req, 'collections.fixed_plan.create', 'fixed_plan', (c, actor) => createFixedPlan(c, { accountId: account.id, yearStart: req.body.yearStart, monthlyAmount: req.body.monthlyAmount, actor }), (p) => ({
        id: String(p.id), detail: { subscriptionId: req.body.subscriptionId, yearStart: p.yearStart, monthlyAmount: p.monthlyAmount, historyMonths: p.historyMonths },
      }));
      return reply.status(201).send(plan);
    },
  );

  app.get(
    '/api/v1/collections/fixed-plans/:id',
    { config: { permission: 'collections.read' }, schema: { summary: 'A fixed payment plan with its schedule, the year so far as of a date (default today) and, once ended, its true-up', params: ById, querystring: z.object({ asOf: LocalDate.optional() }) } },
    async (req) => loadFixedPlan(pool, req.params.id, req.query.asOf),
  );

  app.post(
    '/api/v1/collections/fixed-plans/:id/true-up',
    { config: { permission: 'collections.plans' }, schema: { summary: 'The year-end true-up: accrued − paid, due after dueDays (default 15)', params: ById, body: z.object({ onDate: LocalDate.optional(), dueDays: z.number().int().min(0).max(90).optional() }).optional() } },
    async (req) => audited(req, 'collections.fixed_plan.true_up', 'fixed_plan', (c, actor) => trueUpFixedPlan(c, { planId: req.params.id, onDate: req.body?.onDate, dueDays: req.body?.dueDays, actor }), (t) => ({ id: String(t.planId), detail: { ...t } })),
  );

  app.post(
    '/api/v1/collections/fixed-plans/:id/cancel',
    { config: { permission: 'collections.plans' }, schema: { summary: 'End a fixed payment plan before its true-up: the year\'s bills return to their own due dates', params: ById, body: z.object({ onDate: LocalDate.optional() }).optional() } },
    async (req) => audited(req, 'collections.fixed_plan.cancel', 'fixed_plan', (c, actor) => cancelFixedPlan(c, { planId: req.params.id, onDate: req.body?.onDate, actor }), (t) => ({ id: String(t.planId), detail: { ...t } })),
  );

  app.put(
    '/api/v1/collections/deposit-rates',
    {
      config: { permission: 'collections.plans' },
      schema: { summary: 'Set the security deposit amount for a subscriber class and commodity from a date (configuration)', body: z.object({ class: z.string(), commodity: z.string(), effectiveFrom: LocalDate, amount: Amount, note: z.string() }) },
    },
    async (req) => {
      await audited(req, 'collections.deposit_rate.set', 'deposit_rate', (c) => setDepositRate(c, req.body), () => ({ id: `${req.body.class}/${req.body.commodity}/${req.body.effectiveFrom}`, detail: { amount: req.body.amount, note: req.body.note } }));
      return { ...req.body };
    },
  );

  app.post(
    '/api/v1/collections/deposit-exemptions',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Grant a party a deposit exemption (martyr_relative, veteran, …) on evidence', body: z.object({ partyId: Id, classCode: z.string(), evidence: z.string() }) } },
    async (req, reply) => {
      await audited(req, 'collections.deposit_exemption.grant', 'party', (c, actor) => grantDepositExemption(c, { ...req.body, actor }), () => ({ id: String(req.body.partyId), detail: { classCode: req.body.classCode, evidence: req.body.evidence } }));
      return reply.status(201).send({ ...req.body });
    },
  );

  app.post(
    '/api/v1/collections/deposits',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Demand a subscription\'s security deposit in 1 to 6 interest-free instalments', body: z.object({ subscriptionId: SubscriptionId, instalments: z.number().int().min(1).max(6).optional(), firstDueDate: LocalDate.optional() }) } },
    async (req, reply) => {
      const d = await audited(req, 'collections.deposit.demand', 'deposit', (c, actor) => demandDeposit(c, { ...req.body, actor }), (x) => ({ id: String(x.id), detail: { subscriptionId: x.subscriptionId, amount: x.amount, instalments: x.instalments } }));
      return reply.status(201).send(d);
    },
  );

  app.get(
    '/api/v1/collections/deposits/:id',
    { config: { permission: 'collections.read' }, schema: { summary: 'A security deposit: its instalments, what it holds, how it ended', params: ById } },
    async (req) => loadDeposit(pool, req.params.id),
  );

  app.post(
    '/api/v1/collections/deposits/carry',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Carry a deposit to the same party\'s new subscription in the same il/ilçe (a move)', body: z.object({ fromSubscriptionId: SubscriptionId, toSubscriptionId: SubscriptionId }) } },
    async (req) => audited(req, 'collections.deposit.carry', 'deposit', (c, actor) => carryDeposit(c, { ...req.body, actor }), (x) => ({ id: String(x.id), detail: { ...req.body, carriedFrom: x.carriedFrom, carriedAmount: x.carriedAmount } })),
  );

  app.post(
    '/api/v1/collections/deposits/close',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Close an ended subscription\'s deposit: offset against its debt, refund the rest', body: z.object({ subscriptionId: SubscriptionId }) } },
    async (req) => audited(req, 'collections.deposit.close', 'deposit', (c, actor) => closeDeposit(c, { subscriptionId: req.body.subscriptionId, actor }), (x) => ({ id: String(x.id), detail: { subscriptionId: x.subscriptionId, ...x.ended } })),
  );

  app.post(
    '/api/v1/collections/late-fee-runs',
    { config: { permission: 'collections.plans' }, schema: { summary: 'Post the late fee on every overdue open accrual through a period end (idempotent per item and period end)', body: z.object({ periodEnd: LocalDate }) } },
    async (req) => {
      const report = await runPeriodEndLateFees(pool, { periodEnd: req.body.periodEnd, actor: actorName(actorOf(req)) });
      await audit(pool, actorOf(req), { action: 'collections.late_fee_run', entity: 'late_fee_run', entityId: report.periodEnd, detail: { ...report }, correlationId: req.id, ip: req.ip });
      return report;
    },
  );
}
