/**
 * Security deposits (güvence bedeli): the amount a subscription must lodge, by subscriber class and commodity as
 * effective-dated configuration (the utility's tariff decision, not law: nothing is seeded), unless the subscriber is
 * exempt; demanded in 1 to 6 interest-free instalments, each a ledger `deposit` item (receivable debited,
 * `deposits_held` credited) that is paid like a bill. What a deposit holds is what its items have received, plus what
 * was carried over from the party's previous subscription (deposit-settlement.ts).
 *
 * Exemptions are data (`collections_deposit_exemption_class`): a class either exempts a whole subscriber class (public
 * institutions: subscriber class `public`) or is granted to a party on evidence (martyrs' relatives, veterans).
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money, allocate } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, openAccount, openItems, postEntry, type Db } from '../ledger/index.ts';
import { readSubscription, LIVE, type SubscriptionView } from '../subscriptions/index.ts';

export const MAX_DEPOSIT_INSTALMENTS = 6;

export interface Deposit {
  id: number;
  accountId: number;
  subscriptionId: string;
  partyId: number;
  amount: string;
  instalments: number;
  carriedFrom: number | null;
  carriedAmount: string;
  businessDate: string;
  /** Each instalment item; `dueDate` while it is open. */
  items: Array<{ no: number; itemId: number; amount: string; open: string; dueDate: string | null }>;
  /** carried + what the items received: the subscriber's money the utility holds now (the held amount at its end once ended). */
  held: string;
  /** What the items still lack. */
  unpaid: string;
  ended: { outcome: 'carried' | 'closed'; held: string; offsetAmount: string; refundAmount: string; paymentId: number | null; onDate: string } | null;
}

const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID', { field, reason });
export const depositRefused = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED', { reason });
/** A calendar date of years 1900–2999 (later ones overflow what a plan adds to them). */
const isDate = (d: unknown): d is string => typeof d === 'string' && /^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid;
const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
export const inTx = <T>(db: Db, work: (c: pg.PoolClient) => Promise<T>) => ('release' in db ? work(db as pg.PoolClient) : withTransaction(db as pg.Pool, work));

export async function setDepositRate(db: Db, r: { class: string; commodity: string; effectiveFrom: string; amount: string; note: string }): Promise<void> {
  if (typeof r.class !== 'string' || !/^[a-z_]{1,40}$/.test(r.class)) throw invalid('class', 'a subscriber class (residential, commercial, ...)');
  if (!['gas', 'water', 'electricity'].includes(r.commodity)) throw invalid('commodity', 'gas, water or electricity');
  if (!isDate(r.effectiveFrom)) throw invalid('effectiveFrom', 'a date YYYY-MM-DD');
  if (typeof r.amount !== 'string' || !AMOUNT.test(r.amount)) throw invalid('amount', 'an amount in TRY with at most two decimals, as text');
  if (typeof r.note !== 'string' || r.note.trim() === '' || r.note.length > 200) throw invalid('note', '1 to 200 characters (where the amount comes from)');
  await db.query(
    `INSERT INTO collections_deposit_rate (class, commodity, effective_from, amount, note) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (class, commodity, effective_from) DO UPDATE SET amount = EXCLUDED.amount, note = EXCLUDED.note`,
    [r.class, r.commodity, r.effectiveFrom, r.amount, r.note],
  );
}

export async function depositRate(db: Db, subscriberClass: string, commodity: string, onDate: string): Promise<Money | undefined> {
  const { rows } = await db.query<{ amount: string }>(
    'SELECT amount::text FROM collections_deposit_rate WHERE class = $1 AND commodity = $2 AND effective_from <= $3 ORDER BY effective_from DESC LIMIT 1',
    [subscriberClass, commodity, onDate],
  );
  return rows[0] ? new Money(rows[0].amount) : undefined;
}

export async function grantDepositExemption(db: Db, g: { partyId: number; classCode: string; evidence: string; actor?: string }): Promise<void> {
  if (!Number.isSafeInteger(g.partyId) || g.partyId < 1) throw invalid('partyId', 'a party id');
  if (typeof g.evidence !== 'string' || g.evidence.trim() === '' || g.evidence.length > 200) throw invalid('evidence', '1 to 200 characters (the document that proves it)');
  const { rows } = await db.query<{ subscriberClass: string | null }>('SELECT subscriber_class AS "subscriberClass" FROM collections_deposit_exemption_class WHERE code = $1', [g.classCode]);
  if (!rows[0] || rows[0].subscriberClass !== null) throw invalid('classCode', 'an exemption class granted to a person (martyr_relative, veteran, or one the utility added)');
  await db.query('INSERT INTO collections_deposit_exemption_grant (party_id, class_code, evidence, actor) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [g.partyId, g.classCode, g.evidence, g.actor ?? 'system']);
}

/** The exemption class that frees this subscription from a deposit, if any. */
export async function depositExemption(db: Db, sub: Pick<SubscriptionView, 'partyId' | 'class'>): Promise<string | null> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM collections_deposit_exemption_class WHERE subscriber_class = $2
     UNION ALL SELECT class_code FROM collections_deposit_exemption_grant WHERE party_id = $1 LIMIT 1`,
    [sub.partyId, sub.class],
  );
  return rows[0]?.code ?? null;
}

export async function subscriptionOf(c: pg.PoolClient, subscriptionId: string): Promise<SubscriptionView> {
  if (typeof subscriptionId !== 'string' || !/^\d{1,18}$/.test(subscriptionId)) throw invalid('subscriptionId', 'a subscriber number');
  return readSubscription(c, Number(subscriptionId));
}

/** Posts the deposit's instalment items on the account and records them (numbered from 1). */
export async function postDepositItems(c: pg.PoolClient, d: { depositId: number; accountId: number; schedule: Array<{ dueDate: string; amount: string }>; businessDate: string; actor: string; why: string }): Promise<void> {
  for (const [i, s] of d.schedule.entries()) {
    const entry = await postEntry(c, {
      idempotencyKey: `deposit:${d.depositId}:${i + 1}`,
      kind: 'deposit',
      accountId: d.accountId,
      businessDate: d.businessDate,
      description: `Güvence bedeli ${i + 1}/${d.schedule.length}${d.why}`,
      actor: d.actor,
      lines: [
        { gl: 'receivables', debit: s.amount },
        { gl: 'deposits_held', credit: s.amount },
      ],
      item: { dueDate: s.dueDate },
    });
    await c.query('INSERT INTO collections_deposit_item (deposit_id, no, item_id, amount) VALUES ($1, $2, $3, $4)', [d.depositId, i + 1, entry.item!.id, s.amount]);
  }
}

export interface DepositDemand {
  subscriptionId: string;
  /** 1 to 6 interest-free instalments, a month apart. */
  instalments?: number;
  /** The first instalment's due date; by default the demand's business date. */
  firstDueDate?: string;
  businessDate?: string;
  actor?: string;
}

export async function demandDeposit(db: Db, input: DepositDemand): Promise<Deposit> {
  const instalments = input.instalments ?? 1;
  if (!Number.isInteger(instalments) || instalments < 1 || instalments > MAX_DEPOSIT_INSTALMENTS) throw invalid('instalments', `1 to ${MAX_DEPOSIT_INSTALMENTS}`);
  const businessDate = input.businessDate ?? localDate(Date.now());
  if (!isDate(businessDate)) throw invalid('businessDate', 'a date YYYY-MM-DD');
  const firstDue = input.firstDueDate ?? businessDate;
  if (!isDate(firstDue) || firstDue < businessDate) throw invalid('firstDueDate', 'a date YYYY-MM-DD on or after the business date');
  return inTx(db, async (c) => {
    const sub = await subscriptionOf(c, input.subscriptionId);
    if (!(LIVE as readonly string[]).includes(sub.status)) throw depositRefused(`subscription ${sub.id} is ${sub.status}`);
    const account = await openAccount(c, sub.id);
    await lockAccount(c, account.id);
    const exempt = await depositExemption(c, sub);
    if (exempt) throw depositRefused(`subscription ${sub.id} is exempt (${exempt})`);
    const { rows: existing } = await c.query('SELECT id FROM collections_deposit WHERE subscription_id = $1', [String(sub.id)]);
    if (existing.length) throw depositRefused(`subscription ${sub.id} already has deposit ${existing[0].id}`);
    const amount = await depositRate(c, sub.class, sub.commodity, businessDate);
    if (!amount || !amount.greaterThan(0)) throw depositRefused(`no deposit amount is configured for ${sub.class} ${sub.commodity} on ${businessDate}`);
    if (amount.dividedBy(instalments).lessThan('0.01')) throw invalid('instalments', 'fewer: each must be at least 0.01');
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_deposit (account_id, subscription_id, party_id, amount, instalments, business_date, actor) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int`,
      [account.id, String(sub.id), sub.partyId, amount.toFixed(2), instalments, businessDate, input.actor ?? 'system'],
    );
    const first = DateTime.fromISO(firstDue);
    const schedule = allocate(amount, instalments).map((a, i) => ({ dueDate: first.plus({ months: i }).toISODate()!, amount: a.toFixed(2) }));
    await postDepositItems(c, { depositId: rows[0].id, accountId: account.id, schedule, businessDate, actor: input.actor ?? 'system', why: '' });
    return loadDeposit(c, rows[0].id);
  });
}

export async function loadDeposit(db: Db, id: number): Promise<Deposit> {
  if (!Number.isSafeInteger(id) || id < 1) throw new AboneError('ABONE_ERR_COLLECTIONS_DEPOSIT_NOT_FOUND', { id });
  const { rows } = await db.query(
    `SELECT d.id::int, d.account_id::int AS "accountId", d.subscription_id AS "subscriptionId", d.party_id::int AS "partyId", d.amount::text, d.instalments,
            d.carried_from::int AS "carriedFrom", d.carried_amount::text AS "carriedAmount", to_char(d.business_date, 'YYYY-MM-DD') AS "businessDate",
            CASE WHEN e.deposit_id IS NULL THEN NULL ELSE json_build_object('outcome', e.outcome, 'held', e.held::text, 'offsetAmount', e.offset_amount::text,
              'refundAmount', e.refund_amount::text, 'paymentId', e.payment_id, 'onDate', to_char(e.on_date, 'YYYY-MM-DD')) END AS ended
     FROM collections_deposit d LEFT JOIN collections_deposit_end e ON e.deposit_id = d.id WHERE d.id = $1`,
    [id],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DEPOSIT_NOT_FOUND', { id });
  const d = rows[0];
  const { rows: items } = await db.query<{ no: number; itemId: number; amount: string }>('SELECT no, item_id::int AS "itemId", amount::text FROM collections_deposit_item WHERE deposit_id = $1 ORDER BY no', [id]);
  // Open as of the latest business day anything could be dated (settlements are dated by their payments).
  const open = new Map((await openItems(db, d.accountId, '9999-12-31')).map((i) => [i.id, i]));
  const withOpen = items.map((i) => ({ ...i, open: new Money(open.get(i.itemId)?.open ?? 0).toFixed(2), dueDate: open.get(i.itemId)?.dueDate ?? null }));
  const unpaid = withOpen.reduce((s, i) => s.plus(i.open), new Money(0));
  const paid = withOpen.reduce((s, i) => s.plus(i.amount).minus(i.open), new Money(0));
  const held = d.ended ? new Money(d.ended.held) : paid.plus(d.carriedAmount);
  return { ...d, items: withOpen, held: held.toFixed(2), unpaid: unpaid.toFixed(2) };
}

export async function depositOfSubscription(db: Db, subscriptionId: string): Promise<Deposit> {
  const { rows } = await db.query<{ id: number }>('SELECT id::int FROM collections_deposit WHERE subscription_id = $1', [subscriptionId]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DEPOSIT_NOT_FOUND', { id: `for subscription ${subscriptionId}` });
  return loadDeposit(db, rows[0].id);
}
