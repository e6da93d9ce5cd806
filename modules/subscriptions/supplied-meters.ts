/**
 * Meters that supply an active contract now: fitted (not removed) on an installation whose live subscription is
 * active. The rules engine asks, so "no consumption for N days" alarms only where someone should be consuming: a
 * frozen, cut-off or vacant installation reading zero is normal.
 */
import type pg from 'pg';

export async function suppliedMeterIds(pool: pg.Pool): Promise<Set<number>> {
  const { rows } = await pool.query<{ id: number }>(
    `SELECT f.meter_id AS id FROM meter_fitting f JOIN subscription s ON s.installation_id = f.installation_id
     WHERE f.removed_at IS NULL AND s.status = 'active'`,
  );
  return new Set(rows.map((r) => r.id));
}

export interface Supply {
  subscriptionId: number;
  status: string;
  meterId: number;
  meterSerial: string;
  region: string | null;
}

/** What a crew would disconnect for each of these contracts: its status and the meter fitted now (one per contract). */
export async function suppliesOf(db: pg.Pool | pg.PoolClient, subscriptionIds: readonly number[]): Promise<Map<number, Supply>> {
  const { rows } = await db.query<Supply>(
    `SELECT DISTINCT ON (s.id) s.id::int AS "subscriptionId", s.status, m.id AS "meterId", m.serial AS "meterSerial", m.region
     FROM subscription s JOIN meter_fitting f ON f.installation_id = s.installation_id AND f.removed_at IS NULL JOIN meter m ON m.id = f.meter_id
     WHERE s.id = ANY($1::bigint[]) ORDER BY s.id, f.id DESC`,
    [subscriptionIds],
  );
  return new Map(rows.map((r) => [r.subscriptionId, r]));
}
