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
