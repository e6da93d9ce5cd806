/**
 * Cash drawer sessions at the cashier desk: a cashier opens a drawer at an office with its float, takes payments into
 * it, and closes it by counting the cash. The close row records what the drawer should hold (float + cash taken −
 * cash of cancelled payments), what was counted, and the difference, for the supervisor to sign off. A cashier has at
 * most one open drawer: opening takes a per-cashier lock and checks.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import { OFFICE, officeOf } from './cashier-offices.ts';
import type { Db } from '../ledger/index.ts';
import { drawerReport, type DrawerReport } from './drawer-report.ts';

export interface Drawer {
  id: number;
  office: string;
  cashier: string;
  businessDate: string;
  openingFloat: string;
  openedAt: Date;
  closed: { expectedCash: string; countedCash: string; difference: string; closedAt: Date; closedBy: string } | null;
}

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field, reason });

const DRAWER_COLUMNS = `d.id::int, d.office, d.cashier, to_char(d.business_date, 'YYYY-MM-DD') AS "businessDate", d.opening_float::text AS "openingFloat", d.opened_at AS "openedAt",
  CASE WHEN c.drawer_id IS NULL THEN NULL ELSE json_build_object('expectedCash', c.expected_cash::text, 'countedCash', c.counted_cash::text,
    'difference', c.difference::text, 'closedAt', c.closed_at, 'closedBy', c.closed_by) END AS closed`;

/**
 * Opens a drawer inside the caller's transaction (the route audits it in the same one), at the cashier's assigned
 * office (`office` may then be left out), or where they say when they have none.
 */
export async function openDrawer(c: pg.PoolClient, input: { office?: string; cashier: string; openingFloat: string }): Promise<Drawer> {
  const assigned = await officeOf(c, input.cashier);
  const office = input.office ?? assigned;
  if (typeof office !== 'string' || !OFFICE.test(office)) throw invalid('office', 'an office code: capitals, digits, _ and -, up to 32');
  if (assigned !== null && office !== assigned) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_OFFICE', { cashier: input.cashier, office, assigned });
  if (typeof input.openingFloat !== 'string' || !AMOUNT.test(input.openingFloat)) throw invalid('openingFloat', 'an amount in TRY with at most two decimals, as text');
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('collections.drawer:' || $1))`, [input.cashier]);
  const open = await openDrawerOf(c, input.cashier);
  if (open) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_STATE', { id: open.id, reason: `already open since ${open.businessDate} at ${open.office}; close it first` });
  const { rows } = await c.query<{ id: number }>(
    'INSERT INTO collections_drawer (office, cashier, business_date, opening_float) VALUES ($1, $2, $3, $4) RETURNING id',
    [office, input.cashier, localDate(Date.now()), input.openingFloat],
  );
  return loadDrawer(c, rows[0].id);
}

export async function openDrawerOf(db: Db, cashier: string): Promise<Drawer | undefined> {
  const { rows } = await db.query<Drawer>(
    `SELECT ${DRAWER_COLUMNS} FROM collections_drawer d LEFT JOIN collections_drawer_close c ON c.drawer_id = d.id
     WHERE d.cashier = $1 AND c.drawer_id IS NULL ORDER BY d.id DESC LIMIT 1`,
    [cashier],
  );
  return rows[0];
}

export async function loadDrawer(db: Db, id: number): Promise<Drawer> {
  const { rows } = await db.query<Drawer>(`SELECT ${DRAWER_COLUMNS} FROM collections_drawer d LEFT JOIN collections_drawer_close c ON c.drawer_id = d.id WHERE d.id = $1`, [id]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND', { id });
  return rows[0];
}

/**
 * The drawer a payment goes into: open, the cashier's own, and of today (a drawer left open overnight is closed and
 * counted before the next day's money goes in). Locks the drawer's cashier, so a close waits for payments in flight.
 */
export async function drawerForPayment(c: pg.PoolClient, drawerId: number, cashier: string): Promise<Drawer> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('collections.drawer:' || $1))`, [cashier]);
  const drawer = await loadDrawer(c, drawerId);
  if (drawer.cashier !== cashier) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND', { id: drawerId });
  if (drawer.closed) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_STATE', { id: drawerId, reason: 'it is closed' });
  if (drawer.businessDate !== localDate(Date.now())) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_STATE', { id: drawerId, reason: `it was opened on ${drawer.businessDate}; count and close it, then open today's` });
  return drawer;
}

/** Closes a drawer with the counted cash, in the caller's transaction; the cashier closes their own, a supervisor (`anyCashier`) any. */
export async function closeDrawer(c: pg.PoolClient, input: { drawerId: number; countedCash: string; by: string; anyCashier: boolean }): Promise<DrawerReport> {
  if (typeof input.countedCash !== 'string' || !AMOUNT.test(input.countedCash)) throw invalid('countedCash', 'an amount in TRY with at most two decimals, as text');
  const drawer = await loadDrawer(c, input.drawerId);
  if (drawer.cashier !== input.by && !input.anyCashier) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND', { id: input.drawerId });
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('collections.drawer:' || $1))`, [drawer.cashier]);
  if ((await loadDrawer(c, input.drawerId)).closed) throw new AboneError('ABONE_ERR_COLLECTIONS_DRAWER_STATE', { id: input.drawerId, reason: 'it is already closed' });
  const before = await drawerReport(c, input.drawerId);
  const difference = new Money(input.countedCash).minus(before.expectedCash).toFixed(2);
  await c.query(
    'INSERT INTO collections_drawer_close (drawer_id, expected_cash, counted_cash, difference, closed_by) VALUES ($1, $2, $3, $4, $5)',
    [input.drawerId, before.expectedCash, input.countedCash, difference, input.by],
  );
  return drawerReport(c, input.drawerId);
}
