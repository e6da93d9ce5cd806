/**
 * HTTP routes of the cashier desk: debt inquiry, drawers, payments with receipts, cancellation by a supervisor, the
 * daily close. Taking money needs `collections.take`, seeing it `collections.read`, cancelling `collections.cancel`.
 * Every drawer opening and close, payment, cancellation and offset is audited in the same transaction as what it changes.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { AboneError } from '../../platform/errors.ts';
import { actorName, actorOf, audit, can, userIdOf } from '../access/index.ts';
import { accountForSubscription, lockAccount } from '../ledger/index.ts';
import { cancelPayment } from './cancel.ts';
import { applyWaitingCredit, markCreditWaiting } from './credits.ts';
import { debtInquiry } from './debt.ts';
import { takeDeskPayment, DESK_METHODS } from './desk.ts';
import { assignOffice, cashierOffices, officeOf } from './cashier-offices.ts';
import { closeDrawer, loadDrawer, openDrawer, openDrawerOf } from './drawers.ts';
import { dailyReport, drawerReport } from './drawer-report.ts';
import { loadPayment, PAYMENT_COLUMNS } from './payment-view.ts';
import { renderReceiptPdf } from './receipt-pdf.ts';
import { collectionsConfig } from './settings.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const ById = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const SubscriptionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a subscription (subscriber) number');
const Amount = z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'an amount in TRY as text, at most two decimals');
const Office = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'an office code');

export function deskRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  collectionsConfig(); // a bad ABONE_COLLECTIONS_* value stops the start-up, not a later request

  app.get(
    '/api/v1/collections/debt',
    {
      config: { permission: 'collections.read' },
      schema: { summary: 'Debt inquiry: open items with the late fee if paid on the date (default today), in settling order', querystring: z.object({ subscriptionId: SubscriptionId, asOf: LocalDate.optional() }) },
    },
    async (req) => {
      const account = await accountForSubscription(pool, req.query.subscriptionId);
      return { subscriptionId: req.query.subscriptionId, ...(await debtInquiry(pool, account.id, req.query.asOf ?? localDate(Date.now()))) };
    },
  );

  app.post(
    '/api/v1/collections/drawers',
    { config: { permission: 'collections.take' }, schema: { summary: 'Open your drawer with its float, at your assigned office (office may be left out) or, with none assigned, at the office named', body: z.object({ office: Office.optional(), openingFloat: Amount }) } },
    async (req, reply) => {
      const actor = actorOf(req);
      const drawer = await withTransaction(pool, async (c) => {
        const opened = await openDrawer(c, { office: req.body.office, cashier: actorName(actor), openingFloat: req.body.openingFloat });
        await audit(c, actor, { action: 'collections.drawer.open', entity: 'drawer', entityId: String(opened.id), detail: { office: opened.office, openingFloat: opened.openingFloat }, correlationId: req.id, ip: req.ip });
        return opened;
      });
      return reply.status(201).send(drawer);
    },
  );

  app.get(
    '/api/v1/collections/cashier-offices/me',
    { config: { permission: 'collections.take' }, schema: { summary: 'The office your drawer opens at (null: none assigned, any you name)' } },
    async (req) => {
      const cashier = actorName(actorOf(req));
      return { cashier, office: await officeOf(pool, cashier) };
    },
  );

  app.get(
    '/api/v1/collections/cashier-offices',
    { config: { permission: 'collections.offices' }, schema: { summary: 'Cashiers with their assigned offices' } },
    async () => ({ items: await cashierOffices(pool) }),
  );

  app.put(
    '/api/v1/collections/cashier-offices/:cashier',
    {
      config: { permission: 'collections.offices' },
      schema: { summary: 'Assign a cashier (a user) to the office where their drawer opens; audited', params: z.object({ cashier: z.string().min(1).max(200) }), body: z.object({ office: Office }) },
    },
    async (req) => {
      await userIdOf(pool, req.params.cashier);
      const actor = actorOf(req);
      return withTransaction(pool, async (c) => {
        const assigned = await assignOffice(c, { cashier: req.params.cashier, office: req.body.office, actor: actorName(actor) });
        await audit(c, actor, { action: 'collections.cashier.office', entity: 'user', entityId: req.params.cashier, detail: { office: assigned.office }, correlationId: req.id, ip: req.ip });
        return assigned;
      });
    },
  );

  app.get(
    '/api/v1/collections/drawers/current',
    { config: { permission: 'collections.take' }, schema: { summary: 'Your open drawer, if any' } },
    async (req) => {
      const drawer = await openDrawerOf(pool, actorName(actorOf(req)));
      if (!drawer) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND', { id: 'current' });
      return { ...drawer, report: await drawerReport(pool, drawer.id) };
    },
  );

  app.post(
    '/api/v1/collections/drawers/:id/close',
    { config: { permission: 'collections.take' }, schema: { summary: 'Count and close a drawer: your own, or any with collections.cancel (supervisor)', params: ById, body: z.object({ countedCash: Amount }) } },
    async (req) => {
      const actor = actorOf(req);
      return withTransaction(pool, async (c) => {
        const report = await closeDrawer(c, { drawerId: req.params.id, countedCash: req.body.countedCash, by: actorName(actor), anyCashier: can(actor, 'collections.cancel') });
        await audit(c, actor, { action: 'collections.drawer.close', entity: 'drawer', entityId: String(report.drawerId), detail: { expectedCash: report.expectedCash, countedCash: report.countedCash, difference: report.difference }, correlationId: req.id, ip: req.ip });
        return report;
      });
    },
  );

  app.get(
    '/api/v1/collections/drawers/:id/report',
    { config: { permission: 'collections.read' }, schema: { summary: 'A drawer\'s takings by method, cancellations, expected and counted cash', params: ById } },
    async (req) => {
      await loadDrawer(pool, req.params.id);
      return drawerReport(pool, req.params.id);
    },
  );

  app.get(
    '/api/v1/collections/reports/daily',
    { config: { permission: 'collections.read' }, schema: { summary: 'The daily close: every drawer of the day (of one office or all) and the totals by method', querystring: z.object({ date: LocalDate.optional(), office: Office.optional() }) } },
    async (req) => dailyReport(pool, req.query.date ?? localDate(Date.now()), req.query.office),
  );

  app.post(
    '/api/v1/collections/payments',
    {
      config: { permission: 'collections.take' },
      schema: {
        summary: 'Take a payment at the desk into your open drawer; the same clientReference again returns the first receipt',
        body: z.object({
          subscriptionId: SubscriptionId,
          amount: Amount,
          method: z.enum(DESK_METHODS),
          instalments: z.number().int().min(2).max(18).optional(),
          drawerId: z.number().int().positive(),
          clientReference: z.string().min(8).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and . _ : -'),
          itemIds: z.array(z.number().int().positive()).max(500).optional(),
        }),
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const payment = await withTransaction(pool, async (c) => {
        const taken = await takeDeskPayment(c, { ...req.body, cashier: actorName(actor) });
        if (!taken.replayed) {
          await audit(c, actor, { action: 'collections.payment.take', entity: 'payment', entityId: String(taken.id), detail: { subscriptionId: taken.subscriptionId, amount: taken.amount, method: taken.channel, receiptNo: taken.receiptNo }, correlationId: req.id, ip: req.ip });
        }
        return taken;
      });
      return reply.status(payment.replayed ? 200 : 201).send(payment);
    },
  );

  app.get(
    '/api/v1/collections/payments',
    {
      config: { permission: 'collections.read' },
      schema: {
        summary: 'A subscriber\'s payments, or a drawer\'s (for the supervisor\'s daily close), newest first, a page at a time',
        querystring: z
          .object({ subscriptionId: SubscriptionId.optional(), drawerId: ById.shape.id.optional(), before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
          .refine((q) => (q.subscriptionId === undefined) !== (q.drawerId === undefined), 'give a subscriptionId or a drawerId, one of the two'),
      },
    },
    async (req) => {
      const [column, key] = req.query.drawerId !== undefined ? ['p.drawer_id', req.query.drawerId] : ['p.subscription_id', req.query.subscriptionId];
      const { rows } = await pool.query(
        `SELECT ${PAYMENT_COLUMNS}, (x.payment_id IS NOT NULL) AS cancelled FROM collections_payment p LEFT JOIN collections_payment_cancellation x ON x.payment_id = p.id
         WHERE ${column} = $1 AND ($2::bigint IS NULL OR p.id < $2) ORDER BY p.id DESC LIMIT $3`,
        [key, req.query.before ?? null, req.query.limit],
      );
      return { payments: rows, next: rows.length === req.query.limit ? rows[rows.length - 1].id : null };
    },
  );

  app.get('/api/v1/collections/payments/:id', { config: { permission: 'collections.read' }, schema: { summary: 'A payment and what it settled', params: ById } }, async (req) => loadPayment(pool, req.params.id));

  app.get(
    '/api/v1/collections/payments/:id/receipt.pdf',
    { config: { permission: 'collections.read' }, schema: { summary: 'The payment\'s receipt as PDF', params: ById } },
    async (req, reply) => {
      const payment = await loadPayment(pool, req.params.id);
      const pdf = await renderReceiptPdf(payment);
      return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="makbuz-${payment.receiptNo ?? payment.id}.pdf"`).send(pdf);
    },
  );

  app.post(
    '/api/v1/collections/payments/:id/cancel',
    { config: { permission: 'collections.cancel' }, schema: { summary: 'Cancel a same-day desk payment (supervisor); the items open again', params: ById, body: z.object({ reason: z.string().min(3).max(500) }) } },
    async (req) => {
      const actor = actorOf(req);
      return withTransaction(pool, async (c) => {
        const before = await loadPayment(c, req.params.id);
        if (!before.source.startsWith('desk:')) throw new AboneError('ABONE_ERR_COLLECTIONS_CANCEL_REFUSED', { id: before.id, reason: `it came through ${before.source}; that channel cancels it` });
        const payment = await cancelPayment(c, { paymentId: req.params.id, reason: req.body.reason, actor: actorName(actor), sameDay: true });
        await audit(c, actor, { action: 'collections.payment.cancel', entity: 'payment', entityId: String(payment.id), detail: { amount: payment.amount, reason: req.body.reason, receiptNo: payment.receiptNo }, correlationId: req.id, ip: req.ip });
        return payment;
      });
    },
  );

  app.post(
    '/api/v1/collections/offsets',
    { config: { permission: 'collections.take' }, schema: { summary: 'Offset (mahsup): apply the subscriber\'s unallocated credit to open items now', body: z.object({ subscriptionId: SubscriptionId }) } },
    async (req) => {
      const actor = actorOf(req);
      return withTransaction(pool, async (c) => {
        const account = await accountForSubscription(c, req.body.subscriptionId);
        await lockAccount(c, account.id);
        await markCreditWaiting(c, account.id);
        const applied = await applyWaitingCredit(c, account.id, localDate(Date.now()));
        await audit(c, actor, { action: 'collections.offset', entity: 'account', entityId: String(account.id), detail: { subscriptionId: req.body.subscriptionId, applied: applied.toFixed(2) }, correlationId: req.id, ip: req.ip });
        return { subscriptionId: req.body.subscriptionId, applied: applied.toFixed(2) };
      });
    },
  );
}
