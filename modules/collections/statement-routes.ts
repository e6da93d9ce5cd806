/**
 * HTTP routes for bank statements and the suspense queue (permission `collections.statements`, the back office).
 * A statement is posted as JSON with the file's text in `content`, or as the file itself (`/statements.camt053`,
 * `/statements.csv`); a CSV statement names its statement id and account IBAN beside it (a CAMT.053 file carries its own). Every import and every suspense resolution is audited in
 * the transaction that writes it; a replayed import wrote nothing and is not audited.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorName, actorOf, audit } from '../access/index.ts';
import { accountForSubscription } from '../ledger/index.ts';
import { parseCamt053 } from './camt053.ts';
import { parseCsvStatement } from './csv-statement.ts';
import { importStatement, listStatementImports, loadStatementImport, type StatementImport } from './statement-import.ts';
import type { ParsedStatement } from './statement-line.ts';
import { listSuspense, loadSuspense, matchSuspense, refundSuspense } from './suspense.ts';
import { suspenseView } from './iban-views.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const ById = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const StatementBody = z.object({
  format: z.enum(['camt053', 'csv']),
  content: z.string().min(1).max(10 * 1024 * 1024),
  statementId: z.string().max(60).optional(),
  accountIban: z.string().max(42).optional(),
});

export function statementRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;

  /** Each statement of the file in its own transaction, audited in it (a replay wrote nothing and is not audited). */
  const importAll = async (req: FastifyRequest, statements: ParsedStatement[]): Promise<StatementImport[]> => {
    const actor = actorOf(req);
    const imports = [];
    for (const st of statements) {
      imports.push(await importStatement(pool, st, actorName(actor), (c, r) =>
        audit(c, actor, { action: 'collections.statement.import', entity: 'statement', entityId: r.id, detail: { accountIban: r.accountIban, statementId: r.statementId, ...r.totals }, correlationId: req.id, ip: req.ip })));
    }
    return imports;
  };
  const answer = (reply: FastifyReply, imports: StatementImport[]) => reply.status(imports.every((i) => i.replayed) ? 200 : 201).send({ imports });

  app.post(
    '/api/v1/statements',
    {
      config: { permission: 'collections.statements' },
      bodyLimit: 12 * 1024 * 1024,
      schema: {
        summary: 'Import a bank statement (CAMT.053 or CSV): matched lines become wire payments, the rest waits in suspense; importing it again changes nothing',
        body: StatementBody,
      },
    },
    async (req, reply) => {
      const b = req.body;
      // Parsed before anything is written: a broken file is refused whole.
      const statements = b.format === 'camt053' ? parseCamt053(b.content) : [parseCsvStatement(b.content, { statementId: b.statementId ?? '', accountIban: b.accountIban ?? '' })];
      return answer(reply, await importAll(req, statements));
    },
  );

  // The same import with the bank's file as the request body, as it came: its own scope, so the XML and CSV body
  // parsers serve these two routes only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['application/xml', 'text/xml', 'text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 12 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    (scope as App).post(
      '/api/v1/statements.camt053',
      { config: { permission: 'collections.statements' }, bodyLimit: 12 * 1024 * 1024, schema: { summary: 'Import a CAMT.053 file sent as the body (Content-Type: application/xml)', consumes: ['application/xml'] } },
      async (req, reply) => answer(reply, await importAll(req, parseCamt053(typeof req.body === 'string' ? req.body : ''))),
    );
    (scope as App).post(
      '/api/v1/statements.csv',
      {
        config: { permission: 'collections.statements' },
        bodyLimit: 12 * 1024 * 1024,
        schema: { summary: 'Import a CSV statement sent as the body (Content-Type: text/csv); its id and account IBAN in the query', consumes: ['text/csv'], querystring: z.object({ statementId: z.string().max(60), accountIban: z.string().max(42) }) },
      },
      async (req, reply) => answer(reply, await importAll(req, [parseCsvStatement(typeof req.body === 'string' ? req.body : '', req.query)])),
    );
  });

  app.get(
    '/api/v1/statements',
    {
      config: { permission: 'collections.statements' },
      schema: {
        summary: 'Statement imports, latest first, a page at a time, each with its totals (matched, suspense, refused)',
        querystring: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      },
    },
    async (req) => {
      const items = await listStatementImports(pool, req.query);
      return { items, next: items.length === req.query.limit ? items[items.length - 1].id : null };
    },
  );

  app.get(
    '/api/v1/statements/:id',
    { config: { permission: 'collections.statements' }, schema: { summary: 'A statement import and what became of each line', params: ById } },
    async (req) => loadStatementImport(pool, req.params.id),
  );

  app.get(
    '/api/v1/suspense',
    {
      config: { permission: 'collections.statements' },
      schema: {
        summary: 'Statement lines waiting in suspense (open by default), oldest first',
        querystring: z.object({ status: z.enum(['open', 'resolved', 'all']).optional(), limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (req) => {
      const { total, items } = await listSuspense(pool, req.query);
      return { total, items: items.map(suspenseView) };
    },
  );

  app.get(
    '/api/v1/suspense/:id',
    { config: { permission: 'collections.statements' }, schema: { summary: 'One suspense item with its resolution', params: ById } },
    async (req) => suspenseView(await loadSuspense(pool, req.params.id)),
  );

  app.post(
    '/api/v1/suspense/:id/match',
    {
      config: { permission: 'collections.statements' },
      schema: { summary: 'Match a suspense item to a subscriber: a wire payment debiting suspense, dated on the booking date', params: ById, body: z.object({ subscriptionId: z.string().min(1).max(64), note: z.string().min(1).max(500) }) },
    },
    async (req) => {
      const actor = actorOf(req);
      const account = await accountForSubscription(pool, req.body.subscriptionId);
      return suspenseView(await matchSuspense(pool, { id: req.params.id, accountId: account.id, note: req.body.note, actor: actorName(actor) }, (c, item) =>
        audit(c, actor, { action: 'collections.suspense.match', entity: 'suspense', entityId: item.id, detail: { subscriptionId: req.body.subscriptionId, paymentId: item.resolution?.paymentId, amount: item.amount, note: req.body.note }, correlationId: req.id, ip: req.ip })));
    },
  );

  app.post(
    '/api/v1/suspense/:id/refund',
    {
      config: { permission: 'collections.statements' },
      schema: { summary: "Mark a suspense item for refund to the payer's IBAN (or the one given): suspense → bank", params: ById, body: z.object({ iban: z.string().max(42).optional(), note: z.string().min(1).max(500) }) },
    },
    async (req) => {
      const actor = actorOf(req);
      return suspenseView(await refundSuspense(pool, { id: req.params.id, iban: req.body.iban, note: req.body.note, actor: actorName(actor) }, (c, item) =>
        audit(c, actor, { action: 'collections.suspense.refund', entity: 'suspense', entityId: item.id, detail: { refundEntryId: item.resolution?.refundEntryId, refundIban: suspenseView(item).resolution?.refundIban, amount: item.amount, note: req.body.note }, correlationId: req.id, ip: req.ip })));
    },
  );
}
