/**
 * Posting many entries in one statement per table, for bill runs: the same rules as postEntry (checkEntry on every
 * entry; the database's deferred balance trigger and append-only triggers still fire for every row), with headers,
 * lines and items written by `unnest` instead of one round trip per entry. Runs on the caller's transaction.
 * An entry whose idempotency key was posted before is skipped (replayed), never written twice.
 *
 * No per-account advisory lock is taken: an accrual only adds a receivable debit and a new item, and no settlement
 * check reads the absence of either; locking thousands of accounts in one transaction would exhaust the lock table.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { dueDate as businessDueDate } from '../../platform/calendar.ts';
import { toSql } from '../../platform/money.ts';
import { arrayLiteral } from '../../platform/db/array-literal.ts';
import { RECEIVABLES } from './chart.ts';
import { checkEntry, type EntryInput } from './entry-rules.ts';
import { ledgerConfig } from './entries.ts';

export interface BulkPosted {
  entryId: number;
  /** The key had been posted before; nothing was written for it now. */
  replayed: boolean;
  /** The item the entry opened now (an accrual, a fee); undefined when it opened none or was replayed. */
  itemId?: number;
}

export async function postEntries(c: pg.PoolClient, inputs: EntryInput[]): Promise<Map<string, BulkPosted>> {
  const out = new Map<string, BulkPosted>();
  if (inputs.length === 0) return out;
  const checked = inputs.map(checkEntry);
  const keys = new Set<string>();
  for (const e of inputs) {
    if (keys.has(e.idempotencyKey)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: `idempotencyKey ${e.idempotencyKey} appears twice in one batch` });
    keys.add(e.idempotencyKey);
  }
  const accountIds = [...new Set(inputs.map((e) => e.accountId).filter((a): a is number => a !== undefined))];
  if (accountIds.length) {
    const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_account WHERE id = ANY($1::bigint[])', [arrayLiteral(accountIds)]);
    if (rows[0].n !== accountIds.length) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: 'one of the batch' });
  }

  const { rows: headers } = await c.query<{ id: number; idempotency_key: string }>(
    `INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date, description, actor)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::date[], $5::text[], $6::text[])
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key`,
    [
      arrayLiteral(inputs.map((e) => e.idempotencyKey)),
      arrayLiteral(inputs.map((e) => e.kind)),
      arrayLiteral(inputs.map((e) => e.accountId ?? null)),
      arrayLiteral(inputs.map((e) => e.businessDate)),
      arrayLiteral(inputs.map((e) => e.description ?? null)),
      arrayLiteral(inputs.map((e) => e.actor ?? 'system')),
    ],
  );
  const fresh = new Map(headers.map((h) => [h.idempotency_key, h.id]));
  const replayedKeys = inputs.map((e) => e.idempotencyKey).filter((k) => !fresh.has(k));
  if (replayedKeys.length) {
    const { rows } = await c.query<{ id: number; idempotency_key: string }>('SELECT id, idempotency_key FROM ledger_entry WHERE idempotency_key = ANY($1::text[])', [arrayLiteral(replayedKeys)]);
    for (const r of rows) out.set(r.idempotency_key, { entryId: r.id, replayed: true });
  }

  const line = { entry: [] as number[], no: [] as number[], gl: [] as string[], account: [] as (number | null)[], debit: [] as string[], credit: [] as string[], descr: [] as (string | null)[] };
  const item = { account: [] as number[], entry: [] as number[], amount: [] as string[], period: [] as (string | null)[], due: [] as string[] };
  const dueDays = ledgerConfig().dueDays;
  const dueCache = new Map<string, string>();
  checked.forEach(({ input, lines, receivableNet }) => {
    const id = fresh.get(input.idempotencyKey);
    if (id === undefined) return;
    out.set(input.idempotencyKey, { entryId: id, replayed: false });
    lines.forEach((l, i) => {
      line.entry.push(id);
      line.no.push(i + 1);
      line.gl.push(l.gl);
      line.account.push(l.gl === RECEIVABLES ? input.accountId ?? null : null);
      // A line is a debit or a credit: its other side is zero, written without a decimal's toFixed.
      line.debit.push(l.debit.isZero() ? '0' : toSql(l.debit));
      line.credit.push(l.credit.isZero() ? '0' : toSql(l.credit));
      line.descr.push(l.description);
    });
    if (input.item && receivableNet.greaterThan(0)) {
      const { periodEnd, dueDate, period } = input.item;
      let due = dueDate;
      if (!due) {
        due = dueCache.get(periodEnd!);
        if (!due) dueCache.set(periodEnd!, (due = businessDueDate(periodEnd!, dueDays)));
      }
      item.account.push(input.accountId!);
      item.entry.push(id);
      item.amount.push(toSql(receivableNet));
      item.period.push(period ?? (periodEnd ? DateTime.fromISO(periodEnd).toFormat('yyyy-MM') : null));
      item.due.push(due);
    }
  });
  if (line.entry.length) {
    await c.query(
      `INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit, description)
       SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::bigint[], $5::numeric[], $6::numeric[], $7::text[])`,
      [line.entry, line.no, line.gl, line.account, line.debit, line.credit, line.descr].map(arrayLiteral),
    );
  }
  if (item.entry.length) {
    const { rows: opened } = await c.query<{ id: number; entryId: number }>(
      `INSERT INTO ledger_item (account_id, entry_id, amount, period, due_date)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::text[], $5::date[]) RETURNING id, entry_id AS "entryId"`,
      [item.account, item.entry, item.amount, item.period, item.due].map(arrayLiteral),
    );
    const keyOf = new Map([...fresh].map(([key, id]) => [id, key]));
    for (const o of opened) out.get(keyOf.get(o.entryId)!)!.itemId = o.id;
  }
  return out;
}

/**
 * Opens (idempotently) the current accounts of many subscriptions; subscription id → account id. Existing accounts
 * are read first and only the missing ones inserted: in a month after the first, every account exists, and an
 * `INSERT … ON CONFLICT DO NOTHING` of them all cost a unique-index probe and a speculative insertion each (13.6 s of a
 * 1,000,000-bill run's database time, bench:billing --statements, against 1.3 s for reading them).
 */
export async function openAccounts(c: pg.PoolClient, subscriptionIds: string[]): Promise<Map<string, number>> {
  if (subscriptionIds.length === 0) return new Map();
  const read = async (ids: string[], into: Map<string, number>) => {
    const { rows } = await c.query<{ id: number; subscription_id: string }>('SELECT id, subscription_id FROM ledger_account WHERE subscription_id = ANY($1::text[])', [arrayLiteral(ids)]);
    for (const r of rows) into.set(r.subscription_id, r.id);
    return into;
  };
  const accounts = await read(subscriptionIds, new Map());
  const missing = subscriptionIds.filter((s) => !accounts.has(s));
  if (missing.length === 0) return accounts;
  // Sorted, so two runs opening overlapping sets wait for each other instead of deadlocking; one opened meanwhile by
  // another transaction is skipped here and read below.
  await c.query('INSERT INTO ledger_account (subscription_id) SELECT DISTINCT s FROM unnest($1::text[]) AS s ORDER BY s ON CONFLICT (subscription_id) DO NOTHING', [arrayLiteral(missing)]);
  return read(missing, accounts);
}
