/**
 * The bank and PTT channel API under /api/v1/bank/ (permission `collections.bank`), and the administrator's routes
 * that register a channel (permission `users.manage`: registering creates a user and issues its API token).
 * Every bank call finds its channel from the calling token's user; the body never names a source.
 * docs/collections.md ("Bank and PTT channel API") is the integration guide; docs/collections-bank-openapi.json the
 * generated contract.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { localDate } from '../../platform/calendar.ts';
import { AboneError } from '../../platform/errors.ts';
import { actorName, actorOf, audit } from '../access/index.ts';
import { BANK_CODE, channelOfActor, listBankChannels, registerBankChannel } from './bank-channels.ts';
import { bankCancel, bankDebt, bankPay, bankPaymentByReference } from './bank-payments.ts';
import { checkBankLines, MAX_LINES, reconcile } from './reconciliation.ts';
import { parseReconciliationCsv } from './reconciliation-csv.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Amount = z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'TRY as text with a point and at most two decimals, like "1024.67"');
const Reference = z.string().min(1).max(100).regex(/^[^\p{Cc}]*$/u, 'no control characters').describe("the bank's own reference for this payment, unique per bank");
const SubscriberNo = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'the subscriber number printed on the bill').describe('subscriber number (abone no)');

const DebtLineOut = z.object({
  itemId: z.number().int().describe('what to name in a payment'),
  kind: z.string().describe('accrual (a bill), fee, deposit, ...'),
  period: z.string().nullable(),
  dueDate: LocalDate,
  invoiceNumber: z.string().nullable(),
  open: Amount.describe('what is still unpaid of the item'),
  lateFee: Amount.describe('late payment surcharge (gecikme zammı) if paid in full today; 0.00 when not yet due'),
  payable: Amount.describe('open + lateFee: what paying this item today costs'),
});
const DebtOut = z.object({ subscriberNo: z.string(), asOf: LocalDate, items: z.array(DebtLineOut), totalOpen: Amount, totalLateFee: Amount, totalPayable: Amount });
const PaymentOut = z.object({
  paymentId: z.number().int(),
  reference: z.string(),
  subscriberNo: z.string(),
  amount: Amount,
  businessDate: LocalDate,
  settled: z.array(z.object({ itemId: z.number().int(), kind: z.string(), amount: Amount })).describe('what the money settled, each late fee before its bill'),
  lateFees: z.array(z.object({ itemId: z.number().int(), fromDate: LocalDate, toDate: LocalDate, principal: Amount, amount: Amount })),
  cancelled: z.object({ at: z.string(), reason: z.string() }).nullable(),
  replayed: z.boolean().describe('true when this reference had been paid before: this is that payment and nothing was written now'),
});
const Side = z.object({ count: z.number().int(), total: Amount });
const Party = z.object({ subscriberNo: z.string(), amount: Amount }).nullable();
const ReconciliationOut = z.object({
  date: LocalDate,
  source: z.string(),
  ours: Side.describe('our payments from the calling channel on the day, cancelled ones left out'),
  bank: Side,
  matched: Side,
  differences: z.array(
    z.object({
      kind: z.enum(['missing_here', 'missing_at_bank', 'amount_differs', 'subscriber_differs', 'cancelled_here']),
      reference: z.string(),
      paymentId: z.number().int().nullable(),
      ours: Party,
      bank: Party,
    }),
  ),
  cancelled: z.array(z.object({ reference: z.string(), paymentId: z.number().int(), subscriberNo: z.string(), amount: Amount })).describe('cancelled here and absent from the list too: agreement'),
  agreed: z.boolean(),
});
const ChannelOut = z.object({ code: z.string(), name: z.string(), userId: z.number().int(), username: z.string(), active: z.boolean(), source: z.string(), channel: z.enum(['bank', 'ptt']) });
const BANK_TAG = ['bank channel'];
/** Room for MAX_LINES payments of a reconciliation list, in JSON or CSV. */
const RECONCILIATION_BODY_LIMIT = 48 * 1024 * 1024;

export function bankRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const ctx = (req: FastifyRequest) => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });
  const channelOf = (req: FastifyRequest) => channelOfActor(pool, actorOf(req));

  app.post(
    '/api/v1/bank-channels',
    {
      config: { permission: 'users.manage' },
      schema: {
        summary: 'Register a bank (four-digit EFT code) or the PTT as a collection channel: creates its user (role bank_channel) and returns its API token once',
        body: z.object({ code: z.string().regex(BANK_CODE, "four digits like '0062', or 'PTT'"), name: z.string().min(1).max(100) }),
        response: { 201: z.object({ channel: ChannelOut, token: z.string().describe('the API token; shown only now') }) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const made = await registerBankChannel(pool, { code: req.body.code, name: req.body.name, actor: actorName(actor) });
      await audit(pool, actor, { action: 'collections.bank_channel.register', entity: 'bank_channel', entityId: made.channel.code, detail: { name: made.channel.name, userId: made.channel.userId }, correlationId: req.id, ip: req.ip });
      return reply.status(201).send(made);
    },
  );

  app.get(
    '/api/v1/bank-channels',
    { config: { permission: 'users.manage' }, schema: { summary: 'The registered bank and PTT channels', response: { 200: z.object({ channels: z.array(ChannelOut) }) } } },
    async () => ({ channels: await listBankChannels(pool) }),
  );

  app.get(
    '/api/v1/bank/subscribers/:subscriberNo/debt',
    {
      config: { permission: 'collections.bank' },
      schema: {
        tags: BANK_TAG,
        summary: 'Debt inquiry (borç sorgulama): the open items of a subscriber with amount, due date, late fee to today and what each costs today',
        params: z.object({ subscriberNo: SubscriberNo }),
        response: { 200: DebtOut },
      },
    },
    async (req) => {
      await channelOf(req);
      return bankDebt(pool, req.params.subscriberNo);
    },
  );

  app.post(
    '/api/v1/bank/payments',
    {
      config: { permission: 'collections.bank' },
      schema: {
        tags: BANK_TAG,
        summary: "Pay chosen items for exactly what they cost today, under the bank's own reference; the same reference again answers 200 with the same payment (replayed)",
        body: z.object({
          subscriberNo: SubscriberNo,
          reference: Reference,
          itemIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(500).describe('items of the debt inquiry, settled in this order'),
          amount: Amount.describe("the sum of the chosen items' payable from the debt inquiry"),
          businessDate: LocalDate.optional().describe('the day the bank received the money; today by default, at most 7 days back'),
        }),
        response: { 200: PaymentOut, 201: PaymentOut },
      },
    },
    async (req, reply) => {
      const channel = await channelOf(req);
      const payment = await bankPay(pool, channel, req.body, ctx(req));
      return reply.status(payment.replayed ? 200 : 201).send(payment);
    },
  );

  app.get(
    '/api/v1/bank/payments/:reference',
    {
      config: { permission: 'collections.bank' },
      schema: { tags: BANK_TAG, summary: "One of the calling bank's payments by its reference (did my call go through?)", params: z.object({ reference: Reference }), response: { 200: PaymentOut } },
    },
    async (req) => bankPaymentByReference(pool, await channelOf(req), req.params.reference),
  );

  app.post(
    '/api/v1/bank/cancellations',
    {
      config: { permission: 'collections.bank' },
      schema: {
        tags: BANK_TAG,
        summary: "Cancel one of the calling bank's own payments on the day it was taken; cancelling again answers with the cancelled payment",
        body: z.object({ reference: Reference, reason: z.string().min(1).max(500) }),
        response: { 200: PaymentOut },
      },
    },
    async (req) => bankCancel(pool, await channelOf(req), req.body, ctx(req)),
  );

  app.post(
    '/api/v1/bank/reconciliation',
    {
      config: { permission: 'collections.bank' },
      // A large bank's day is tens of thousands of payments: about 100 bytes each.
      bodyLimit: RECONCILIATION_BODY_LIMIT,
      schema: {
        tags: BANK_TAG,
        summary: "Daily reconciliation (mutabakat): the bank's payments of a day against ours, counts, totals and each difference. Reads only",
        body: z.object({
          date: LocalDate.describe('the business day reconciled'),
          payments: z.array(z.object({ reference: z.string(), subscriberNo: z.string(), amount: z.string() })).max(MAX_LINES),
        }),
        response: { 200: ReconciliationOut },
      },
    },
    async (req) => {
      const channel = await channelOf(req);
      return reconcile(pool, channel.source, checkDay(req.body.date), checkBankLines(req.body.payments));
    },
  );

  // Its own scope: the text/csv body parser serves this route only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: RECONCILIATION_BODY_LIMIT }, (_req, body, done) => done(null, body));
    (scope as App).post(
      '/api/v1/bank/reconciliation.csv',
      {
        config: { permission: 'collections.bank' },
        bodyLimit: RECONCILIATION_BODY_LIMIT,
        schema: {
          tags: BANK_TAG,
          summary: 'Daily reconciliation from a CSV file (Content-Type: text/csv; header reference,subscriber,amount,date). Same answer as the JSON form',
          consumes: ['text/csv'],
          querystring: z.object({ date: LocalDate.describe('the business day reconciled; every line carries it') }),
          response: { 200: ReconciliationOut },
        },
      },
      async (req) => {
        const channel = await channelOf(req);
        const date = checkDay(req.query.date);
        return reconcile(pool, channel.source, date, parseReconciliationCsv(req.body as string, date));
      },
    );
  });
}

/** A real calendar day, not after today. */
function checkDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date || date > localDate(Date.now())) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID', { line: 0, reason: `date ${date} is not a past or present calendar day` });
  }
  return date;
}

