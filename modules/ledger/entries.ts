/**
 * Posting journal entries. One transaction writes the header, its lines and (for an accrual or a fee) the open item;
 * the idempotency key makes a retried posting return the first one unchanged, however the retries arrive.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { loadSettings } from '../../platform/config.ts';
import { dueDate as businessDueDate } from '../../platform/calendar.ts';
import { toSql } from '../../platform/money.ts';
import { RECEIVABLES, type EntryKind } from './chart.ts';
import { inTransaction, LOCK_SPACE, type Db } from './db.ts';
import { checkEntry, type CheckedEntry, type EntryInput } from './entry-rules.ts';
import { ledgerSettings } from './settings.ts';

export interface PostedLine {
  lineNo: number;
  gl: string;
  accountId: number | null;
  debit: string;
  credit: string;
  description: string | null;
}

export interface OpenedItem {
  id: number;
  amount: string;
  period: string | null;
  dueDate: string;
}

export interface PostedEntry {
  id: number;
  idempotencyKey: string;
  kind: EntryKind;
  accountId: number | null;
  businessDate: string;
  description: string | null;
  reverses: number | null;
  postedAt: Date;
  actor: string;
  lines: PostedLine[];
  item: OpenedItem | null;
  /** True when the key had been posted before: this is that first entry, and nothing was written now. */
  replayed: boolean;
}

let settings: ReturnType<typeof loadSettings<typeof ledgerSettings>> | undefined;
export const ledgerConfig = () => (settings ??= loadSettings(ledgerSettings));

export async function postEntry(db: Db, input: EntryInput): Promise<PostedEntry> {
  const checked = checkEntry(input);
  return inTransaction(db, async (c) => {
    if (input.accountId !== undefined) await lockExistingAccount(c, input.accountId);
    // Insert first, ask later: a fresh key costs one statement; a replayed one finds its first entry after it.
    const posted = await insertEntry(c, checked);
    if (posted) return posted;
    const { rows } = await c.query<{ id: number }>('SELECT id FROM ledger_entry WHERE idempotency_key = $1', [input.idempotencyKey]);
    return { ...(await loadEntry(c, rows[0].id)), replayed: true };
  });
}

/** The account must exist; its lock serialises this transaction with settlements on the same account. */
async function lockExistingAccount(c: pg.PoolClient, accountId: number): Promise<void> {
  const { rows } = await c.query('SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int) FROM ledger_account WHERE id = $2', [LOCK_SPACE, accountId]);
  if (!rows.length) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: accountId });
}

/**
 * Header, lines and item in one statement. Undefined when the key was posted before (by an earlier call or a
 * concurrent one, which ON CONFLICT waits for): then nothing was written.
 */
async function insertEntry(c: pg.PoolClient, { input, lines, receivableNet }: CheckedEntry, reverses?: number): Promise<PostedEntry | undefined> {
  let item: { amount: string; period: string | null; dueDate: string } | null = null;
  if (input.item && receivableNet.greaterThan(0)) {
    const { periodEnd, dueDate, period } = input.item;
    item = {
      amount: receivableNet.toFixed(2),
      period: period ?? (periodEnd ? DateTime.fromISO(periodEnd).toFormat('yyyy-MM') : null),
      dueDate: dueDate ?? businessDueDate(periodEnd!, ledgerConfig().dueDays),
    };
  }
  const kind: EntryKind = reverses ? 'reversal' : input.kind;
  const accountId = input.accountId ?? null;
  const { rows } = await c.query<{ id: number; postedAt: Date; itemId: number | null }>(
    `WITH e AS (
       INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date, description, reverses, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, posted_at),
     l AS (
       INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit, description)
       SELECT e.id, x.n, x.gl, CASE WHEN x.gl = $8 THEN $3::bigint END, x.d, x.cr, x.descr
       FROM e, unnest($9::text[], $10::numeric[], $11::numeric[], $12::text[]) WITH ORDINALITY AS x(gl, d, cr, descr, n)),
     i AS (
       INSERT INTO ledger_item (account_id, entry_id, amount, period, due_date)
       SELECT $3::bigint, e.id, $13::numeric, $14::text, $15::date FROM e WHERE $13::numeric IS NOT NULL RETURNING id)
     SELECT e.id, e.posted_at AS "postedAt", (SELECT id FROM i) AS "itemId" FROM e`,
    [
      input.idempotencyKey, kind, accountId, input.businessDate, input.description ?? null, reverses ?? null, input.actor ?? 'system',
      RECEIVABLES, lines.map((l) => l.gl), lines.map((l) => toSql(l.debit)), lines.map((l) => toSql(l.credit)), lines.map((l) => l.description),
      item?.amount ?? null, item?.period ?? null, item?.dueDate ?? null,
    ],
  );
  if (!rows[0]) return undefined;
  const { id, postedAt, itemId } = rows[0];
  return {
    id,
    idempotencyKey: input.idempotencyKey,
    kind,
    accountId,
    businessDate: input.businessDate,
    description: input.description ?? null,
    reverses: reverses ?? null,
    postedAt,
    actor: input.actor ?? 'system',
    lines: lines.map((l, i) => ({ lineNo: i + 1, gl: l.gl, accountId: l.gl === RECEIVABLES ? accountId : null, debit: l.debit.toFixed(2), credit: l.credit.toFixed(2), description: l.description })),
    item: item && itemId !== null ? { id: itemId, ...item } : null,
    replayed: false,
  };
}

export { insertEntry as insertCheckedEntry };

export async function loadEntry(db: Db, id: number): Promise<PostedEntry> {
  const { rows } = await db.query(
    `SELECT id, idempotency_key AS "idempotencyKey", kind, account_id AS "accountId", to_char(business_date, 'YYYY-MM-DD') AS "businessDate",
            description, reverses, posted_at AS "postedAt", actor FROM ledger_entry WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_NOT_FOUND', { id });
  const { rows: lines } = await db.query<PostedLine>(
    `SELECT line_no AS "lineNo", gl_account AS gl, account_id AS "accountId", debit::text, credit::text, description
     FROM ledger_line WHERE entry_id = $1 ORDER BY line_no`,
    [id],
  );
  const { rows: items } = await db.query<OpenedItem>(
    `SELECT id, amount::text, period, to_char(due_date, 'YYYY-MM-DD') AS "dueDate" FROM ledger_item WHERE entry_id = $1`,
    [id],
  );
  return { ...rows[0], lines, item: items[0] ?? null, replayed: false };
}
