/**
 * What a drawer took, by method, and what it should hold: the close report a cashier signs and the daily report per
 * office sums. Cancelled payments are listed apart and take their cash back out of the expected amount.
 */
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import type { Db } from '../ledger/index.ts';

export interface MethodTotal {
  channel: string;
  count: number;
  total: string;
}

export interface DrawerReport {
  drawerId: number;
  office: string;
  cashier: string;
  businessDate: string;
  openingFloat: string;
  byMethod: MethodTotal[];
  cancelled: MethodTotal[];
  /** Opening float + cash taken − cash of cancelled payments. */
  expectedCash: string;
  countedCash: string | null;
  difference: string | null;
  closedAt: Date | null;
  closedBy: string | null;
}

export async function drawerReport(db: Db, drawerId: number): Promise<DrawerReport> {
  const { rows } = await db.query(
    `SELECT d.id::int AS "drawerId", d.office, d.cashier, to_char(d.business_date, 'YYYY-MM-DD') AS "businessDate", d.opening_float::text AS "openingFloat",
            c.counted_cash::text AS "countedCash", c.difference::text AS difference, c.closed_at AS "closedAt", c.closed_by AS "closedBy"
     FROM collections_drawer d LEFT JOIN collections_drawer_close c ON c.drawer_id = d.id WHERE d.id = $1`,
    [drawerId],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND', { id: drawerId });
  const totals = await methodTotals(db, 'p.drawer_id = $1', [drawerId]);
  const cash = (list: MethodTotal[]) => list.filter((t) => t.channel === 'cash').reduce((s, t) => s.plus(t.total), new Money(0));
  const expectedCash = new Money(rows[0].openingFloat).plus(cash(totals.byMethod)).minus(cash(totals.cancelled)).toFixed(2);
  return { ...rows[0], ...totals, expectedCash };
}

/** Payment counts and totals by method over a filter; `cancelled` is the part later cancelled (included in byMethod). */
export async function methodTotals(db: Db, where: string, params: unknown[]): Promise<{ byMethod: MethodTotal[]; cancelled: MethodTotal[] }> {
  const { rows } = await db.query<MethodTotal & { isCancelled: boolean }>(
    `SELECT p.channel, (x.payment_id IS NOT NULL) AS "isCancelled", count(*)::int AS count, sum(p.amount)::text AS total
     FROM collections_payment p LEFT JOIN collections_payment_cancellation x ON x.payment_id = p.id
     WHERE ${where} GROUP BY p.channel, x.payment_id IS NOT NULL ORDER BY p.channel`,
    params,
  );
  const byMethod = new Map<string, MethodTotal>();
  for (const r of rows) {
    const t = byMethod.get(r.channel) ?? { channel: r.channel, count: 0, total: '0.00' };
    byMethod.set(r.channel, { channel: r.channel, count: t.count + r.count, total: new Money(t.total).plus(r.total).toFixed(2) });
  }
  return { byMethod: [...byMethod.values()], cancelled: rows.filter((r) => r.isCancelled).map(({ channel, count, total }) => ({ channel, count, total })) };
}

export interface DailyReport {
  date: string;
  office: string | null;
  drawers: DrawerReport[];
  byMethod: MethodTotal[];
  cancelled: MethodTotal[];
}

/** The day's close per office (or all offices): each drawer's report and the totals by method. */
export async function dailyReport(db: Db, date: string, office?: string): Promise<DailyReport> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id::int FROM collections_drawer WHERE business_date = $1 AND ($2::text IS NULL OR office = $2) ORDER BY office, cashier, id`,
    [date, office ?? null],
  );
  const drawers = [];
  for (const r of rows) drawers.push(await drawerReport(db, r.id));
  const totals = await methodTotals(db, `p.drawer_id IN (SELECT id FROM collections_drawer WHERE business_date = $1 AND ($2::text IS NULL OR office = $2))`, [date, office ?? null]);
  return { date, office: office ?? null, drawers, ...totals };
}
