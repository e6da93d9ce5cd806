/**
 * A deposit's end: carried over to the party's next subscription on a move within the region, or closed with the
 * subscription — offset against its final debt, the remainder refunded.
 *
 * Carry-over (a move: the old subscription ended, a new one is live for the same party, commodity, il and ilçe): no
 * new demand. The held money stays in `deposits_held`, which is one general-ledger account for all subscribers, so
 * the ledger records the move as a `transfer` entry of the held amount out of and back into `deposits_held`, each
 * line naming its subscription; the per-subscription split is `collections_deposit`. Instalments not yet paid move
 * with it: a `credit` entry (debit `deposits_held`) closes them on the old account and the same amounts are demanded
 * on the new account with their original due dates.
 *
 * Closure (the subscription ended): unpaid instalments are withdrawn the same way (nothing is owed on a deposit that is
 * being returned), then the held amount is taken as an `offset` payment (`takePayment`, debit `deposits_held`), which
 * settles the final bill and any other debt in the allocation order, late fees included. What it cannot place is
 * refunded: a `refund` item (receivable debited, `bank_clearing` credited: paid out) that the offset's remaining
 * credit settles at once.
 */
import type pg from 'pg';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { allocateMany, lockAccount, openAccount, postEntry, type Db } from '../ledger/index.ts';
import { LIVE } from '../subscriptions/index.ts';
import { takePayment } from './payments.ts';
import { depositOfSubscription, depositRefused, inTx, loadDeposit, postDepositItems, subscriptionOf, type Deposit } from './deposit.ts';

const isLive = (status: string) => (LIVE as readonly string[]).includes(status);

/** Withdraws the deposit's unpaid instalments from its account (a credit entry settling them). Returns them. */
async function withdrawUnpaid(c: pg.PoolClient, d: Deposit, onDate: string, actor: string, why: string): Promise<Deposit['items']> {
  const unpaid = d.items.filter((i) => new Money(i.open).greaterThan(0));
  if (!unpaid.length) return [];
  const total = unpaid.reduce((s, i) => s.plus(i.open), new Money(0)).toFixed(2);
  const entry = await postEntry(c, {
    idempotencyKey: `deposit-withdraw:${d.id}`,
    kind: 'credit',
    accountId: d.accountId,
    businessDate: onDate,
    description: `Güvence bedeli: ödenmemiş taksitler geri alındı (${why})`,
    actor,
    lines: [
      { gl: 'deposits_held', debit: total },
      { gl: 'receivables', credit: total },
    ],
  });
  await allocateMany(c, { accountId: d.accountId, sourceEntryId: entry.id, onDate, settlements: unpaid.map((i) => ({ itemId: i.itemId, amount: i.open })) });
  return unpaid;
}

async function liveDeposit(c: pg.PoolClient, subscriptionId: string): Promise<Deposit> {
  const first = await depositOfSubscription(c, subscriptionId);
  await lockAccount(c, first.accountId);
  const d = await loadDeposit(c, first.id);
  if (d.ended) throw depositRefused(`deposit ${d.id} was already ${d.ended.outcome} on ${d.ended.onDate}`);
  return d;
}

export async function carryDeposit(db: Db, input: { fromSubscriptionId: string; toSubscriptionId: string; businessDate?: string; actor?: string }): Promise<Deposit> {
  const onDate = input.businessDate ?? localDate(Date.now());
  const actor = input.actor ?? 'system';
  return inTx(db, async (c) => {
    const from = await subscriptionOf(c, input.fromSubscriptionId);
    const to = await subscriptionOf(c, input.toSubscriptionId);
    if (isLive(from.status)) throw depositRefused(`subscription ${from.id} is still ${from.status}; a move ends it first`);
    if (!isLive(to.status)) throw depositRefused(`subscription ${to.id} is ${to.status}`);
    if (from.partyId !== to.partyId) throw depositRefused(`subscriptions ${from.id} and ${to.id} belong to different parties; a deposit moves only with its holder`);
    if (from.commodity !== to.commodity) throw depositRefused(`subscription ${from.id} is ${from.commodity}, ${to.id} is ${to.commodity}`);
    if (from.region.il !== to.region.il || from.region.ilce !== to.region.ilce) {
      throw depositRefused(`the move from ${from.region.il}/${from.region.ilce} to ${to.region.il}/${to.region.ilce} leaves the region; close the deposit and demand a new one`);
    }
    const toAccount = await openAccount(c, to.id);
    const fromDeposit = await depositOfSubscription(c, String(from.id));
    // Both accounts in ascending order, as the period-end run locks them, so the two never deadlock.
    for (const id of [fromDeposit.accountId, toAccount.id].sort((a, b) => a - b)) await lockAccount(c, id);
    const d = await liveDeposit(c, String(from.id));
    const { rows: taken } = await c.query('SELECT id FROM collections_deposit WHERE subscription_id = $1', [String(to.id)]);
    if (taken.length) throw depositRefused(`subscription ${to.id} already has deposit ${taken[0].id}`);

    const held = new Money(d.held);
    const unpaid = await withdrawUnpaid(c, d, onDate, actor, `abonelik ${to.id} aboneliğine taşındı`);
    let transferId: number | null = null;
    if (held.greaterThan(0)) {
      const transfer = await postEntry(c, {
        idempotencyKey: `deposit-carry:${d.id}`,
        kind: 'transfer',
        businessDate: onDate,
        description: `Güvence bedeli taşıma: abonelik ${from.id} → ${to.id}`,
        actor,
        lines: [
          { gl: 'deposits_held', debit: held.toFixed(2), description: `abonelik ${from.id}` },
          { gl: 'deposits_held', credit: held.toFixed(2), description: `abonelik ${to.id}` },
        ],
      });
      transferId = transfer.id;
    }
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_deposit (account_id, subscription_id, party_id, amount, instalments, carried_from, carried_amount, business_date, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::int`,
      [toAccount.id, String(to.id), to.partyId, d.amount, d.instalments, d.id, held.toFixed(2), onDate, actor],
    );
    await postDepositItems(c, { depositId: rows[0].id, accountId: toAccount.id, schedule: unpaid.map((i) => ({ dueDate: i.dueDate!, amount: i.open })), businessDate: onDate, actor, why: ` (abonelik ${from.id} aboneliğinden taşındı)` });
    await c.query(`INSERT INTO collections_deposit_end (deposit_id, outcome, held, entry_id, on_date, actor) VALUES ($1, 'carried', $2, $3, $4, $5)`, [d.id, held.toFixed(2), transferId, onDate, actor]);
    return loadDeposit(c, rows[0].id);
  });
}

export async function closeDeposit(db: Db, input: { subscriptionId: string; businessDate?: string; actor?: string }): Promise<Deposit> {
  const onDate = input.businessDate ?? localDate(Date.now());
  const actor = input.actor ?? 'system';
  return inTx(db, async (c) => {
    const sub = await subscriptionOf(c, input.subscriptionId);
    if (isLive(sub.status)) throw depositRefused(`subscription ${sub.id} is still ${sub.status}; a deposit is returned when it ends`);
    const d = await liveDeposit(c, String(sub.id));
    const held = new Money(d.held);
    await withdrawUnpaid(c, d, onDate, actor, 'abonelik kapandı');
    let paymentId: number | null = null;
    let refund = new Money(0);
    let refundEntry: number | null = null;
    if (held.greaterThan(0)) {
      const payment = await takePayment(c, {
        accountId: d.accountId, amount: held.toFixed(2), channel: 'offset', debitGl: 'deposits_held', source: 'deposit', reference: `close:${d.id}`,
        businessDate: onDate, actor, description: `Güvence bedeli mahsubu: abonelik ${sub.id}`,
      });
      paymentId = payment.id;
      refund = new Money(payment.unallocated);
      if (refund.greaterThan(0)) {
        const entry = await postEntry(c, {
          idempotencyKey: `deposit-refund:${d.id}`,
          kind: 'refund',
          accountId: d.accountId,
          businessDate: onDate,
          description: `Güvence bedeli iadesi: abonelik ${sub.id}`,
          actor,
          lines: [
            { gl: 'receivables', debit: refund.toFixed(2) },
            { gl: 'bank_clearing', credit: refund.toFixed(2) },
          ],
          item: { dueDate: onDate },
        });
        refundEntry = entry.id;
        await allocateMany(c, { accountId: d.accountId, sourceEntryId: payment.entryId, onDate, settlements: [{ itemId: entry.item!.id, amount: refund.toFixed(2) }] });
      }
    }
    await c.query(
      `INSERT INTO collections_deposit_end (deposit_id, outcome, held, offset_amount, refund_amount, payment_id, entry_id, on_date, actor) VALUES ($1, 'closed', $2, $3, $4, $5, $6, $7, $8)`,
      [d.id, held.toFixed(2), held.minus(refund).toFixed(2), refund.toFixed(2), paymentId, refundEntry, onDate, actor],
    );
    return loadDeposit(c, d.id);
  });
}
