/**
 * Review and correction of accruals. Nothing here edits an amount:
 * - release: an outsorted bill a clerk finds right is posted as it was rated (its ledger entry now);
 * - re-rate: an outsorted bill is superseded by a new accrual rated from today's data and tariffs (which may be held
 *   again if it still fails the checks);
 * - reverse and re-accrue: a posted accrual's ledger entry is reversed (the ledger's mirror entry, which also closes
 *   its open item), the accrual is marked reversed, and a new accrual supersedes it.
 * Each runs in one transaction under the accrual's row lock, so two clerks pressing the same button get one outcome
 * and the other a clear ABONE_ERR_BILLRUN_ACCRUAL_STATE.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { localDate } from '../../platform/calendar.ts';
import { postEntry, reverseEntry } from '../ledger/index.ts';
import { billingMonth } from './billing-month.ts';
import { loadBillables } from './billables.ts';
import { accrueBatch } from './accrue.ts';
import { accrualEntry, accrualReversalKey } from './accrual-posting.ts';
import { loadAccrual, type AccrualView } from './accrual-reads.ts';

async function lockAccrual(c: pg.PoolClient, id: number, action: string, needed: 'outsorted' | 'posted'): Promise<AccrualView> {
  const { rows } = await c.query('SELECT id FROM billing_accrual WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_BILLRUN_ACCRUAL_NOT_FOUND', { id });
  const a = await loadAccrual(c, id);
  if (a.state !== needed) throw new AboneError('ABONE_ERR_BILLRUN_ACCRUAL_STATE', { id, state: a.state, action, needed });
  return a;
}

function entryOf(a: AccrualView, actor: string) {
  const month = billingMonth(a.period);
  return accrualEntry({ id: a.id, accountId: a.accountId, subscriptionId: a.subscriptionId, period: a.period, lastDay: month.lastDay, commodity: a.commodity, bill: { lines: a.lines ?? [], totals: { net: a.net ?? '0', taxes: a.taxes ?? '0', gross: a.gross ?? '0' } }, actor });
}

export async function releaseAccrual(pool: pg.Pool, id: number, actor: string): Promise<AccrualView> {
  return withTransaction(pool, async (c) => {
    const a = await lockAccrual(c, id, 'release', 'outsorted');
    if (a.gross === null) throw new AboneError('ABONE_ERR_BILLRUN_ACCRUAL_STATE', { id, state: `outsorted (${a.outsortReason}) without a bill`, action: 'release', needed: 're-rated first' });
    await c.query(`UPDATE billing_accrual SET state = 'posted', decided_at = now(), decided_by = $2 WHERE id = $1`, [id, actor]);
    const e = entryOf(a, actor);
    if (e) await postEntry(c, e);
    return loadAccrual(c, id);
  });
}

/** Supersedes `a` (already locked and marked) with a new accrual for the same subscription and period. */
async function reaccrue(pool: pg.Pool, c: pg.PoolClient, a: AccrualView, actor: string): Promise<AccrualView> {
  const month = billingMonth(a.period);
  const billables = await loadBillables(pool, month, null, a.subscriptionId, a.subscriptionId);
  if (!billables.length) throw new AboneError('ABONE_ERR_BILLRUN_SUBSCRIPTION_NOT_BILLABLE', { subscriptionId: a.subscriptionId, period: a.period, reason: 'the subscription held no supply in the period' });
  await accrueBatch(c, month, billables, { runId: a.runId, actor, supersedes: new Map([[a.subscriptionId, a.id]]) });
  const { rows } = await c.query('SELECT id FROM billing_accrual WHERE supersedes = $1 ORDER BY id DESC LIMIT 1', [a.id]);
  return loadAccrual(c, Number(rows[0].id));
}

export async function rerateAccrual(pool: pg.Pool, id: number, actor: string): Promise<AccrualView> {
  return withTransaction(pool, async (c) => {
    const a = await lockAccrual(c, id, 're-rate', 'outsorted');
    await c.query(`UPDATE billing_accrual SET state = 'superseded', decided_at = now(), decided_by = $2 WHERE id = $1`, [id, actor]);
    return reaccrue(pool, c, a, actor);
  });
}

export async function reverseAndReaccrue(pool: pg.Pool, id: number, actor: string, reason?: string): Promise<{ reversed: AccrualView; accrual: AccrualView }> {
  return withTransaction(pool, async (c) => {
    const a = await lockAccrual(c, id, 'reverse', 'posted');
    const e = entryOf(a, actor);
    if (e) {
      // Posting the same key again is the ledger's replay: it answers with the accrual's entry and writes nothing.
      const original = await postEntry(c, e);
      await reverseEntry(c, { entryId: original.id, idempotencyKey: accrualReversalKey(a.id), businessDate: localDate(Date.now()), description: `Düzeltme: tahakkuk ${a.id} iptal${reason ? ` (${reason.slice(0, 200)})` : ''}`, actor });
    }
    await c.query(`UPDATE billing_accrual SET state = 'reversed', decided_at = now(), decided_by = $2 WHERE id = $1`, [id, actor]);
    const accrual = await reaccrue(pool, c, a, actor);
    return { reversed: await loadAccrual(c, id), accrual };
  });
}
