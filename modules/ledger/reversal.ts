/**
 * Corrections: a reversal is a new entry with the mirror lines of the original (debit ↔ credit), pointing at it. The
 * settlement follows: a reversed payment's allocations are released (its items open again), and a reversed accrual's
 * item is closed by the reversal itself, after releasing what payments had settled on it (that money becomes
 * unallocated credit again). An entry is reversed at most once, and a reversal is never reversed: the correction of a
 * correction is a new entry.
 */
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import { inTransaction, isUniqueViolation, lockAccount, type Db } from './db.ts';
import { checkText, isLocalDate, type CheckedEntry } from './entry-rules.ts';
import { insertCheckedEntry, loadEntry, type PostedEntry } from './entries.ts';
import { insertAllocation, releaseAllocations, reversedBy } from './allocation.ts';
import type { GlAccount } from './chart.ts';

export interface ReversalInput {
  entryId: number;
  idempotencyKey: string;
  /** Business date of the reversal; today in Istanbul by default. */
  businessDate?: string;
  description?: string;
  actor?: string;
}

export async function reverseEntry(db: Db, input: ReversalInput): Promise<PostedEntry> {
  checkText(input.idempotencyKey, 'idempotencyKey', 200, true);
  checkText(input.description, 'description', 500);
  if (input.businessDate !== undefined && !isLocalDate(input.businessDate)) {
    throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'businessDate must be a date YYYY-MM-DD' });
  }
  if (!Number.isSafeInteger(input.entryId) || input.entryId < 1) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_NOT_FOUND', { id: input.entryId });
  const businessDate = input.businessDate ?? localDate(Date.now());
  return inTransaction(db, async (c) => {
    const original = await loadEntry(c, input.entryId);
    if (original.accountId !== null) await lockAccount(c, original.accountId);
    const { rows: first } = await c.query<{ id: number }>('SELECT id FROM ledger_entry WHERE idempotency_key = $1', [input.idempotencyKey]);
    if (first[0]) return { ...(await loadEntry(c, first[0].id)), replayed: true };
    if (original.kind === 'reversal') throw new AboneError('ABONE_ERR_LEDGER_NOT_REVERSIBLE', { id: original.id, reason: `it is itself the reversal of entry ${original.reverses}; post a new entry instead` });
    const by = await reversedBy(c, original.id);
    if (by !== undefined) throw new AboneError('ABONE_ERR_LEDGER_ALREADY_REVERSED', { id: original.id, by });

    const mirror: CheckedEntry = {
      input: {
        idempotencyKey: input.idempotencyKey,
        kind: original.kind as never,
        accountId: original.accountId ?? undefined,
        businessDate,
        description: input.description ?? `Ters kayıt: #${original.id}${original.description ? ` ${original.description}` : ''}`.slice(0, 500),
        lines: [],
        actor: input.actor,
      },
      lines: original.lines.map((l) => ({ gl: l.gl as GlAccount, debit: new Money(l.credit), credit: new Money(l.debit), description: l.description })),
      receivableNet: new Money(0), // the reversal opens no item
    };
    let reversal: PostedEntry | undefined;
    try {
      reversal = await insertCheckedEntry(c, mirror, original.id);
    } catch (err) {
      if (isUniqueViolation(err, 'ledger_entry_reverses_key')) throw new AboneError('ABONE_ERR_LEDGER_ALREADY_REVERSED', { id: original.id, by: 'a concurrent reversal' });
      throw err;
    }
    if (reversal === undefined) {
      const { rows } = await c.query<{ id: number }>('SELECT id FROM ledger_entry WHERE idempotency_key = $1', [input.idempotencyKey]);
      return { ...(await loadEntry(c, rows[0].id)), replayed: true };
    }
    await releaseAllocations(c, 'source', original.id, businessDate);
    if (original.item) {
      await releaseAllocations(c, 'item', original.item.id, businessDate);
      await insertAllocation(c, { itemId: original.item.id, sourceEntryId: reversal.id, amount: original.item.amount, onDate: businessDate });
    }
    return reversal;
  });
}
