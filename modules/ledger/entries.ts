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
import { inTransaction, lockAccount, type Db } from './db.ts';
import { requireAccount } from './accounts.ts';
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
    if (input.accountId !== undefined) {
      await requireAccount(c, input.accountId);
      await lockAccount(c, input.accountId);
    }
    const first = await entryIdByKey(c, input.idempotencyKey);
    if (first !== undefined) return { ...(await loadEntry(c, first)), replayed: true };
    const id = await insertEntry(c, checked);
    if (id === undefined) return { ...(await loadEntry(c, (await entryIdByKey(c, input.idempotencyKey))!)), replayed: true };
    return loadEntry(c, id);
  });
}

async function entryIdByKey(c: pg.PoolClient, key: string): Promise<number | undefined> {
  const { rows } = await c.query<{ id: number }>('SELECT id FROM ledger_entry WHERE idempotency_key = $1', [key]);
  return rows[0]?.id;
}

/** Inserts header, lines and item; undefined when a concurrent posting took the key first (no lock covers transfers). */
async function insertEntry(c: pg.PoolClient, { input, lines, receivableNet }: CheckedEntry, reverses?: number): Promise<number | undefined> {
  const { rows } = await c.query<{ id: number }>(
    `INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date, description, reverses, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [input.idempotencyKey, reverses ? 'reversal' : input.kind, input.accountId ?? null, input.businessDate, input.description ?? null, reverses ?? null, input.actor ?? 'system'],
  );
  const id = rows[0]?.id;
  if (id === undefined) return undefined;
  await c.query(
    `INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit, description)
     SELECT $1, n, gl, CASE WHEN gl = $2 THEN $3::bigint END, d, cr, descr
     FROM unnest($4::text[], $5::numeric[], $6::numeric[], $7::text[]) WITH ORDINALITY AS x(gl, d, cr, descr, n)`,
    [id, RECEIVABLES, input.accountId ?? null, lines.map((l) => l.gl), lines.map((l) => toSql(l.debit)), lines.map((l) => toSql(l.credit)), lines.map((l) => l.description)],
  );
  if (input.item && receivableNet.greaterThan(0)) {
    const { periodEnd, dueDate, period } = input.item;
    const due = dueDate ?? businessDueDate(periodEnd!, ledgerConfig().dueDays);
    await c.query('INSERT INTO ledger_item (account_id, entry_id, amount, period, due_date) VALUES ($1, $2, $3, $4, $5)', [
      input.accountId,
      id,
      toSql(receivableNet),
      period ?? (periodEnd ? DateTime.fromISO(periodEnd).toFormat('yyyy-MM') : null),
      due,
    ]);
  }
  return id;
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
