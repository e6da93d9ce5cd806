/**
 * HTTP routes for direct debit orders, due-date collection lists and result files (permission
 * `collections.direct_debit`, the back office that exchanges files with the banks). Every change is audited in its
 * own transaction. Payers' IBANs are shown masked; the list file for the bank carries them whole, and its download is
 * audited.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorName, actorOf, audit, type Actor } from '../access/index.ts';
import { activateOrder, approveOrder, cancelOrder, loadOrder, requestOrder, type DirectDebitOrder } from './direct-debit.ts';
import { listCollectionLists, listOrders } from './direct-debit-reads.ts';
import { buildCollectionList, importResults, loadCollectionList, type ResultLine } from './direct-debit-list.ts';
import { collectionListCsv, parseResultCsv } from './direct-debit-file.ts';
import { listView, orderView } from './iban-views.ts';
import { withTransaction } from '../../platform/db/pool.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const ById = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const Bank = z.string().regex(/^[0-9]{4,5}$/, "the bank's EFT code, 4 or 5 digits");
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const PERM = { permission: 'collections.direct_debit' as const };
const Before = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();
const Limit = z.coerce.number().int().min(1).max(200).default(50);
/** A page and the cursor of the next: there may be one while a full page came back. */
const paged = <T extends { id: number }>(items: T[], limit: number) => ({ items, next: items.length === limit ? items[items.length - 1].id : null });

export function directDebitRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const audited = (req: { id: string; ip: string }, actor: Actor, action: string) => (c: pg.PoolClient, o: DirectDebitOrder) =>
    audit(c, actor, { action: `collections.direct_debit.${action}`, entity: 'direct_debit_order', entityId: o.id, detail: { subscriptionId: o.subscriptionId, bank: o.bank, status: o.status }, correlationId: req.id, ip: req.ip });

  app.post(
    '/api/v1/direct-debit/orders',
    { config: PERM, schema: { summary: 'Request a direct debit order for a subscription with a bank (one bank at a time)', body: z.object({ subscriptionId: z.string().min(1).max(64), bank: Bank, payerIban: z.string().max(42) }) } },
    async (req, reply) => {
      const actor = actorOf(req);
      const order = await requestOrder(pool, { ...req.body, actor: actorName(actor) }, audited(req, actor, 'request'));
      return reply.status(201).send(orderView(order));
    },
  );

  app.get(
    '/api/v1/direct-debit/orders',
    {
      config: PERM,
      schema: {
        summary: "Direct debit orders, newest first, a page at a time: by status, or a subscription's (next: the page after, as before=)",
        querystring: z.object({ subscriptionId: z.string().min(1).max(64).optional(), status: z.enum(['requested', 'approved', 'active', 'cancelled']).optional(), before: Before, limit: Limit }),
      },
    },
    async (req) => paged((await listOrders(pool, req.query)).map(orderView), req.query.limit),
  );

  app.get('/api/v1/direct-debit/orders/:id', { config: PERM, schema: { summary: 'A direct debit order with its history', params: ById } }, async (req) => orderView(await loadOrder(pool, req.params.id)));

  app.post(
    '/api/v1/direct-debit/orders/:id/approve',
    { config: PERM, schema: { summary: 'Record the bank\'s approval of a requested order', params: ById, body: z.object({ bankReference: z.string().min(1).max(100).optional() }).optional() } },
    async (req) => {
      const actor = actorOf(req);
      return orderView(await approveOrder(pool, { id: req.params.id, bankReference: req.body?.bankReference, actor: actorName(actor) }, audited(req, actor, 'approve')));
    },
  );

  app.post(
    '/api/v1/direct-debit/orders/:id/activate',
    { config: PERM, schema: { summary: 'Activate an approved order: its items go into collection lists from now on', params: ById } },
    async (req) => {
      const actor = actorOf(req);
      return orderView(await activateOrder(pool, { id: req.params.id, actor: actorName(actor) }, audited(req, actor, 'activate')));
    },
  );

  app.post(
    '/api/v1/direct-debit/orders/:id/cancel',
    { config: PERM, schema: { summary: 'Cancel an order (by the subscriber or the bank); cancelling again changes nothing', params: ById, body: z.object({ reason: z.string().min(1).max(500) }) } },
    async (req) => {
      const actor = actorOf(req);
      return orderView(await cancelOrder(pool, { id: req.params.id, reason: req.body.reason, actor: actorName(actor) }, audited(req, actor, 'cancel')));
    },
  );

  app.post(
    '/api/v1/direct-debit/lists',
    { config: PERM, schema: { summary: "The due-date collection list for a bank and day: every active order's open items due that day (made once; asked again, the same list)", body: z.object({ bank: Bank, dueDate: LocalDate }) } },
    async (req, reply) => {
      const actor = actorOf(req);
      const list = await buildCollectionList(pool, { ...req.body, actor: actorName(actor) }, (c, l) =>
        audit(c, actor, { action: 'collections.direct_debit.list', entity: 'direct_debit_list', entityId: l.id, detail: { bank: l.bank, dueDate: l.dueDate, lines: l.lines.length, total: l.total }, correlationId: req.id, ip: req.ip }));
      return reply.status(list.replayed ? 200 : 201).send(listView(list));
    },
  );

  app.get(
    '/api/v1/direct-debit/lists',
    {
      config: PERM,
      schema: {
        summary: "Collection lists, newest first, a page at a time, each with what the bank's results brought so far (paid, failed, waiting)",
        querystring: z.object({ bank: Bank.optional(), before: Before, limit: Limit }),
      },
    },
    async (req) => paged(await listCollectionLists(pool, req.query), req.query.limit),
  );

  app.get('/api/v1/direct-debit/lists/:id', { config: PERM, schema: { summary: "A collection list with each line's result so far, who made it, and its totals", params: ById } }, async (req) => {
    const list = listView(await loadCollectionList(pool, req.params.id));
    const [summary] = await listCollectionLists(pool, { id: list.id, limit: 1 });
    return { ...list, actor: summary.actor, totals: summary.totals };
  });

  app.post(
    '/api/v1/direct-debit/lists/:id/results',
    {
      config: PERM,
      schema: {
        summary: "The bank's result file for a list: paid lines become direct debit payments, failed ones stay open for dunning; sending it again changes nothing",
        params: ById,
        body: z.object({
          bank: Bank.optional(),
          lines: z.array(z.object({ line: z.number().int().positive(), status: z.enum(['paid', 'failed']), reasonCode: z.string().max(20).optional(), reason: z.string().max(200).optional() })).min(1).max(50_000),
        }),
      },
    },
    async (req) => results(req, req.params.id, req.body.lines, req.body.bank),
  );

  app.get(
    '/api/v1/direct-debit/lists/:id/file.csv',
    { config: PERM, schema: { summary: 'The collection list as the CSV file the bank debits (line;reference;subscriber;iban;amount;due_date)', params: ById } },
    async (req, reply) => {
      const list = await loadCollectionList(pool, req.params.id);
      const actor = actorOf(req);
      await withTransaction(pool, (c) =>
        audit(c, actor, { action: 'collections.direct_debit.file', entity: 'direct_debit_list', entityId: list.id, detail: { bank: list.bank, dueDate: list.dueDate, lines: list.lines.length, total: list.total }, correlationId: req.id, ip: req.ip }));
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="dd-${list.bank}-${list.dueDate}-${list.id}.csv"`).send(collectionListCsv(list));
    },
  );

  // The bank's result file as it came (text/csv): its own scope, so the CSV body parser serves this route only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    (scope as App).post(
      '/api/v1/direct-debit/lists/:id/results.csv',
      { config: PERM, bodyLimit: 8 * 1024 * 1024, schema: { summary: "The bank's result file in CSV (line;status;reason_code;reason); same answer as the JSON form", consumes: ['text/csv'], params: ById, querystring: z.object({ bank: Bank.optional() }) } },
      async (req) => results(req, req.params.id, parseResultCsv(typeof req.body === 'string' ? req.body : ''), req.query.bank),
    );
  });

  /** Every line recorded now is audited in its chunk's transaction; unchanged and conflicting lines wrote nothing. */
  async function results(req: FastifyRequest, listId: number, lines: ResultLine[], bank: string | undefined) {
    const actor = actorOf(req);
    const answers = await importResults(pool, { listId, bank, lines, actor: actorName(actor) }, (c, a) =>
      audit(c, actor, { action: 'collections.direct_debit.result', entity: 'direct_debit_list', entityId: listId, detail: { line: a.line, outcome: a.outcome, paymentId: a.paymentId }, correlationId: req.id, ip: req.ip }));
    return { listId, lines: answers };
  }
}
