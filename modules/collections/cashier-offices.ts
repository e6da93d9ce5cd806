/**
 * Which office a cashier works at. A supervisor assigns it; from then on the cashier's drawer opens at that office
 * only (a drawer asked for elsewhere is refused with ABONE_ERR_COLLECTIONS_DRAWER_OFFICE), so the daily close of an
 * office holds exactly its cashiers' money. A cashier with no office assigned opens at the office they name.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { Db } from '../ledger/index.ts';

export const OFFICE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

export interface CashierOffice {
  cashier: string;
  office: string;
  assignedBy: string;
  assignedAt: Date;
}

const COLUMNS = `cashier, office, assigned_by AS "assignedBy", assigned_at AS "assignedAt"`;

/** Assigns (or moves) a cashier to an office, in the caller's transaction (the route audits it in the same one). */
export async function assignOffice(c: pg.PoolClient, input: { cashier: string; office: string; actor: string }): Promise<CashierOffice> {
  if (typeof input.office !== 'string' || !OFFICE.test(input.office)) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'office', reason: 'an office code: capitals, digits, _ and -, up to 32' });
  }
  const { rows } = await c.query<CashierOffice>(
    `INSERT INTO collections_cashier_office (cashier, office, assigned_by) VALUES ($1, $2, $3)
     ON CONFLICT (cashier) DO UPDATE SET office = EXCLUDED.office, assigned_by = EXCLUDED.assigned_by, assigned_at = now()
     RETURNING ${COLUMNS}`,
    [input.cashier, input.office, input.actor],
  );
  return rows[0];
}

export async function officeOf(db: Db, cashier: string): Promise<string | null> {
  const { rows } = await db.query<{ office: string }>('SELECT office FROM collections_cashier_office WHERE cashier = $1', [cashier]);
  return rows[0]?.office ?? null;
}

export async function cashierOffices(db: Db): Promise<CashierOffice[]> {
  return (await db.query<CashierOffice>(`SELECT ${COLUMNS} FROM collections_cashier_office ORDER BY office, cashier`)).rows;
}
