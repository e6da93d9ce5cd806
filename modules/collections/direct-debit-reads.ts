/**
 * The back office's lists of direct debit work, newest first and a page at a time (`before`: the last id of the
 * previous page, so a page does not shift while orders and lists are added): orders by status or subscription, and
 * the collection lists with what their result files brought so far. The console's screens read these; the one-item
 * reads (an order, a list with its lines) stay beside the code that writes them.
 */
import type { Db } from '../ledger/index.ts';
import { ORDER_SELECT, type DirectDebitOrder, type OrderStatus } from './direct-debit.ts';

export interface OrderQuery {
  status?: OrderStatus;
  subscriptionId?: string;
  before?: number;
  limit?: number;
}

export async function listOrders(db: Db, q: OrderQuery = {}): Promise<DirectDebitOrder[]> {
  const { rows } = await db.query<DirectDebitOrder>(
    `${ORDER_SELECT}
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR subscription_id = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [q.status ?? null, q.subscriptionId ?? null, q.before ?? null, q.limit ?? 50],
  );
  return rows;
}

/** What a list holds and what the bank has answered so far: amounts as decimal strings, counts of lines. */
export interface CollectionListTotals {
  lines: number;
  total: string;
  paidLines: number;
  paid: string;
  failedLines: number;
  failed: string;
  waitingLines: number;
}

export interface CollectionListSummary {
  id: number;
  bank: string;
  dueDate: string;
  createdAt: Date;
  actor: string;
  totals: CollectionListTotals;
}

/** The lists, newest first; `id` asks for one list's summary (the list page's totals). */
export async function listCollectionLists(db: Db, q: { bank?: string; id?: number; before?: number; limit?: number } = {}): Promise<CollectionListSummary[]> {
  const { rows } = await db.query<CollectionListSummary>(
    `SELECT l.id::int, l.bank, to_char(l.due_date, 'YYYY-MM-DD') AS "dueDate", l.created_at AS "createdAt", l.actor,
            json_build_object(
              'lines', count(i.line_no),
              'total', coalesce(sum(i.amount), 0)::numeric(18,2)::text,
              'paidLines', count(r.line_no) FILTER (WHERE r.outcome = 'paid'),
              'paid', coalesce(sum(i.amount) FILTER (WHERE r.outcome = 'paid'), 0)::numeric(18,2)::text,
              'failedLines', count(r.line_no) FILTER (WHERE r.outcome = 'failed'),
              'failed', coalesce(sum(i.amount) FILTER (WHERE r.outcome = 'failed'), 0)::numeric(18,2)::text,
              'waitingLines', count(i.line_no) FILTER (WHERE r.line_no IS NULL)) AS totals
       FROM collections_dd_list l
       LEFT JOIN collections_dd_list_item i ON i.list_id = l.id
       LEFT JOIN collections_dd_result r ON r.list_id = i.list_id AND r.line_no = i.line_no
      WHERE ($1::text IS NULL OR l.bank = $1) AND ($2::bigint IS NULL OR l.id = $2) AND ($3::bigint IS NULL OR l.id < $3)
      GROUP BY l.id ORDER BY l.id DESC LIMIT $4`,
    [q.bank ?? null, q.id ?? null, q.before ?? null, q.limit ?? 50],
  );
  return rows;
}
