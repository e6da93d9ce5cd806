/**
 * Settlement of open items. An allocation applies money of a credit entry (a payment, a credit note) to an item, in
 * append-only rows: an item's open amount is its amount less its allocations, a payment's unallocated money is its
 * receivable credit less its allocations. Undoing a settlement (its payment or its item was reversed) appends a
 * release row of the opposite sign. Both limits are checked here under the account lock, and again by the database
 * at commit for the item's side.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money, toSql } from '../../platform/money.ts';
import { CREDIT_KINDS } from './chart.ts';
import { inTransaction, lockAccount, type Db } from './db.ts';
import { lockAccounts } from './account-locks.ts';
import { parseAmount } from './amounts.ts';
import { isLocalDate } from './entry-rules.ts';

export interface AllocationInput {
  /** The payment or credit entry whose money settles the item. */
  sourceEntryId: number;
  itemId: number;
  amount: string | number;
  /** The business date of the settlement (aging as of an earlier date ignores it); today in Istanbul by default. */
  onDate?: string;
}

export interface Allocation {
  id: number;
  itemId: number;
  sourceEntryId: number;
  amount: string;
  releases: number | null;
  onDate: string;
}

const COLUMNS = `id, item_id AS "itemId", source_entry_id AS "sourceEntryId", amount::text, releases, to_char(on_date, 'YYYY-MM-DD') AS "onDate"`;
const invalid = (detail: string) => new AboneError('ABONE_ERR_LEDGER_ALLOCATION_INVALID', { detail });

export async function allocate(db: Db, input: AllocationInput): Promise<Allocation> {
  const amount = parseAmount(input.amount, 'amount');
  if (input.onDate !== undefined && !isLocalDate(input.onDate)) throw invalid('onDate must be a date YYYY-MM-DD');
  const onDate = input.onDate ?? localDate(Date.now());
  if (!Number.isSafeInteger(input.itemId) || input.itemId < 1) throw new AboneError('ABONE_ERR_LEDGER_ITEM_NOT_FOUND', { id: input.itemId });
  if (!Number.isSafeInteger(input.sourceEntryId) || input.sourceEntryId < 1) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_NOT_FOUND', { id: input.sourceEntryId });
  return inTransaction(db, async (c) => {
    const { rows: items } = await c.query<{ accountId: number }>('SELECT account_id AS "accountId" FROM ledger_item WHERE id = $1', [input.itemId]);
    if (!items[0]) throw new AboneError('ABONE_ERR_LEDGER_ITEM_NOT_FOUND', { id: input.itemId });
    const { rows: sources } = await c.query<{ accountId: number | null; kind: string }>('SELECT account_id AS "accountId", kind FROM ledger_entry WHERE id = $1', [input.sourceEntryId]);
    if (!sources[0]) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_NOT_FOUND', { id: input.sourceEntryId });
    const accountId = items[0].accountId;
    await lockAccount(c, accountId);
    if (!(CREDIT_KINDS as readonly string[]).includes(sources[0].kind)) throw invalid(`entry ${input.sourceEntryId} is a ${sources[0].kind}, not a payment or credit`);
    if (sources[0].accountId !== accountId) throw invalid(`entry ${input.sourceEntryId} and item ${input.itemId} belong to different current accounts`);
    if (await reversedBy(c, input.sourceEntryId)) throw invalid(`entry ${input.sourceEntryId} is reversed`);
    const itemOpen = await openAmount(c, input.itemId);
    if (amount.greaterThan(itemOpen)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: amount.toFixed(2), what: `the open amount of item ${input.itemId}`, available: itemOpen.toFixed(2) });
    const free = await unallocated(c, input.sourceEntryId);
    if (amount.greaterThan(free)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: amount.toFixed(2), what: `the unallocated money of entry ${input.sourceEntryId}`, available: free.toFixed(2) });
    return insertAllocation(c, { itemId: input.itemId, sourceEntryId: input.sourceEntryId, amount: toSql(amount), onDate });
  });
}

export async function insertAllocation(c: pg.PoolClient, a: { itemId: number; sourceEntryId: number; amount: string; onDate: string; releases?: number }): Promise<Allocation> {
  const { rows } = await c.query<Allocation>(
    `INSERT INTO ledger_allocation (item_id, source_entry_id, amount, releases, on_date) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [a.itemId, a.sourceEntryId, a.amount, a.releases ?? null, a.onDate],
  );
  return rows[0];
}

/** Appends a release for every live allocation of a source entry (`by: 'source'`) or of an item (`by: 'item'`). */
export async function releaseAllocations(c: pg.PoolClient, by: 'source' | 'item', id: number, onDate: string): Promise<number> {
  const column = by === 'source' ? 'source_entry_id' : 'item_id';
  const { rowCount } = await c.query(
    `INSERT INTO ledger_allocation (item_id, source_entry_id, amount, releases, on_date)
     SELECT a.item_id, a.source_entry_id, -a.amount, a.id, $2 FROM ledger_allocation a
     WHERE a.${column} = $1 AND a.amount > 0 AND NOT EXISTS (SELECT 1 FROM ledger_allocation r WHERE r.releases = a.id)
     ORDER BY a.id`,
    [id, onDate],
  );
  return rowCount ?? 0;
}

export async function reversedBy(db: Db, entryId: number): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM ledger_entry WHERE reverses = $1', [entryId]);
  return rows[0]?.id;
}

async function openAmount(c: pg.PoolClient, itemId: number): Promise<Money> {
  const { rows } = await c.query<{ open: string }>(
    'SELECT (i.amount - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE item_id = i.id), 0))::text AS open FROM ledger_item i WHERE i.id = $1',
    [itemId],
  );
  return new Money(rows[0].open);
}

/** A credit entry's receivable credit not yet applied to items (0 once the entry is reversed). */
async function unallocated(c: pg.PoolClient, entryId: number): Promise<Money> {
  const { rows } = await c.query<{ free: string }>(
    `SELECT (coalesce((SELECT sum(credit - debit) FROM ledger_line WHERE entry_id = $1 AND account_id IS NOT NULL), 0)
           - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE source_entry_id = $1), 0))::text AS free`,
    [entryId],
  );
  return new Money(rows[0].free);
}

export interface Settlement {
  itemId: number;
  amount: string;
}

/**
 * Several settlements of one credit entry in one statement, for callers that already hold the account lock and chose
 * the amounts from a fresh read under it (a payment and its allocation in one transaction). The limits are checked
 * again here, in bulk: each item's open amount and the entry's unallocated money.
 */
export async function allocateMany(c: pg.PoolClient, input: { accountId: number; sourceEntryId: number; onDate: string; settlements: Settlement[] }): Promise<Allocation[]> {
  const wanted = input.settlements.filter((s) => new Money(s.amount).greaterThan(0));
  if (!wanted.length) return [];
  await lockAccount(c, input.accountId);
  const ids = wanted.map((s) => s.itemId);
  const { rows: open } = await c.query<{ id: number; open: string }>(
    `SELECT i.id, (i.amount - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE item_id = i.id), 0))::text AS open
     FROM ledger_item i WHERE i.id = ANY($1::bigint[]) AND i.account_id = $2`,
    [ids, input.accountId],
  );
  const openById = new Map(open.map((r) => [Number(r.id), new Money(r.open)]));
  let total = new Money(0);
  for (const s of wanted) {
    const itemOpen = openById.get(s.itemId);
    if (!itemOpen) throw new AboneError('ABONE_ERR_LEDGER_ITEM_NOT_FOUND', { id: s.itemId });
    if (new Money(s.amount).greaterThan(itemOpen)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: s.amount, what: `the open amount of item ${s.itemId}`, available: itemOpen.toFixed(2) });
    openById.set(s.itemId, itemOpen.minus(s.amount));
    total = total.plus(s.amount);
  }
  const free = await unallocated(c, input.sourceEntryId);
  if (total.greaterThan(free)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: total.toFixed(2), what: `the unallocated money of entry ${input.sourceEntryId}`, available: free.toFixed(2) });
  const { rows } = await c.query<Allocation>(
    `INSERT INTO ledger_allocation (item_id, source_entry_id, amount, on_date)
     SELECT x.item, $1, x.amount, $2 FROM unnest($3::bigint[], $4::numeric[]) WITH ORDINALITY AS x(item, amount, n) ORDER BY x.n
     RETURNING ${COLUMNS}`,
    [input.sourceEntryId, input.onDate, ids, wanted.map((s) => s.amount)],
  );
  return rows;
}

export interface SourceSettlements {
  accountId: number;
  /** The payment or credit entry whose money settles the items; it belongs to `accountId`. */
  sourceEntryId: number;
  onDate: string;
  settlements: Settlement[];
}

/**
 * The settlements of many credit entries on many accounts in one statement (a payment batch): `allocateMany` for a
 * whole file. The accounts are locked (ascending; the caller usually holds them already), and the limits are checked
 * in bulk from one read each: every item belongs to its source's account and is not settled beyond its open amount,
 * counting the batch's own earlier rows for it; every source is a payment or credit of that account, not reversed,
 * and spends no more than its unallocated money. The database's deferred trigger checks each item again at COMMIT.
 * Rows are written in the order given, so each source's settlements keep their order.
 */
export async function allocateBulk(c: pg.PoolClient, sources: SourceSettlements[]): Promise<number> {
  const rows = sources.flatMap((s) => s.settlements.map((x) => ({ itemId: x.itemId, amount: new Money(x.amount), source: s })).filter((x) => x.amount.greaterThan(0)));
  if (!rows.length) return 0;
  const badDate = sources.find((s) => !isLocalDate(s.onDate));
  if (badDate) throw invalid(`onDate ${String(badDate.onDate)} is not a date YYYY-MM-DD`);
  await lockAccounts(c, sources.map((s) => s.accountId));
  const itemIds = [...new Set(rows.map((r) => r.itemId))];
  const { rows: open } = await c.query<{ id: number; accountId: number; open: string }>(
    `SELECT i.id, i.account_id AS "accountId", (i.amount - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE item_id = i.id), 0))::text AS open
     FROM ledger_item i WHERE i.id = ANY($1::bigint[])`,
    [itemIds],
  );
  const items = new Map(open.map((r) => [r.id, { accountId: r.accountId, open: new Money(r.open) }]));
  const entryIds = [...new Set(sources.map((s) => s.sourceEntryId))];
  const { rows: free } = await c.query<{ id: number; accountId: number | null; kind: string; reversed: boolean; free: string }>(
    `SELECT e.id, e.account_id AS "accountId", e.kind, EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id) AS reversed,
            (coalesce((SELECT sum(credit - debit) FROM ledger_line WHERE entry_id = e.id AND account_id IS NOT NULL), 0)
             - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE source_entry_id = e.id), 0))::text AS free
     FROM ledger_entry e WHERE e.id = ANY($1::bigint[])`,
    [entryIds],
  );
  const entries = new Map(free.map((r) => [r.id, { ...r, free: new Money(r.free) }]));
  for (const r of rows) {
    const { accountId, sourceEntryId } = r.source;
    const entry = entries.get(sourceEntryId);
    if (!entry) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_NOT_FOUND', { id: sourceEntryId });
    if (!(CREDIT_KINDS as readonly string[]).includes(entry.kind)) throw invalid(`entry ${sourceEntryId} is a ${entry.kind}, not a payment or credit`);
    if (entry.accountId !== accountId) throw invalid(`entry ${sourceEntryId} is not of current account ${accountId}`);
    if (entry.reversed) throw invalid(`entry ${sourceEntryId} is reversed`);
    const item = items.get(r.itemId);
    if (!item || item.accountId !== accountId) throw new AboneError('ABONE_ERR_LEDGER_ITEM_NOT_FOUND', { id: r.itemId });
    if (r.amount.greaterThan(item.open)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: r.amount.toFixed(2), what: `the open amount of item ${r.itemId}`, available: item.open.toFixed(2) });
    if (r.amount.greaterThan(entry.free)) throw new AboneError('ABONE_ERR_LEDGER_OVER_ALLOCATION', { amount: r.amount.toFixed(2), what: `the unallocated money of entry ${sourceEntryId}`, available: entry.free.toFixed(2) });
    item.open = item.open.minus(r.amount);
    entry.free = entry.free.minus(r.amount);
  }
  const { rowCount } = await c.query(
    `INSERT INTO ledger_allocation (item_id, source_entry_id, amount, on_date)
     SELECT x.item, x.source, x.amount, x.on_date FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::date[]) WITH ORDINALITY AS x(item, source, amount, on_date, n) ORDER BY x.n`,
    [rows.map((r) => r.itemId), rows.map((r) => r.source.sourceEntryId), rows.map((r) => r.amount.toFixed(2)), rows.map((r) => r.source.onDate)],
  );
  return rowCount ?? 0;
}
