/**
 * Importing a bank statement: one transaction per statement. The statement row (account IBAN + the bank's statement
 * id) is written first; a statement imported again finds it and returns the first import's report, writing nothing.
 * Each credit line is then
 * - matched (statement-match.ts) and taken as a `wire` payment with source `statement:<account IBAN>` and the line's
 *   reference, dated on its booking date;
 * - or booked to suspense: a `transfer` entry debiting bank_clearing and crediting suspense, waiting for a clerk;
 * - or refused (another currency, no amount): recorded with its reason, no money moves;
 * - or reported as a duplicate when the same reference came in an earlier statement of the account (not stored again).
 * A line's reason is stored as its code and parameters (statement-reasons.ts) beside the English sentence.
 * Either the whole statement is booked or nothing is. Imports of one bank account queue on an advisory lock, and the
 * payments take their accounts' locks in account order, so two imports and a bill run cannot deadlock each other.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { postEntry, type Db } from '../ledger/index.ts';
import { takePayments } from './payments-batch.ts';
import type { PaymentInput } from './payment-input.ts';
import { matchLine, type LineMatch } from './statement-match.ts';
import { cleanText, type ParsedStatement, type StatementLine } from './statement-line.ts';
import { statementReason, type StatementReason, type StatementReasonCode, type StatementReasonParams } from './statement-reasons.ts';

export type LineOutcome = 'matched' | 'suspense' | 'refused' | 'duplicate';

export interface StatementLineReport {
  lineNo: number;
  reference: string;
  amount: string | null;
  bookingDate: string | null;
  outcome: LineOutcome;
  matchedBy: 'invoice' | 'subscription' | 'iban' | null;
  accountId: number | null;
  paymentId: number | null;
  suspenseId: number | null;
  /** English, for logs and API users; NULL codes are lines imported before there were codes (migration 0031). */
  reason: string | null;
  reasonCode: StatementReasonCode | null;
  reasonParams: StatementReasonParams | null;
}

export interface StatementImport {
  id: number;
  format: 'camt053' | 'csv';
  accountIban: string;
  statementId: string;
  /** True when this statement had been imported before: this is that import, nothing was written now. */
  replayed: boolean;
  lines: StatementLineReport[];
  totals: { matched: string; suspense: string; matchedLines: number; suspenseLines: number; refusedLines: number; duplicateLines: number };
}

const STATEMENT_LOCK = 0x53_54_4d_54; // 'STMT'

/** Written in the import's own transaction after the lines (the route's audit row), on a first import only. */
export type InTransaction<T> = (c: pg.PoolClient, result: T) => Promise<void>;

export async function importStatement(pool: pg.Pool, statement: ParsedStatement, actor: string, after?: InTransaction<StatementImport>): Promise<StatementImport> {
  // Account locks are taken in account order here, but another writer holding two accounts in another order could
  // still meet this import in a deadlock; PostgreSQL then aborts one side, and the whole statement is simply tried
  // again (it wrote nothing).
  for (let attempt = 1; ; attempt++) {
    try {
      return await importOnce(pool, statement, actor, after);
    } catch (err) {
      if ((err as { code?: string })?.code !== '40P01' || attempt === 3) throw err;
    }
  }
}

async function importOnce(pool: pg.Pool, statement: ParsedStatement, actor: string, after?: InTransaction<StatementImport>): Promise<StatementImport> {
  return withTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STATEMENT_LOCK, statement.accountIban]);
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_statement (account_iban, statement_id, format, actor) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT collections_statement_once DO NOTHING RETURNING id::int`,
      [statement.accountIban, statement.statementId, statement.format, actor],
    );
    if (!rows[0]) {
      const { rows: first } = await c.query<{ id: number }>('SELECT id::int FROM collections_statement WHERE account_iban = $1 AND statement_id = $2', [statement.accountIban, statement.statementId]);
      return { ...(await loadStatementImport(c, first[0].id)), replayed: true };
    }
    const id = rows[0].id;
    const duplicates: StatementLineReport[] = [];
    const todo: Array<{ line: StatementLine; match?: LineMatch }> = [];
    for (const line of statement.lines) {
      const earlier = await c.query<{ statementId: string }>(
        `SELECT s.statement_id AS "statementId" FROM collections_statement_line l JOIN collections_statement s ON s.id = l.statement_id
          WHERE l.account_iban = $1 AND l.reference = $2`,
        [statement.accountIban, line.reference],
      );
      if (earlier.rows[0]) duplicates.push(report(line, 'duplicate', statementReason('DUPLICATE', { statementId: earlier.rows[0].statementId })));
      else todo.push({ line, match: line.refused ? undefined : await matchLine(c, line) });
    }
    // Accounts in ascending order, then the suspense lines, then the refused ones: file order in the report. The
    // matched lines' payments are taken as one batch (its accounts locked in ascending order), as if one by one.
    todo.sort((a, b) => (a.match?.accountId ?? Number.MAX_SAFE_INTEGER) - (b.match?.accountId ?? Number.MAX_SAFE_INTEGER) || a.line.lineNo - b.line.lineNo);
    const paying = todo.filter((t) => bookable(t.line, t.match) && t.match!.accountId !== undefined);
    const payments = await takePayments(c, paying.map((t) => paymentOfLine(statement, t.line, t.match!, actor)));
    const paymentId = new Map(paying.map((t, k) => [t.line, payments[k].id]));
    for (const { line, match } of todo) await bookLine(c, id, statement, line, match, actor, paymentId.get(line));
    const booked = await loadStatementImport(c, id);
    const result = summarise({ ...booked, lines: [...booked.lines, ...duplicates].sort((a, b) => a.lineNo - b.lineNo) });
    await after?.(c, result);
    return result;
  });
}

/** A line that moves money (bookLine's test): not refused by the parser, matched or sent to suspense, with an amount and a date. */
const bookable = (line: StatementLine, match: LineMatch | undefined): match is LineMatch => !line.refused && !!match && !!line.amount && !!line.bookingDate;

/** A matched line's payment: a wire payment vouched for by the statement's account, under the line's reference. */
function paymentOfLine(st: ParsedStatement, line: StatementLine, match: LineMatch, actor: string): PaymentInput {
  return {
    accountId: match.accountId!,
    amount: line.amount!,
    channel: 'wire',
    source: `statement:${st.accountIban}`,
    reference: line.reference,
    businessDate: line.bookingDate,
    payerNote: line.payerName,
    description: `Havale/EFT: ${st.statementId} satır ${line.lineNo}`,
    actor,
  };
}

/** Records a line: matched (its payment taken already), booked to suspense, or refused. */
async function bookLine(c: pg.PoolClient, statementRowId: number, st: ParsedStatement, line: StatementLine, match: LineMatch | undefined, actor: string, paymentId: number | undefined): Promise<void> {
  const insertLine = (outcome: string, extra: { matchedBy?: string; paymentId?: number; reason?: StatementReason }) =>
    c.query<{ id: number }>(
      `INSERT INTO collections_statement_line (statement_id, line_no, account_iban, reference, booking_date, amount, payer_iban, payer_name, remittance, outcome, matched_by, payment_id,
                                               reason, reason_code, reason_params)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id::int`,
      [statementRowId, line.lineNo, st.accountIban, line.reference, line.bookingDate ?? null, line.amount ?? null, line.payerIban ?? null, line.payerName ?? null, line.remittance ?? null,
        outcome, extra.matchedBy ?? null, extra.paymentId ?? null, ...reasonColumns(extra.reason)],
    );
  if (line.refused || !match || !line.amount || !line.bookingDate) {
    await insertLine('refused', { reason: line.refused ?? statementReason('NOT_BOOKABLE') });
    return;
  }
  if (match.accountId !== undefined) {
    await insertLine('matched', { matchedBy: match.by, paymentId });
    return;
  }
  const entry = await postEntry(c, {
    idempotencyKey: `suspense:${st.accountIban}:${line.reference}`,
    kind: 'transfer',
    businessDate: line.bookingDate,
    description: `Askıya alınan havale: ${st.statementId} satır ${line.lineNo}`,
    actor,
    lines: [
      { gl: 'bank_clearing', debit: line.amount },
      { gl: 'suspense', credit: line.amount },
    ],
  });
  const { rows } = await insertLine('suspense', { reason: match.reason });
  await c.query('INSERT INTO collections_suspense (line_id, amount, entry_id, reason, reason_code, reason_params) VALUES ($1, $2, $3, $4, $5, $6)', [rows[0].id, line.amount, entry.id, ...reasonColumns(match.reason)]);
}

/** `reason`, `reason_code`, `reason_params` of a line or suspense row. */
const reasonColumns = (r: StatementReason | undefined): [string | null, string | null, string | null] =>
  r ? [cleanText(r.text, 500) ?? null, r.code, JSON.stringify(r.params)] : [null, null, null];

/** A line reported but not stored (a duplicate of an earlier statement's). */
function report(line: StatementLine, outcome: LineOutcome, reason: StatementReason): StatementLineReport {
  return {
    lineNo: line.lineNo, reference: line.reference, amount: line.amount ?? null, bookingDate: line.bookingDate ?? null, outcome,
    matchedBy: null, accountId: null, paymentId: null, suspenseId: null, reason: reason.text, reasonCode: reason.code, reasonParams: reason.params,
  };
}

function summarise(s: StatementImport): StatementImport {
  const sum = (o: LineOutcome) => s.lines.filter((l) => l.outcome === o).reduce((t, l) => t.plus(l.amount ?? 0), new Money(0)).toFixed(2);
  const count = (o: LineOutcome) => s.lines.filter((l) => l.outcome === o).length;
  return { ...s, totals: { matched: sum('matched'), suspense: sum('suspense'), matchedLines: count('matched'), suspenseLines: count('suspense'), refusedLines: count('refused'), duplicateLines: count('duplicate') } };
}

/** A statement's import report as stored (lines that were duplicates of an earlier statement are not stored). */
export async function loadStatementImport(db: Db, id: number): Promise<StatementImport> {
  const { rows } = await db.query(
    `SELECT id::int, format, account_iban AS "accountIban", statement_id AS "statementId" FROM collections_statement WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_STATEMENT_NOT_FOUND', { id });
  const { rows: lines } = await db.query<StatementLineReport>(
    `SELECT l.line_no AS "lineNo", l.reference, l.amount::text, to_char(l.booking_date, 'YYYY-MM-DD') AS "bookingDate", l.outcome, l.matched_by AS "matchedBy",
            p.account_id::int AS "accountId", l.payment_id::int AS "paymentId", x.id::int AS "suspenseId", l.reason, l.reason_code AS "reasonCode", l.reason_params AS "reasonParams"
       FROM collections_statement_line l LEFT JOIN collections_payment p ON p.id = l.payment_id LEFT JOIN collections_suspense x ON x.line_id = l.id
      WHERE l.statement_id = $1 ORDER BY l.line_no`,
    [id],
  );
  return summarise({ ...rows[0], replayed: false, lines, totals: undefined as never });
}

/** One row of the imports list: what a statement brought and what became of it, without its lines. */
export interface StatementImportSummary {
  id: number;
  format: 'camt053' | 'csv';
  accountIban: string;
  statementId: string;
  importedAt: Date;
  actor: string;
  totals: { matched: string; suspense: string; matchedLines: number; suspenseLines: number; refusedLines: number };
}

/** The latest imports first, a page at a time (`before`: the last id of the previous page). */
export async function listStatementImports(db: Db, q: { before?: number; limit?: number } = {}): Promise<StatementImportSummary[]> {
  const { rows } = await db.query(
    `SELECT s.id::int, s.format, s.account_iban AS "accountIban", s.statement_id AS "statementId", s.imported_at AS "importedAt", s.actor,
            json_build_object(
              'matched', coalesce(sum(l.amount) FILTER (WHERE l.outcome = 'matched'), 0)::numeric(18,2)::text,
              'suspense', coalesce(sum(l.amount) FILTER (WHERE l.outcome = 'suspense'), 0)::numeric(18,2)::text,
              'matchedLines', count(l.id) FILTER (WHERE l.outcome = 'matched'),
              'suspenseLines', count(l.id) FILTER (WHERE l.outcome = 'suspense'),
              'refusedLines', count(l.id) FILTER (WHERE l.outcome = 'refused')) AS totals
       FROM collections_statement s LEFT JOIN collections_statement_line l ON l.statement_id = s.id
      WHERE $1::bigint IS NULL OR s.id < $1
      GROUP BY s.id ORDER BY s.id DESC LIMIT $2`,
    [q.before ?? null, q.limit ?? 50],
  );
  return rows;
}
