/**
 * Instalment plans (taksitlendirme): a subscriber's chosen open items of one account, spread over N instalments with
 * due dates and amounts that add up exactly to the chosen debt (the remainder kuruş go to the first instalment). A
 * plan is normal, or an enforcement plan (icra taksiti) tied to an enforcement file number.
 *
 * The plan is an overlay: the ledger items are not rewritten. While the plan is active its items carry no late fee
 * (instalment-shield.ts) and dunning skips them; an instalment's money settles the items in the plan's order through
 * `takePayment` with `itemIds`. Missing `missLimit` instalments (each unpaid `graceDays` after its due date) ends the
 * plan as defaulted: the items return to normal terms and their late fee counts from their original due dates.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money, allocate } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, openItems, requireAccount, type Db } from '../ledger/index.ts';

export const DEFAULT_MISS_LIMIT = 2;
export const DEFAULT_GRACE_DAYS = 7;
export const MAX_INSTALMENTS = 36;

export interface InstalmentPlanInput {
  accountId: number;
  /** The open items the plan covers, settled in this order. */
  itemIds: number[];
  instalments: number;
  /** The first instalment's due date; the next ones fall on the same day of the following months. */
  firstDueDate: string;
  kind?: 'normal' | 'enforcement';
  /** The enforcement office's file number (icra dosya no), e.g. "2026/1234"; required for an enforcement plan. */
  enforcementFile?: string;
  missLimit?: number;
  graceDays?: number;
  businessDate?: string;
  actor?: string;
}

export interface Instalment {
  no: number;
  dueDate: string;
  amount: string;
  /** What of this instalment is paid, counting the plan's payments in instalment order. */
  paid: string;
  state: 'paid' | 'partly_paid' | 'open' | 'missed';
}

export interface InstalmentPlan {
  id: number;
  accountId: number;
  kind: 'normal' | 'enforcement';
  enforcementFile: string | null;
  total: string;
  missLimit: number;
  graceDays: number;
  businessDate: string;
  items: Array<{ itemId: number; position: number; amount: string; open: string }>;
  instalments: Instalment[];
  paid: string;
  remaining: string;
  /** Instalments unpaid beyond their grace days as of `asOf`. */
  missed: number;
  asOf: string;
  ended: { outcome: 'completed' | 'defaulted' | 'cancelled'; onDate: string; reason: string } | null;
}

const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PLAN_INVALID', { field, reason });
/** A calendar date of years 1900–2999 (later ones overflow what a plan adds to them). */
const isDate = (d: unknown): d is string => typeof d === 'string' && /^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid;
const FILE = /^[0-9A-Za-zÇĞİÖŞÜçğıöşü/ .-]{1,40}$/;

function checkInput(input: InstalmentPlanInput): Required<Omit<InstalmentPlanInput, 'enforcementFile'>> & { enforcementFile: string | null } {
  if (!input || typeof input !== 'object') throw invalid('plan', 'an object');
  if (!Number.isSafeInteger(input.accountId) || input.accountId < 1) throw invalid('accountId', 'a current account id');
  if (!Array.isArray(input.itemIds) || !input.itemIds.length || input.itemIds.length > 500 || !input.itemIds.every((i) => Number.isSafeInteger(i) && i > 0) || new Set(input.itemIds).size !== input.itemIds.length) {
    throw invalid('itemIds', '1 to 500 distinct open item ids');
  }
  if (!Number.isInteger(input.instalments) || input.instalments < 1 || input.instalments > MAX_INSTALMENTS) throw invalid('instalments', `1 to ${MAX_INSTALMENTS}`);
  if (!isDate(input.firstDueDate)) throw invalid('firstDueDate', 'a date YYYY-MM-DD');
  const kind = input.kind ?? 'normal';
  if (kind !== 'normal' && kind !== 'enforcement') throw invalid('kind', 'normal or enforcement');
  if (kind === 'enforcement' && (typeof input.enforcementFile !== 'string' || !FILE.test(input.enforcementFile))) throw invalid('enforcementFile', 'the enforcement file number, like 2026/1234 (up to 40 characters)');
  if (kind === 'normal' && input.enforcementFile !== undefined) throw invalid('enforcementFile', 'given for enforcement plans only');
  const missLimit = input.missLimit ?? DEFAULT_MISS_LIMIT;
  if (!Number.isInteger(missLimit) || missLimit < 1 || missLimit > 36) throw invalid('missLimit', '1 to 36');
  const graceDays = input.graceDays ?? DEFAULT_GRACE_DAYS;
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 90) throw invalid('graceDays', '0 to 90');
  const businessDate = input.businessDate ?? localDate(Date.now());
  if (!isDate(businessDate)) throw invalid('businessDate', 'a date YYYY-MM-DD');
  if (input.firstDueDate < businessDate) throw invalid('firstDueDate', 'on or after the plan date');
  return { ...input, kind, enforcementFile: input.enforcementFile ?? null, missLimit, graceDays, businessDate, actor: input.actor ?? 'system' };
}

/** The schedule: N amounts adding up to the total (remainder kuruş on the first), a month apart. */
export function instalmentSchedule(total: Money | string, n: number, firstDueDate: string): Array<{ no: number; dueDate: string; amount: string }> {
  const first = DateTime.fromISO(firstDueDate);
  return allocate(new Money(total), n).map((amount, i) => ({ no: i + 1, dueDate: first.plus({ months: i }).toISODate()!, amount: amount.toFixed(2) }));
}

export async function createInstalmentPlan(db: Db, input: InstalmentPlanInput): Promise<InstalmentPlan> {
  const p = checkInput(input);
  const run = async (c: pg.PoolClient) => {
    await lockAccount(c, p.accountId);
    await requireAccount(c, p.accountId);
    // Open as it stands now (later settlements count too), so a plan never covers money already paid.
    const now = localDate(Date.now());
    const open = new Map((await openItems(c, p.accountId, p.businessDate > now ? p.businessDate : now)).map((i) => [i.id, i]));
    const chosen = p.itemIds.map((id) => open.get(id));
    if (chosen.some((i) => i === undefined || (i.kind !== 'accrual' && i.kind !== 'fee'))) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN', { items: p.itemIds.join(','), accountId: p.accountId });
    }
    const { rows: taken } = await c.query<{ itemId: number; planId: number }>(
      `SELECT pi.item_id::int AS "itemId", pi.plan_id::int AS "planId" FROM collections_instalment_plan_item pi
       WHERE pi.item_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM collections_instalment_plan_end e WHERE e.plan_id = pi.plan_id)`,
      [p.itemIds],
    );
    if (taken.length) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_REFUSED', { reason: `item ${taken[0].itemId} is already in active instalment plan ${taken[0].planId}` });
    const total = chosen.reduce((s, i) => s.plus(i!.open), new Money(0));
    if (new Money(total).dividedBy(p.instalments).lessThan('1.00')) throw invalid('instalments', `at most one per lira of the debt (${total.toFixed(2)})`);
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_instalment_plan (account_id, kind, enforcement_file, total, miss_limit, grace_days, business_date, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::int`,
      [p.accountId, p.kind, p.enforcementFile, total.toFixed(2), p.missLimit, p.graceDays, p.businessDate, p.actor],
    );
    const planId = rows[0].id;
    await c.query(
      `INSERT INTO collections_instalment_plan_item (plan_id, item_id, position, amount) SELECT $1, x.item, x.n, x.amount FROM unnest($2::bigint[], $3::numeric[]) WITH ORDINALITY AS x(item, amount, n)`,
      [planId, p.itemIds, chosen.map((i) => i!.open)],
    );
    const schedule = instalmentSchedule(total, p.instalments, p.firstDueDate);
    await c.query(
      `INSERT INTO collections_instalment (plan_id, no, due_date, amount) SELECT $1, x.no, x.due, x.amount FROM unnest($2::int[], $3::date[], $4::numeric[]) AS x(no, due, amount)`,
      [planId, schedule.map((s) => s.no), schedule.map((s) => s.dueDate), schedule.map((s) => s.amount)],
    );
    return loadInstalmentPlan(c, planId, p.businessDate);
  };
  return 'release' in db ? run(db as pg.PoolClient) : withTransaction(db as pg.Pool, run);
}

/** The plan as of a day: what each instalment has received (the items' settlements, in instalment order), what is missed. */
export async function loadInstalmentPlan(db: Db, planId: number, asOf?: string): Promise<InstalmentPlan> {
  if (!Number.isSafeInteger(planId) || planId < 1) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND', { what: 'instalment plan', id: planId });
  const day = asOf ?? localDate(Date.now());
  const { rows } = await db.query(
    `SELECT p.id::int, p.account_id::int AS "accountId", p.kind, p.enforcement_file AS "enforcementFile", p.total::text, p.miss_limit AS "missLimit",
            p.grace_days AS "graceDays", to_char(p.business_date, 'YYYY-MM-DD') AS "businessDate",
            CASE WHEN e.plan_id IS NULL THEN NULL ELSE json_build_object('outcome', e.outcome, 'onDate', to_char(e.on_date, 'YYYY-MM-DD'), 'reason', e.reason) END AS ended
     FROM collections_instalment_plan p LEFT JOIN collections_instalment_plan_end e ON e.plan_id = p.id WHERE p.id = $1`,
    [planId],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND', { what: 'instalment plan', id: planId });
  const plan = rows[0];
  const { rows: items } = await db.query<{ itemId: number; position: number; amount: string }>(
    'SELECT item_id::int AS "itemId", position, amount::text FROM collections_instalment_plan_item WHERE plan_id = $1 ORDER BY position',
    [planId],
  );
  const { rows: schedule } = await db.query<{ no: number; dueDate: string; amount: string }>(
    `SELECT no, to_char(due_date, 'YYYY-MM-DD') AS "dueDate", amount::text FROM collections_instalment WHERE plan_id = $1 ORDER BY no`,
    [planId],
  );
  const open = new Map((await openItems(db, plan.accountId, day)).map((i) => [i.id, i.open]));
  const withOpen = items.map((i) => ({ ...i, open: new Money(open.get(i.itemId) ?? 0).toFixed(2) }));
  // Whatever settled the plan's items since it began counts, whichever channel brought the money.
  const remaining = withOpen.reduce((s, i) => s.plus(i.open), new Money(0));
  const paid = new Money(plan.total).minus(remaining);
  let left = paid;
  let missed = 0;
  const instalments = schedule.map((s): Instalment => {
    const got = Money.min(left, s.amount);
    left = left.minus(got);
    const overdue = DateTime.fromISO(s.dueDate).plus({ days: plan.graceDays }).toISODate()! < day;
    const state = got.equals(s.amount) ? 'paid' : overdue ? 'missed' : got.greaterThan(0) ? 'partly_paid' : 'open';
    if (state === 'missed') missed++;
    return { ...s, paid: got.toFixed(2), state };
  });
  return { ...plan, items: withOpen, instalments, paid: paid.toFixed(2), remaining: remaining.toFixed(2), missed, asOf: day };
}

export async function listInstalmentPlans(db: Db, accountId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id::int FROM collections_instalment_plan WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows.map((r) => r.id);
}
