/**
 * The suspense queue: statement lines no subscriber could be found for. Their money sits on the `suspense` account
 * (booked bank_clearing → suspense at import) until a clerk
 * - matches the line to a subscriber: a `wire` payment with the line's own source and reference, debiting suspense
 *   instead of the bank, dated on the line's booking date (the subscriber paid then: no late fee after it); or
 * - refunds it: a transfer suspense → bank_clearing, the money going back to the payer's (or a given) IBAN.
 * A suspense item is resolved once: the resolution row's primary key, taken under the item's row lock, refuses a
 * second one. The routes audit every resolution in the same transaction.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { postEntry, type Db } from '../ledger/index.ts';
import { takePayment } from './payments.ts';
import { normaliseIban } from './statement-line.ts';
import type { InTransaction } from './statement-import.ts';
import type { StatementReasonCode, StatementReasonParams } from './statement-reasons.ts';

export interface SuspenseItem {
  id: number;
  amount: string;
  bookingDate: string;
  accountIban: string;
  statementId: string;
  lineNo: number;
  reference: string;
  payerIban: string | null;
  payerName: string | null;
  remittance: string | null;
  /** English, for logs and API users; the console words the code (NULL for items from before migration 0031). */
  reason: string;
  reasonCode: StatementReasonCode | null;
  reasonParams: StatementReasonParams | null;
  entryId: number;
  createdAt: Date;
  status: 'open' | 'matched' | 'refunded';
  resolution: { paymentId: number | null; refundEntryId: number | null; refundIban: string | null; note: string; actor: string; at: Date } | null;
}

const COLUMNS = `x.id::int, x.amount::text, to_char(l.booking_date, 'YYYY-MM-DD') AS "bookingDate", l.account_iban AS "accountIban", s.statement_id AS "statementId",
  l.line_no AS "lineNo", l.reference, l.payer_iban AS "payerIban", l.payer_name AS "payerName", l.remittance, x.reason,
  x.reason_code AS "reasonCode", x.reason_params AS "reasonParams", x.entry_id::int AS "entryId", x.created_at AS "createdAt",
  coalesce(r.outcome, 'open') AS status,
  CASE WHEN r.suspense_id IS NULL THEN NULL ELSE json_build_object('paymentId', r.payment_id, 'refundEntryId', r.refund_entry_id, 'refundIban', r.refund_iban, 'note', r.note, 'actor', r.actor, 'at', r.resolved_at) END AS resolution`;
const FROM = `collections_suspense x JOIN collections_statement_line l ON l.id = x.line_id JOIN collections_statement s ON s.id = l.statement_id
  LEFT JOIN collections_suspense_resolution r ON r.suspense_id = x.id`;

export async function listSuspense(db: Db, q: { status?: 'open' | 'resolved' | 'all'; limit?: number; offset?: number } = {}): Promise<{ total: number; items: SuspenseItem[] }> {
  const status = q.status ?? 'open';
  const where = status === 'open' ? 'r.suspense_id IS NULL' : status === 'resolved' ? 'r.suspense_id IS NOT NULL' : 'true';
  const { rows } = await db.query(`SELECT count(*) OVER ()::int AS total, ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY x.id OFFSET $1 LIMIT $2`, [q.offset ?? 0, q.limit ?? 100]);
  return { total: rows[0]?.total ?? 0, items: rows.map(({ total: _, ...item }) => item as SuspenseItem) };
}

export async function loadSuspense(db: Db, id: number): Promise<SuspenseItem> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE x.id = $1`, [id]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_SUSPENSE_NOT_FOUND', { id });
  return rows[0] as SuspenseItem;
}

const checkNote = (note: unknown): string => {
  if (typeof note !== 'string' || note.trim() === '' || note.length > 500 || /\p{Cc}/u.test(note)) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'note', reason: '1 to 500 characters saying why' });
  }
  return note;
};

async function openItem(c: pg.PoolClient, id: number): Promise<SuspenseItem> {
  // Lock first, read after: a statement that waited for the lock still sees its own old snapshot of the resolution
  // table (READ COMMITTED), so the status is read by the next statement, after the other clerk's commit.
  const { rowCount } = await c.query('SELECT 1 FROM collections_suspense WHERE id = $1 FOR UPDATE', [id]);
  if (!rowCount) throw new AboneError('ABONE_ERR_COLLECTIONS_SUSPENSE_NOT_FOUND', { id });
  const item = await loadSuspense(c, id);
  if (item.status !== 'open') throw new AboneError('ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED', { id, outcome: item.status });
  return item;
}

/** Matches a suspense item to a current account: the payment it would have been, debiting suspense. */
export async function matchSuspense(pool: pg.Pool, input: { id: number; accountId: number; note: string; actor: string }, after?: InTransaction<SuspenseItem>): Promise<SuspenseItem> {
  const note = checkNote(input.note);
  return withTransaction(pool, async (c) => {
    const item = await openItem(c, input.id);
    const payment = await takePayment(c, {
      accountId: input.accountId,
      amount: item.amount,
      channel: 'wire',
      source: `statement:${item.accountIban}`,
      reference: item.reference,
      businessDate: item.bookingDate,
      debitGl: 'suspense',
      payerNote: item.payerName ?? undefined,
      description: `Askıdan eşleştirilen havale: ${item.statementId} satır ${item.lineNo}`,
      actor: input.actor,
    });
    await c.query(
      `INSERT INTO collections_suspense_resolution (suspense_id, outcome, payment_id, note, actor) VALUES ($1, 'matched', $2, $3, $4)`,
      [item.id, payment.id, note, input.actor],
    );
    const resolved = await loadSuspense(c, item.id);
    await after?.(c, resolved);
    return resolved;
  });
}

/** Marks a suspense item for refund: suspense → bank_clearing, to the payer's IBAN unless another is given. */
export async function refundSuspense(pool: pg.Pool, input: { id: number; iban?: string; note: string; actor: string }, after?: InTransaction<SuspenseItem>): Promise<SuspenseItem> {
  const note = checkNote(input.note);
  const given = input.iban === undefined ? undefined : normaliseIban(input.iban);
  if (input.iban !== undefined && !given) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'iban', reason: 'a valid Turkish IBAN' });
  return withTransaction(pool, async (c) => {
    const item = await openItem(c, input.id);
    const entry = await postEntry(c, {
      idempotencyKey: `suspense-refund:${item.id}`,
      kind: 'transfer',
      businessDate: localDate(Date.now()),
      description: `Askıdaki havalenin iadesi: ${item.statementId} satır ${item.lineNo}`,
      actor: input.actor,
      lines: [
        { gl: 'suspense', debit: item.amount },
        { gl: 'bank_clearing', credit: item.amount },
      ],
    });
    await c.query(
      `INSERT INTO collections_suspense_resolution (suspense_id, outcome, refund_entry_id, refund_iban, note, actor) VALUES ($1, 'refunded', $2, $3, $4, $5)`,
      [item.id, entry.id, given ?? item.payerIban, note, input.actor],
    );
    const resolved = await loadSuspense(c, item.id);
    await after?.(c, resolved);
    return resolved;
  });
}
