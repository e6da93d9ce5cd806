/**
 * Register readings and event times as the contract and meter services check them. A reading is a meter's register
 * index, kept exact (decimal strings, numeric(15,3) in SQL), never a float. Times: an event may be back-dated (a
 * crew's paper form arrives a day late) but never before the last recorded event, nor in the future.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';

export const ReadingSchema = z.string().regex(/^\d{1,12}(\.\d{1,3})?$/, 'a register index: digits, at most 3 decimals');

// A clock a few minutes ahead on a crew's tablet is not a future event.
const FUTURE_SLACK_MS = 5 * 60_000;

export function checkTime(at: Date, last: Date | null | undefined): void {
  if (at.getTime() > Date.now() + FUTURE_SLACK_MS || (last && at < last)) {
    throw new AboneError('ABONE_ERR_SUBSCRIPTION_TIME_ORDER', { at: at.toISOString(), last: last?.toISOString() ?? 'none' });
  }
}

export function checkNotBackwards(reading: string, last: string | null | undefined): void {
  if (last !== null && last !== undefined && new Decimal(reading).lt(last)) throw new AboneError('ABONE_ERR_SUBSCRIPTION_READING_BACKWARDS', { reading, last });
}

export interface Fitting {
  id: number;
  meterId: number;
  installedAt: Date;
  installedReading: string;
}

/** The meter fitted on an installation now, if any. */
export async function fittedMeter(c: pg.PoolClient, installationId: number): Promise<Fitting | undefined> {
  const { rows } = await c.query('SELECT id, meter_id, installed_at, installed_reading FROM meter_fitting WHERE installation_id = $1 AND removed_at IS NULL', [installationId]);
  return rows[0] && { id: Number(rows[0].id), meterId: rows[0].meter_id, installedAt: rows[0].installed_at, installedReading: rows[0].installed_reading };
}

/** The last reading recorded for the fitted meter since it was fitted (the fitting's own, or a later contract event's). */
export async function lastReading(c: pg.PoolClient, f: Fitting): Promise<string> {
  const { rows } = await c.query(
    `SELECT e.reading FROM subscription_event e
      WHERE e.meter_id = $1 AND e.reading IS NOT NULL AND e.at >= $2 ORDER BY e.at DESC, e.id DESC LIMIT 1`,
    [f.meterId, f.installedAt],
  );
  return rows[0]?.reading ?? f.installedReading;
}

/** Serialises changes to one installation (contracts and meters) for the length of the transaction. */
export async function lockInstallation(c: pg.PoolClient, installationId: number): Promise<void> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('installation:' || $1::text, 0))`, [installationId]);
}
