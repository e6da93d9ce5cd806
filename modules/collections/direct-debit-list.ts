/**
 * Due-date collection lists and their result files. For a bank and a day the list holds, for every active order of
 * the bank, each open item of the order's account due that day, at its open amount: the file the bank debits. The
 * list is made once per bank and day (asking again returns it as made). The bank answers per line:
 * - paid: a `direct_debit` payment with source `dd:<bank>` and reference `<list id>-<line>`, dated on the due date
 *   (no late fee), settling the line's item first when it is still open (else by the allocation rules, as credit);
 * - failed (insufficient funds, closed account ...): recorded with the bank's reason; the item stays open and is
 *   dunned like any other, its late fee running from its due date.
 * Each line is recorded once: a result file sent again answers `unchanged` for lines it repeats (a different answer
 * for an answered line is a `conflict`, reported and not applied). The lines go in chunks, each one transaction.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccounts, openItemsOf, type Db } from '../ledger/index.ts';
import { takePayments } from './payments-batch.ts';
import type { InTransaction } from './statement-import.ts';

export interface CollectionListLine {
  line: number;
  orderId: number;
  subscriptionId: string;
  accountId: number;
  itemId: number;
  amount: string;
  payerIban: string;
  result: { outcome: 'paid' | 'failed'; reasonCode: string | null; reason: string | null; paymentId: number | null } | null;
}

export interface CollectionList {
  id: number;
  bank: string;
  dueDate: string;
  createdAt: Date;
  total: string;
  lines: CollectionListLine[];
  /** True when the list for this bank and day had been made before: this is that list. */
  replayed: boolean;
}

export interface ResultLine {
  line: number;
  status: 'paid' | 'failed';
  reasonCode?: string;
  reason?: string;
}

export interface ResultAnswer {
  line: number;
  status: 'recorded' | 'unchanged' | 'conflict';
  outcome: 'paid' | 'failed';
  paymentId: number | null;
}

const invalid = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID', { reason });
const DEBITABLE = new Set(['accrual', 'fee', 'deposit']);

export async function buildCollectionList(pool: pg.Pool, input: { bank: string; dueDate: string; actor: string }, after?: InTransaction<CollectionList>): Promise<CollectionList> {
  if (typeof input.bank !== 'string' || !/^[0-9]{4,5}$/.test(input.bank)) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'bank', reason: "the bank's EFT code, 4 or 5 digits" });
  if (typeof input.dueDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.dueDate)) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'dueDate', reason: 'a date YYYY-MM-DD' });
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_dd_list (bank, due_date, actor) VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT collections_dd_list_once DO NOTHING RETURNING id::int`,
      [input.bank, input.dueDate, input.actor],
    );
    if (!rows[0]) {
      const { rows: made } = await c.query<{ id: number }>('SELECT id::int FROM collections_dd_list WHERE bank = $1 AND due_date = $2', [input.bank, input.dueDate]);
      return { ...(await loadCollectionList(c, made[0].id)), replayed: true };
    }
    const listId = rows[0].id;
    const { rows: orders } = await c.query<{ id: number; accountId: number; subscriptionId: string; payerIban: string }>(
      `SELECT id::int, account_id::int AS "accountId", subscription_id AS "subscriptionId", payer_iban AS "payerIban"
         FROM collections_dd_order WHERE bank = $1 AND status = 'active' ORDER BY subscription_id, id`,
      [input.bank],
    );
    const open = await openItemsOf(c, orders.map((o) => o.accountId), input.dueDate);
    const lines = orders.flatMap((order) =>
      (open.get(order.accountId) ?? []).filter((i) => i.dueDate === input.dueDate && DEBITABLE.has(i.kind)).map((item) => ({ order, item })),
    );
    await c.query(
      `INSERT INTO collections_dd_list_item (list_id, line_no, order_id, account_id, subscription_id, item_id, amount, payer_iban)
       SELECT $1, u.* FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::numeric[], $8::text[]) AS u`,
      [listId, lines.map((_, k) => k + 1), lines.map((l) => l.order.id), lines.map((l) => l.order.accountId), lines.map((l) => l.order.subscriptionId),
        lines.map((l) => l.item.id), lines.map((l) => l.item.open), lines.map((l) => l.order.payerIban)],
    );
    const list = await loadCollectionList(c, listId);
    await after?.(c, list);
    return list;
  });
}

export async function loadCollectionList(db: Db, id: number): Promise<CollectionList> {
  const { rows } = await db.query(
    `SELECT id::int, bank, to_char(due_date, 'YYYY-MM-DD') AS "dueDate", created_at AS "createdAt",
            (SELECT coalesce(sum(amount), 0)::numeric(18,2)::text FROM collections_dd_list_item WHERE list_id = l.id) AS total
       FROM collections_dd_list l WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DD_LIST_NOT_FOUND', { id });
  const { rows: lines } = await db.query<CollectionListLine>(
    `SELECT i.line_no AS line, i.order_id::int AS "orderId", i.subscription_id AS "subscriptionId", i.account_id::int AS "accountId", i.item_id::int AS "itemId",
            i.amount::text, i.payer_iban AS "payerIban",
            CASE WHEN r.list_id IS NULL THEN NULL ELSE json_build_object('outcome', r.outcome, 'reasonCode', r.reason_code, 'reason', r.reason, 'paymentId', r.payment_id) END AS result
       FROM collections_dd_list_item i LEFT JOIN collections_dd_result r ON r.list_id = i.list_id AND r.line_no = i.line_no
      WHERE i.list_id = $1 ORDER BY i.line_no`,
    [id],
  );
  return { ...rows[0], lines, replayed: false };
}

/**
 * Reads the bank's result file: every line checked before any is applied, so a malformed file writes nothing. The
 * lines are applied in chunks of RESULT_CHUNK, each chunk one transaction; `after` runs in that transaction for each
 * line recorded now (the route's audit row).
 */
export async function importResults(pool: pg.Pool, input: { listId: number; bank?: string; lines: ResultLine[]; actor: string }, after?: InTransaction<ResultAnswer>): Promise<ResultAnswer[]> {
  const list = await loadCollectionList(pool, input.listId);
  if (input.bank !== undefined && input.bank !== list.bank) throw new AboneError('ABONE_ERR_COLLECTIONS_DD_LIST_NOT_FOUND', { id: input.listId });
  if (!Array.isArray(input.lines) || input.lines.length < 1) throw invalid('it holds no lines');
  const byLine = new Map(list.lines.map((l) => [l.line, l]));
  const seen = new Set<number>();
  for (const [i, r] of input.lines.entries()) {
    if (!r || !Number.isInteger(r.line) || !byLine.has(r.line)) throw invalid(`entry ${i + 1}: line ${String(r?.line)} is not a line of list ${list.id}`);
    if (seen.has(r.line)) throw invalid(`line ${r.line} is answered twice`);
    seen.add(r.line);
    if (r.status !== 'paid' && r.status !== 'failed') throw invalid(`line ${r.line}: status must be paid or failed`);
    if (r.status === 'failed' && (typeof r.reasonCode !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(r.reasonCode))) throw invalid(`line ${r.line}: a failed line needs a reasonCode (1 to 20 letters, digits, _ -)`);
    if (r.reason !== undefined && (typeof r.reason !== 'string' || r.reason.length > 200 || /\p{Cc}/u.test(r.reason))) throw invalid(`line ${r.line}: reason is at most 200 characters`);
  }
  const answers: ResultAnswer[] = [];
  for (let i = 0; i < input.lines.length; i += RESULT_CHUNK) {
    const chunk = input.lines.slice(i, i + RESULT_CHUNK).map((r): Answered => ({ item: byLine.get(r.line)!, result: r }));
    answers.push(...(await applyResults(pool, list, chunk, input.actor, after)));
  }
  return answers;
}

/** Lines per transaction: a 50,000-line file is a hundred transactions, not fifty thousand. */
const RESULT_CHUNK = 500;

interface Answered {
  item: CollectionListLine;
  result: ResultLine;
}

/**
 * One chunk: the lines' accounts locked (ascending, as every payment path locks), the lines answered before read
 * once, the paid ones taken as one batch of payments (takePayments: the same outcome as one at a time), the results
 * written in one statement.
 */
async function applyResults(pool: pg.Pool, list: CollectionList, chunk: Answered[], actor: string, after?: InTransaction<ResultAnswer>): Promise<ResultAnswer[]> {
  return withTransaction(pool, async (c) => {
    await lockAccounts(c, chunk.map((a) => a.item.accountId));
    const { rows } = await c.query<{ line: number; outcome: 'paid' | 'failed'; paymentId: number | null }>(
      'SELECT line_no::int AS line, outcome, payment_id::int AS "paymentId" FROM collections_dd_result WHERE list_id = $1 AND line_no = ANY($2::int[])',
      [list.id, chunk.map((a) => a.item.line)],
    );
    const before = new Map(rows.map((r) => [r.line, r]));
    const fresh = chunk.filter((a) => !before.has(a.item.line));
    const paid = fresh.filter((a) => a.result.status === 'paid');
    const open = await openItemsOf(c, paid.map((a) => a.item.accountId));
    const payments = await takePayments(c, paid.map(({ item }) => ({
      accountId: item.accountId,
      amount: item.amount,
      channel: 'direct_debit',
      source: `dd:${list.bank}`,
      reference: `${list.id}-${item.line}`,
      businessDate: list.dueDate,
      // The line's item first while it is still open; paid meanwhile (at the desk), the bank's money goes by the rules.
      itemIds: open.get(item.accountId)?.some((i) => i.id === item.itemId) ? [item.itemId] : undefined,
      description: `Otomatik ödeme: liste ${list.id} satır ${item.line}`,
      actor,
    })));
    const paymentOf = new Map(paid.map((a, k) => [a.item.line, payments[k].id]));
    await c.query(
      `INSERT INTO collections_dd_result (list_id, line_no, outcome, reason_code, reason, payment_id, actor)
       SELECT $1, u.line_no, u.outcome, u.reason_code, u.reason, u.payment_id, $7
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(line_no, outcome, reason_code, reason, payment_id)`,
      [
        list.id,
        fresh.map((a) => a.item.line),
        fresh.map((a) => a.result.status),
        fresh.map((a) => (a.result.status === 'failed' ? a.result.reasonCode! : null)),
        fresh.map((a) => a.result.reason ?? null),
        fresh.map((a) => paymentOf.get(a.item.line) ?? null),
        actor,
      ],
    );
    const answers: ResultAnswer[] = [];
    for (const { item, result } of chunk) {
      const earlier = before.get(item.line);
      if (earlier) {
        answers.push({ line: item.line, status: earlier.outcome === result.status ? 'unchanged' : 'conflict', outcome: earlier.outcome, paymentId: earlier.paymentId });
        continue;
      }
      const answer: ResultAnswer = { line: item.line, status: 'recorded', outcome: result.status, paymentId: paymentOf.get(item.line) ?? null };
      await after?.(c, answer);
      answers.push(answer);
    }
    return answers;
  });
}
