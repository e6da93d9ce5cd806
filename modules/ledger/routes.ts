/**
 * HTTP routes of the current account. Reading needs `ledger.read`, issuing an invoice `ledger.invoice`. The ledger
 * holds no personal data (accounts are known by id and subscription id), so nothing here is masked.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { withTransaction } from '../../platform/db/pool.ts';
import { actorName, actorOf, audit } from '../access/index.ts';
import { aging } from './aging.ts';
import { ledgerConfig } from './entries.ts';
import { createInvoice, loadInvoice } from './invoices.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { openItems, statement } from './reads.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const ById = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export function ledgerRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  // Settings are read now, so a bad ABONE_LEDGER_* value stops the start-up with its message, not a later request.
  ledgerConfig();

  app.get(
    '/api/v1/accounts/:id/statement',
    {
      config: { permission: 'ledger.read' },
      schema: {
        summary: 'A current account\'s receivable movements between two business dates, with opening, running and closing balance',
        params: ById,
        querystring: z.object({ from: LocalDate.optional(), to: LocalDate.optional() }),
      },
    },
    async (req) => statement(pool, req.params.id, req.query),
  );

  app.get(
    '/api/v1/accounts/:id/open-items',
    { config: { permission: 'ledger.read' }, schema: { summary: 'Items with an open amount as of a date (default today), oldest due first', params: ById, querystring: z.object({ asOf: LocalDate.optional() }) } },
    async (req) => ({ items: await openItems(pool, req.params.id, req.query.asOf) }),
  );

  app.get(
    '/api/v1/accounts/:id/aging',
    { config: { permission: 'ledger.read' }, schema: { summary: 'Open amounts by days past due (current, 1-30, 31-60, 61-90, 90+) as of a date', params: ById, querystring: z.object({ asOf: LocalDate.optional() }) } },
    async (req) => aging(pool, req.params.id, req.query.asOf),
  );

  app.post(
    '/api/v1/accounts/:id/invoices',
    {
      config: { permission: 'ledger.invoice' },
      schema: { summary: 'One bulk invoice over every open accrual of the account that no invoice has taken yet', params: ById, body: z.object({ issueDate: LocalDate.optional() }).optional() },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const invoice = await withTransaction(pool, async (c) => {
        const inv = await createInvoice(c, req.params.id, { issueDate: req.body?.issueDate, actor: actorName(actor) });
        await audit(c, actor, { action: 'ledger.invoice.create', entity: 'invoice', entityId: inv.number, detail: { accountId: inv.accountId, total: inv.total, items: inv.items.length }, correlationId: req.id, ip: req.ip });
        return inv;
      });
      return reply.status(201).send(invoice);
    },
  );

  app.get(
    '/api/v1/invoices/:number/pdf',
    { config: { permission: 'ledger.read' }, schema: { summary: 'An invoice as PDF', params: z.object({ number: z.string().regex(/^[A-Z]{3}\d{10}$/, 'like ABN2026000001') }) } },
    async (req, reply) => {
      const pdf = await renderInvoicePdf(await loadInvoice(pool, req.params.number));
      return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${req.params.number}.pdf"`).send(pdf);
    },
  );
}
