/**
 * Overpayments: money of a payment not applied to any item stays a credit on the current account, and later items
 * consume it (oldest credit first, items in the allocation order). An account with credit waits in a small queue;
 * the worker's sweep and the next payment on the account apply it, so no bill run has to know about collections.
 */
import type pg from 'pg';
import { Money } from '../../platform/money.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { allocateMany, lockAccount, openItems, unallocatedCredits, type Settlement } from '../ledger/index.ts';
import { orderItems } from './allocation-rules.ts';
import { collectionsConfig } from './settings.ts';

export async function markCreditWaiting(c: pg.PoolClient, accountId: number): Promise<void> {
  await c.query('INSERT INTO collections_credit_waiting (account_id) VALUES ($1) ON CONFLICT DO NOTHING', [accountId]);
}

/** Applies the account's waiting credit to its open items (caller holds the account lock). Returns the amount applied. */
export async function applyWaitingCredit(c: pg.PoolClient, accountId: number, onDate: string): Promise<Money> {
  const { rowCount } = await c.query('SELECT 1 FROM collections_credit_waiting WHERE account_id = $1', [accountId]);
  if (!rowCount) return new Money(0);
  const credits = await unallocatedCredits(c, accountId);
  if (!credits.length) {
    await c.query('DELETE FROM collections_credit_waiting WHERE account_id = $1', [accountId]);
    return new Money(0);
  }
  const items = orderItems(await openItems(c, accountId), collectionsConfig().allocationOrder).map((i) => ({ id: i.id, open: new Money(i.open) }));
  let applied = new Money(0);
  let creditLeft = false;
  for (const credit of credits) {
    let free = new Money(credit.unallocated);
    const settlements: Settlement[] = [];
    for (const item of items) {
      if (!free.greaterThan(0)) break;
      const amount = Money.min(free, item.open);
      if (!amount.greaterThan(0)) continue;
      settlements.push({ itemId: item.id, amount: amount.toFixed(2) });
      item.open = item.open.minus(amount);
      free = free.minus(amount);
    }
    await allocateMany(c, { accountId, sourceEntryId: credit.entryId, onDate, settlements });
    applied = settlements.reduce((s, x) => s.plus(x.amount), applied);
    if (free.greaterThan(0)) creditLeft = true;
  }
  if (!creditLeft) await c.query('DELETE FROM collections_credit_waiting WHERE account_id = $1', [accountId]);
  return applied;
}

/** One pass over the accounts with waiting credit, each in its own short transaction. Returns how many it settled on. */
export async function sweepWaitingCredits(pool: pg.Pool, onDate: string, limit = 1000): Promise<number> {
  const { rows } = await pool.query<{ accountId: number }>('SELECT account_id::int AS "accountId" FROM collections_credit_waiting ORDER BY since LIMIT $1', [limit]);
  let settled = 0;
  for (const { accountId } of rows) {
    const applied = await withTransaction(pool, async (c) => {
      await lockAccount(c, accountId);
      return applyWaitingCredit(c, accountId, onDate);
    });
    if (applied.greaterThan(0)) settled++;
  }
  return settled;
}
