/**
 * An instalment plan's life after it is made: paying an instalment (the money settles the plan's items in order,
 * through `takePayment`), the review that ends a plan as paid or defaulted, and a clerk's cancellation. A defaulted or
 * cancelled plan no longer shields its items: they return to normal dunning, and their late fee counts from their
 * original due dates (no period-end fee was posted on them while shielded, and payments charged none).
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, type Db } from '../ledger/index.ts';
import { takePayment } from './payments.ts';
import type { Channel } from './payment-input.ts';
import type { Payment } from './payment-view.ts';
import { loadInstalmentPlan, type InstalmentPlan } from './instalment.ts';

export interface InstalmentPaymentInput {
  planId: number;
  /** Default: what the plan's next unpaid instalment still lacks. At most what the plan still owes. */
  amount?: string;
  channel: Channel;
  source: string;
  reference: string;
  businessDate?: string;
  drawerId?: number;
  receiptNo?: string;
  actor?: string;
}

const inTx = <T>(db: Db, work: (c: pg.PoolClient) => Promise<T>) => ('release' in db ? work(db as pg.PoolClient) : withTransaction(db as pg.Pool, work));

async function activePlan(c: pg.PoolClient, planId: number, day: string): Promise<InstalmentPlan> {
  const first = await loadInstalmentPlan(c, planId, day);
  await lockAccount(c, first.accountId);
  const plan = await loadInstalmentPlan(c, planId, day);
  if (plan.ended) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_REFUSED', { reason: `instalment plan ${planId} ended (${plan.ended.outcome}) on ${plan.ended.onDate}` });
  return plan;
}

export async function payInstalment(db: Db, input: InstalmentPaymentInput): Promise<{ payment: Payment; plan: InstalmentPlan }> {
  const day = input.businessDate ?? localDate(Date.now());
  // Amounts as the items stand now: a back-dated payment must not be sized on what later payments already settled.
  const today = localDate(Date.now());
  return inTx(db, async (c) => {
    const plan = await activePlan(c, input.planId, day > today ? day : today);
    const next = plan.instalments.find((i) => i.state !== 'paid');
    const amount = input.amount ?? (next ? new Money(next.amount).minus(next.paid).toFixed(2) : '0.00');
    if (!new Money(plan.remaining).greaterThan(0)) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_REFUSED', { reason: `instalment plan ${plan.id} is paid in full` });
    if (/^\d{1,16}(\.\d{1,2})?$/.test(amount) && new Money(amount).greaterThan(plan.remaining)) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_REFUSED', { reason: `${amount} is more than the ${plan.remaining} the plan still owes` });
    }
    const itemIds = plan.items.filter((i) => new Money(i.open).greaterThan(0)).map((i) => i.itemId);
    const payment = await takePayment(c, {
      accountId: plan.accountId, amount, channel: input.channel, source: input.source, reference: input.reference, businessDate: day, itemIds,
      drawerId: input.drawerId, receiptNo: input.receiptNo, actor: input.actor, description: `Taksit ödemesi: plan #${plan.id}`,
    });
    await reviewPlan(c, plan.id, day, input.actor ?? 'system');
    return { payment, plan: await loadInstalmentPlan(c, plan.id, day) };
  });
}

/** Ends the plan if its items are paid (completed) or it missed `missLimit` instalments (defaulted). Returns the outcome. */
async function reviewPlan(c: pg.PoolClient, planId: number, day: string, actor: string): Promise<'completed' | 'defaulted' | null> {
  const plan = await loadInstalmentPlan(c, planId, day);
  if (plan.ended) return null;
  let outcome: 'completed' | 'defaulted' | null = null;
  let reason = '';
  if (!new Money(plan.remaining).greaterThan(0)) {
    outcome = 'completed';
    reason = 'all instalments paid';
  } else if (plan.missed >= plan.missLimit) {
    outcome = 'defaulted';
    const missed = plan.instalments.filter((i) => i.state === 'missed').map((i) => `#${i.no} (${i.dueDate})`);
    reason = `${plan.missed} instalments unpaid ${plan.graceDays} days after their due dates: ${missed.join(', ')}`;
  }
  if (outcome) {
    await c.query('INSERT INTO collections_instalment_plan_end (plan_id, outcome, on_date, reason, actor) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [planId, outcome, day, reason, actor]);
  }
  return outcome;
}

/**
 * The daily review over every active plan (or one account's): each in its own short transaction under its account's
 * lock. Idempotent: an ended plan is left as it is.
 */
export async function reviewInstalmentPlans(pool: pg.Pool, asOf: string, opts: { accountId?: number; actor?: string } = {}): Promise<Array<{ planId: number; outcome: 'completed' | 'defaulted' }>> {
  const { rows } = await pool.query<{ id: number; accountId: number }>(
    `SELECT p.id::int, p.account_id::int AS "accountId" FROM collections_instalment_plan p
     WHERE ($1::bigint IS NULL OR p.account_id = $1) AND p.business_date <= $2
       AND NOT EXISTS (SELECT 1 FROM collections_instalment_plan_end e WHERE e.plan_id = p.id) ORDER BY p.id`,
    [opts.accountId ?? null, asOf],
  );
  const ended: Array<{ planId: number; outcome: 'completed' | 'defaulted' }> = [];
  for (const r of rows) {
    const outcome = await withTransaction(pool, async (c) => {
      await lockAccount(c, r.accountId);
      return reviewPlan(c, r.id, asOf, opts.actor ?? 'system');
    });
    if (outcome) ended.push({ planId: r.id, outcome });
  }
  return ended;
}

export async function cancelInstalmentPlan(db: Db, input: { planId: number; reason: string; businessDate?: string; actor?: string }): Promise<InstalmentPlan> {
  if (typeof input.reason !== 'string' || input.reason.trim() === '' || input.reason.length > 500) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_INVALID', { field: 'reason', reason: '1 to 500 characters' });
  const day = input.businessDate ?? localDate(Date.now());
  return inTx(db, async (c) => {
    const plan = await activePlan(c, input.planId, day);
    await c.query(`INSERT INTO collections_instalment_plan_end (plan_id, outcome, on_date, reason, actor) VALUES ($1, 'cancelled', $2, $3, $4)`, [plan.id, day, input.reason, input.actor ?? 'system']);
    return loadInstalmentPlan(c, plan.id, day);
  });
}
