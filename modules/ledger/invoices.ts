/**
 * Bulk invoices (toplu fatura): one invoice over every open accrual or fee of an account that no invoice has taken
 * yet. Numbers run per prefix and year without gaps: the counter row is taken by an upsert inside the invoice's
 * transaction, so a failed invoice returns its number and concurrent invoices queue for it.
 */
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import { inTransaction, lockAccount, type Db } from './db.ts';
import { requireAccount } from './accounts.ts';
import { isLocalDate } from './entry-rules.ts';
import { ledgerConfig } from './entries.ts';

export interface InvoiceLine {
  gl: string;
  description: string | null;
  amount: string;
}

export interface InvoiceItem {
  itemId: number;
  entryId: number;
  period: string | null;
  dueDate: string;
  amount: string;
  open: string;
  /** The accrual's credit lines: revenue and each tax, as posted. */
  lines: InvoiceLine[];
}

export interface Invoice {
  number: string;
  accountId: number;
  subscriptionId: string;
  issueDate: string;
  dueDate: string;
  total: string;
  actor: string;
  items: InvoiceItem[];
}

export async function createInvoice(db: Db, accountId: number, options: { issueDate?: string; actor?: string } = {}): Promise<Invoice> {
  if (options.issueDate !== undefined && !isLocalDate(options.issueDate)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'issueDate must be a date YYYY-MM-DD' });
  const issueDate = options.issueDate ?? localDate(Date.now());
  const { invoicePrefix } = ledgerConfig();
  const number = await inTransaction(db, async (c) => {
    await requireAccount(c, accountId);
    await lockAccount(c, accountId);
    const { rows: items } = await c.query<{ id: number; amount: string; dueDate: string }>(
      `SELECT i.id, i.amount::text, to_char(i.due_date, 'YYYY-MM-DD') AS "dueDate" FROM ledger_item i JOIN ledger_entry e ON e.id = i.entry_id
       WHERE i.account_id = $1 AND e.business_date <= $2
         AND i.amount > coalesce((SELECT sum(amount) FROM ledger_allocation WHERE item_id = i.id), 0)
         AND NOT EXISTS (SELECT 1 FROM ledger_invoice_item ii WHERE ii.item_id = i.id)
       ORDER BY i.due_date, i.id`,
      [accountId, issueDate],
    );
    if (!items.length) throw new AboneError('ABONE_ERR_LEDGER_NOTHING_TO_INVOICE', { id: accountId });
    const year = DateTime.fromISO(issueDate).year;
    const { rows: counter } = await c.query<{ n: number }>(
      `INSERT INTO ledger_invoice_counter (prefix, year, last_no) VALUES ($1, $2, 1)
       ON CONFLICT (prefix, year) DO UPDATE SET last_no = ledger_invoice_counter.last_no + 1 RETURNING last_no AS n`,
      [invoicePrefix, year],
    );
    const no = `${invoicePrefix}${year}${String(counter[0].n).padStart(6, '0')}`;
    const total = items.reduce((s, i) => s.plus(i.amount), new Money(0));
    // The earliest due date of its items: the date by which the subscriber must pay to be in arrears on none of them.
    const dueDate = items.map((i) => i.dueDate).sort()[0];
    await c.query('INSERT INTO ledger_invoice (number, account_id, issue_date, due_date, total, actor) VALUES ($1, $2, $3, $4, $5, $6)', [
      no,
      accountId,
      issueDate,
      dueDate,
      total.toFixed(2),
      options.actor ?? 'system',
    ]);
    await c.query('INSERT INTO ledger_invoice_item (invoice_number, item_id) SELECT $1, unnest($2::bigint[])', [no, items.map((i) => i.id)]);
    return no;
  });
  return loadInvoice(db, number);
}

export async function loadInvoice(db: Db, number: string): Promise<Invoice> {
  const { rows } = await db.query<Omit<Invoice, 'items'>>(
    `SELECT v.number, v.account_id AS "accountId", a.subscription_id AS "subscriptionId", to_char(v.issue_date, 'YYYY-MM-DD') AS "issueDate",
            to_char(v.due_date, 'YYYY-MM-DD') AS "dueDate", v.total::text, v.actor
     FROM ledger_invoice v JOIN ledger_account a ON a.id = v.account_id WHERE v.number = $1`,
    [number],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_LEDGER_INVOICE_NOT_FOUND', { number });
  const { rows: items } = await db.query<Omit<InvoiceItem, 'lines'>>(
    `SELECT i.id AS "itemId", i.entry_id AS "entryId", i.period, to_char(i.due_date, 'YYYY-MM-DD') AS "dueDate", i.amount::text,
            (i.amount - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE item_id = i.id), 0))::text AS open
     FROM ledger_invoice_item ii JOIN ledger_item i ON i.id = ii.item_id WHERE ii.invoice_number = $1 ORDER BY i.due_date, i.id`,
    [number],
  );
  const { rows: lines } = await db.query<InvoiceLine & { entryId: number }>(
    `SELECT l.entry_id AS "entryId", l.gl_account AS gl, l.description, l.credit::text AS amount FROM ledger_line l
     WHERE l.entry_id = ANY($1::bigint[]) AND l.credit > 0 ORDER BY l.entry_id, l.line_no`,
    [items.map((i) => i.entryId)],
  );
  return {
    ...rows[0],
    items: items.map((i) => ({ ...i, lines: lines.filter((l) => l.entryId === i.entryId).map(({ gl, description, amount }) => ({ gl, description, amount })) })),
  };
}
