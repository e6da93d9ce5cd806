/**
 * Taking a file's payments (a bank statement, a direct debit result file, a PTT daily file) in the caller's one
 * transaction, with the result of calling takePayment for each in order, in a fixed number of round trips instead of
 * about ten per payment:
 * - every input is checked first: one bad input refuses the batch before anything is read or written;
 * - the accounts are locked in one statement, ascending (deadlock-free beside any other ascending locker);
 * - one read finds earlier payments under the batch's (source, reference) pairs and the accounts with waiting credit;
 *   a pair repeated inside the batch is a replay of its first occurrence, as it would be one payment at a time;
 * - one read gives every account's open items, one the fees already charged, one per payment date the plan holds;
 *   each payment is then planned in memory (settlement-plan.ts) against what the earlier ones left open;
 * - the payment entries and the late-fee entries go through the ledger's bulk posting, the allocations in one bulk
 *   insert (the ledger checks its limits again), the payment rows and late-fee rows in one statement each.
 * Payments that would first apply waiting credit (the account has some, or an earlier payment of the batch left
 * some), and payments dated after today (their open items are read as of their own date), go through takePayment
 * after the rest, in input order: the same path, so the same result, for the few that need it.
 * Refusals come before any write, except one: a payment's ledger key already taken without a payment row (reused by
 * hand) is found by the bulk posting itself. On any error the caller rolls its transaction back, as for takePayment.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { allocateBulk, lockAccounts, openItemsOf, postEntries, type Account, type OpenItem, type Settlement } from '../ledger/index.ts';
import { orderItems } from './allocation-rules.ts';
import { collectionsConfig } from './settings.ts';
import { loadRates, lastFeeThrough } from './late-fee-store.ts';
import { planSettlement, spentBy, type SettleStep } from './settlement-plan.ts';
import { feeStart, lateFeeHoldsMany, type Holds } from './instalment-shield.ts';
import { checkPaymentInput, type PaymentInput } from './payment-input.ts';
import { lateFeeEntry, paymentEntry, takenPayment, type CheckedPayment } from './payment-entries.ts';
import { loadPayment, type Payment } from './payment-view.ts';
import { takePayment } from './payments.ts';

/** How each input is taken: planned here, a replay of a payment stored before or of an earlier input, or by takePayment. */
type Way = { by: 'batch' } | { by: 'stored'; paymentId: number } | { by: 'earlier'; index: number } | { by: 'single' };

interface Planned {
  index: number;
  input: CheckedPayment;
  steps: SettleStep[];
  kinds: Map<number, string>;
  leftover: boolean;
}

const keyOf = (p: { source: string; reference: string }) => `${p.source}\u0000${p.reference}`;

export async function takePayments(c: pg.PoolClient, inputs: PaymentInput[]): Promise<Payment[]> {
  const checked = inputs.map(checkPaymentInput);
  if (!checked.length) return [];
  const accounts = new Map((await lockAccounts(c, checked.map((i) => i.accountId))).map((a) => [a.id, a]));
  const { stored, waiting } = await readState(c, checked);
  const today = localDate(Date.now());

  // A (source, reference) pair is one payment, whoever sent it first; on another account it is refused, before any
  // write (takePayment would refuse it in its turn, and the caller's transaction with it).
  const firstOf = new Map<string, number>();
  const ways: Way[] = checked.map((input, i) => {
    const key = keyOf(input);
    const first = firstOf.get(key);
    const before = stored.get(key);
    if (first === undefined) firstOf.set(key, i);
    const owner = before?.accountId ?? (first !== undefined ? checked[first].accountId : undefined);
    if (owner !== undefined && owner !== input.accountId) throw new AboneError('ABONE_ERR_COLLECTIONS_REFERENCE_REUSED', { source: input.source, reference: input.reference });
    if (before) return { by: 'stored', paymentId: before.id };
    if (first !== undefined) return { by: 'earlier', index: first };
    return { by: 'batch' };
  });

  const planned = await plan(c, checked, ways, new Set(waiting), today);
  const views: Payment[] = new Array(checked.length);
  // A stored payment is answered as it stands before this batch writes: only applying waiting credit changes it,
  // and that happens on slow accounts only, whose replays takePayment answers in their turn.
  for (const [i, way] of ways.entries()) if (way.by === 'stored') views[i] = { ...(await loadPayment(c, way.paymentId)), replayed: true };
  for (const p of await write(c, planned, accounts)) views[p.index] = p.view;
  for (const [i, way] of ways.entries()) if (way.by === 'earlier') views[i] = { ...views[way.index], replayed: true };
  for (const [i, way] of ways.entries()) if (way.by === 'single') views[i] = await takePayment(c, checked[i]);
  return views;
}

/** Earlier payments under the batch's (source, reference) pairs, and the accounts with credit waiting: one round trip. */
async function readState(c: pg.PoolClient, inputs: CheckedPayment[]) {
  const { rows: [r] } = await c.query<{ stored: Array<{ id: number; accountId: number; source: string; reference: string }>; waiting: number[] }>(
    `SELECT (SELECT coalesce(json_agg(json_build_object('id', p.id, 'accountId', p.account_id, 'source', p.source, 'reference', p.reference)), '[]')
               FROM unnest($1::text[], $2::text[]) AS x(source, reference) JOIN collections_payment p ON p.source = x.source AND p.reference = x.reference) AS stored,
            (SELECT coalesce(array_agg(account_id::int), '{}') FROM collections_credit_waiting WHERE account_id = ANY($3::bigint[])) AS waiting`,
    [inputs.map((i) => i.source), inputs.map((i) => i.reference), [...new Set(inputs.map((i) => i.accountId))]],
  );
  return { stored: new Map(r.stored.map((p) => [keyOf(p), p])), waiting: r.waiting };
}

/**
 * Plans the batch's own payments in input order, each against the items the earlier ones left open, as takePayment
 * would read them. An account is "slow" from its first payment that takePayment must take on (credit waiting on it,
 * or left by an earlier payment of the batch, or a date after today), so its payments keep their order: the planned
 * ones are written first, then takePayment takes the rest, replays included. Marks those `single` in `ways`.
 */
async function plan(c: pg.PoolClient, inputs: CheckedPayment[], ways: Way[], slow: Set<number>, today: string): Promise<Planned[]> {
  const candidates = inputs.filter((input, i) => ways[i].by === 'batch' && !slow.has(input.accountId) && input.businessDate <= today);
  const open = await openItemsOf(c, [...new Set(candidates.map((input) => input.accountId))], today);
  // Items overdue on the latest payment date of their account: their fees charged so far and their plans' holds.
  const latest = new Map<number, string>();
  for (const input of candidates) if ((latest.get(input.accountId) ?? '') < input.businessDate) latest.set(input.accountId, input.businessDate);
  const overdue = [...open].flatMap(([accountId, items]) => items.filter((i) => i.kind === 'accrual' && i.dueDate < latest.get(accountId)!).map((i) => ({ ...i, accountId })));
  const rates = overdue.length ? await loadRates(c) : [];
  const through = overdue.length ? await lastFeeThrough(c, overdue.map((i) => i.id)) : new Map<number, string>();
  // A plan's hold depends on the day asked: one read per payment date in the batch (a file usually has one or a few).
  const holdsOn = new Map<string, Holds>();
  for (const date of new Set(candidates.map((input) => input.businessDate))) {
    holdsOn.set(date, await lateFeeHoldsMany(c, overdue.filter((i) => i.dueDate < date), date));
  }

  const order = collectionsConfig().allocationOrder;
  const planned: Planned[] = [];
  for (const [index, input] of inputs.entries()) {
    const { accountId, businessDate } = input;
    if (slow.has(accountId) || businessDate > today) {
      ways[index] = { by: 'single' };
      slow.add(accountId);
      continue;
    }
    if (ways[index].by !== 'batch') continue;
    const items = orderItems(open.get(accountId) ?? [], order, input.itemIds);
    if (input.itemIds?.some((id) => !items.some((i) => i.id === id))) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN', { items: input.itemIds.join(','), accountId });
    }
    const holds = holdsOn.get(businessDate)!;
    const steps = planSettlement(new Money(input.amount), items, businessDate, rates, (item) => feeStart(item, through, holds));
    const leftover = spentBy(steps).lessThan(input.amount);
    planned.push({ index, input, steps, kinds: new Map(items.map((i) => [i.id, i.kind])), leftover });
    open.set(accountId, settle(items, steps));
    if (leftover) slow.add(accountId);
  }
  return planned;
}

/** What is left open after the steps: principal settled off each item; a late fee is settled whole as it is posted. */
function settle(items: OpenItem[], steps: SettleStep[]): OpenItem[] {
  const paid = new Map(steps.map((s) => [s.itemId, s.principal]));
  return items
    .map((i) => (paid.has(i.id) ? { ...i, open: new Money(i.open).minus(paid.get(i.id)!).toFixed(2) } : i))
    .filter((i) => new Money(i.open).greaterThan(0));
}

/** Writes the planned payments in a fixed number of statements; returns each one's view. */
async function write(c: pg.PoolClient, planned: Planned[], accounts: Map<number, Account>): Promise<Array<{ index: number; view: Payment }>> {
  if (!planned.length) return [];
  const payEntries = planned.map((p) => paymentEntry(p.input));
  const entries = await postEntries(c, payEntries);
  // The replay check above ran under the same locks, so a taken ledger key here is a key reused by hand or by
  // another account's payment: takePayment refuses it the same way.
  const entryIds = new Map(planned.map((p, k) => {
    const posted = entries.get(payEntries[k].idempotencyKey)!;
    if (posted.replayed) throw new AboneError('ABONE_ERR_COLLECTIONS_REFERENCE_REUSED', { source: p.input.source, reference: p.input.reference });
    return [p, posted.entryId];
  }));
  const entryOf = (p: Planned) => entryIds.get(p)!;

  const fees = planned.flatMap((p) =>
    p.steps
      .filter((s) => s.fee.greaterThan(0))
      .map((s) => ({ p, step: s, entry: lateFeeEntry({ accountId: p.input.accountId, businessDate: p.input.businessDate, entryId: entryOf(p), itemId: s.itemId, from: s.feeFrom, fee: s.fee, actor: p.input.actor }) })),
  );
  const feePosted = await postEntries(c, fees.map((f) => f.entry));

  const { rows: paid } = await c.query<{ id: number; source: string; reference: string; takenAt: Date }>(
    `INSERT INTO collections_payment (account_id, subscription_id, channel, source, reference, amount, business_date, entry_id, drawer_id, instalments, receipt_no, payer_note, actor)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::date[], $8::bigint[], $9::bigint[], $10::smallint[], $11::text[], $12::text[], $13::text[])
     RETURNING id, source, reference, taken_at AS "takenAt"`,
    [
      planned.map((p) => p.input.accountId), planned.map((p) => accounts.get(p.input.accountId)!.subscriptionId), planned.map((p) => p.input.channel),
      planned.map((p) => p.input.source), planned.map((p) => p.input.reference), planned.map((p) => p.input.amount), planned.map((p) => p.input.businessDate),
      planned.map(entryOf), planned.map((p) => p.input.drawerId ?? null), planned.map((p) => p.input.instalments ?? null), planned.map((p) => p.input.receiptNo ?? null),
      planned.map((p) => p.input.payerNote ?? null), planned.map((p) => p.input.actor),
    ],
  );
  const rowOf = new Map(paid.map((r) => [keyOf(r), r]));

  if (fees.length) {
    await c.query(
      `INSERT INTO collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id)
       SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::date[], $4::date[], $5::numeric[], $6::bigint[], $7::bigint[])`,
      [
        fees.map((f) => f.step.itemId), fees.map((f) => f.step.principal.toFixed(2)), fees.map((f) => f.step.feeFrom), fees.map((f) => f.p.input.businessDate),
        fees.map((f) => f.step.fee.toFixed(2)), fees.map((f) => feePosted.get(f.entry.idempotencyKey)!.entryId), fees.map((f) => rowOf.get(keyOf(f.p.input))!.id),
      ],
    );
  }

  // Each payment's settlements in takePayment's order: an item's late fee (its fee item) just before its principal.
  const feeItem = new Map(fees.map((f) => [`${f.p.index}:${f.step.itemId}`, feePosted.get(f.entry.idempotencyKey)!.itemId!]));
  const out = planned.map((p) => {
    const settlements: Settlement[] = [];
    const lateFees: Payment['lateFees'] = [];
    for (const step of p.steps) {
      if (step.fee.greaterThan(0)) {
        settlements.push({ itemId: feeItem.get(`${p.index}:${step.itemId}`)!, amount: step.fee.toFixed(2) });
        lateFees.push({ itemId: step.itemId, fromDate: step.feeFrom, toDate: p.input.businessDate, principal: step.principal.toFixed(2), amount: step.fee.toFixed(2) });
      }
      if (step.principal.greaterThan(0)) settlements.push({ itemId: step.itemId, amount: step.principal.toFixed(2) });
    }
    const row = rowOf.get(keyOf(p.input))!;
    const view = takenPayment(p.input, { id: row.id, subscriptionId: accounts.get(p.input.accountId)!.subscriptionId, entryId: entryOf(p), takenAt: row.takenAt, settlements, kinds: p.kinds, lateFees });
    return { p, settlements, view };
  });
  await allocateBulk(c, out.map(({ p, settlements }) => ({ accountId: p.input.accountId, sourceEntryId: entryOf(p), onDate: p.input.businessDate, settlements })));

  const credit = [...new Set(planned.filter((p) => p.leftover).map((p) => p.input.accountId))];
  if (credit.length) await c.query('INSERT INTO collections_credit_waiting (account_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING', [credit]);
  return out.map(({ p, view }) => ({ index: p.index, view }));
}
