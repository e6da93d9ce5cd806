/**
 * Meters on installations: install, exchange, remove, each with the register reading at that moment. A meter is the
 * head-end's `meter` row (found by serial through the head-end's door, kept by id). Its life history is every
 * meter_fitting row with its id, closed and never deleted; unique indexes keep one meter on one installation and one
 * meter per installation at a time, whatever the code path.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { audit } from '../access/index.ts';
import type { DeviceRegistry } from '../../headend/index.ts';
import { installationPlace, type CallContext } from '../registry/index.ts';
import { checkNotBackwards, checkTime, fittedMeter, lastReading, lockInstallation } from './readings.ts';

export interface FittingView {
  id: number;
  installationId: number;
  meterId: number;
  serial: string;
  installedAt: Date;
  installedReading: string;
  removedAt: Date | null;
  removedReading: string | null;
  removalReason: string | null;
}

const meta = (ctx: CallContext) => ({ correlationId: ctx.correlationId, ip: ctx.ip });

function uniqueViolation(err: unknown, params: { serial: string; installationId: number }): never {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505' && e.constraint === 'meter_fitting_open_meter_idx') throw new AboneError('ABONE_ERR_SUBSCRIPTION_METER_FITTED_ELSEWHERE', params);
  if (e.code === '23505' && e.constraint === 'meter_fitting_open_installation_idx') throw new AboneError('ABONE_ERR_SUBSCRIPTION_INSTALLATION_HAS_METER', params);
  throw err;
}

/** Checks a meter may go onto the installation at `at` and fits it (on the caller's transaction). */
async function fit(c: pg.PoolClient, registry: DeviceRegistry, installationId: number, serial: string, reading: string, at: Date): Promise<number> {
  const place = await installationPlace(c, installationId);
  const meter = await registry.get(serial);
  if (meter.commodity !== place.commodity) throw new AboneError('ABONE_ERR_SUBSCRIPTION_COMMODITY_MISMATCH', { meter: meter.commodity, installation: place.commodity });
  const { rows } = await c.query('SELECT installation_id, removed_at FROM meter_fitting WHERE meter_id = $1 ORDER BY installed_at DESC, id DESC LIMIT 1', [meter.id]);
  if (rows[0] && rows[0].removed_at === null) throw new AboneError('ABONE_ERR_SUBSCRIPTION_METER_FITTED_ELSEWHERE', { serial, installationId });
  checkTime(at, rows[0]?.removed_at);
  // Nor may it go in before the installation's previous meter came out: fittings on one installation never overlap.
  const prev = await c.query('SELECT max(removed_at) AS at FROM meter_fitting WHERE installation_id = $1', [installationId]);
  checkTime(at, prev.rows[0].at);
  try {
    const { rows: ins } = await c.query(
      'INSERT INTO meter_fitting (installation_id, meter_id, installed_at, installed_reading) VALUES ($1, $2, $3, $4) RETURNING id',
      [installationId, meter.id, at, reading],
    );
    return Number(ins[0].id);
  } catch (err) {
    uniqueViolation(err, { serial, installationId });
  }
}

/** Closes the fitted meter's fitting at `at` with its removal reading; refuses while an active contract uses it. */
async function unfit(c: pg.PoolClient, installationId: number, reading: string, at: Date, reason: 'exchange' | 'removal'): Promise<void> {
  const f = await fittedMeter(c, installationId);
  if (!f) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NO_METER', { installationId });
  if (reason === 'removal') {
    const live = await c.query(`SELECT id FROM subscription WHERE installation_id = $1 AND status = 'active'`, [installationId]);
    if (live.rows.length) throw new AboneError('ABONE_ERR_SUBSCRIPTION_METER_IN_USE', { subscriptionId: live.rows[0].id });
  }
  const lastEvent = await c.query(`SELECT max(e.at) AS at FROM subscription_event e WHERE e.meter_id = $1 AND e.at >= $2`, [f.meterId, f.installedAt]);
  checkTime(at, lastEvent.rows[0].at ?? f.installedAt);
  checkNotBackwards(reading, await lastReading(c, f));
  await c.query('UPDATE meter_fitting SET removed_at = $2, removed_reading = $3, removal_reason = $4 WHERE id = $1', [f.id, at, reading, reason]);
}

export async function installMeter(pool: pg.Pool, registry: DeviceRegistry, installationId: number, m: { serial: string; reading: string; at?: Date }, ctx: CallContext): Promise<FittingView[]> {
  await withTransaction(pool, async (c) => {
    await lockInstallation(c, installationId);
    if (await fittedMeter(c, installationId)) throw new AboneError('ABONE_ERR_SUBSCRIPTION_INSTALLATION_HAS_METER', { installationId });
    const id = await fit(c, registry, installationId, m.serial, m.reading, m.at ?? new Date());
    await audit(c, ctx.actor, { action: 'meter.install', entity: 'installation', entityId: installationId, detail: { fittingId: id }, ...meta(ctx) });
  });
  return installationMeters(pool, installationId);
}

/** Old meter out at its removal reading, new meter in at its own reading, at the same moment, in one transaction. */
export async function exchangeMeter(pool: pg.Pool, registry: DeviceRegistry, installationId: number, m: { removedReading: string; serial: string; reading: string; at?: Date }, ctx: CallContext): Promise<FittingView[]> {
  const at = m.at ?? new Date();
  await withTransaction(pool, async (c) => {
    await lockInstallation(c, installationId);
    await unfit(c, installationId, m.removedReading, at, 'exchange');
    const id = await fit(c, registry, installationId, m.serial, m.reading, at);
    await audit(c, ctx.actor, { action: 'meter.exchange', entity: 'installation', entityId: installationId, detail: { fittingId: id }, ...meta(ctx) });
  });
  return installationMeters(pool, installationId);
}

export async function removeMeter(pool: pg.Pool, installationId: number, m: { reading: string; at?: Date }, ctx: CallContext): Promise<FittingView[]> {
  await withTransaction(pool, async (c) => {
    await lockInstallation(c, installationId);
    await unfit(c, installationId, m.reading, m.at ?? new Date(), 'removal');
    await audit(c, ctx.actor, { action: 'meter.remove', entity: 'installation', entityId: installationId, ...meta(ctx) });
  });
  return installationMeters(pool, installationId);
}

const FITTING_SELECT = `SELECT f.id, f.installation_id, f.meter_id, m.serial, f.installed_at, f.installed_reading, f.removed_at, f.removed_reading, f.removal_reason
  FROM meter_fitting f JOIN meter m ON m.id = f.meter_id`;

const view = (r: any): FittingView => ({
  id: Number(r.id), installationId: Number(r.installation_id), meterId: r.meter_id, serial: r.serial, installedAt: r.installed_at,
  installedReading: r.installed_reading, removedAt: r.removed_at, removedReading: r.removed_reading, removalReason: r.removal_reason,
});

/** Every meter an installation has had, oldest first. */
export async function installationMeters(db: pg.Pool | pg.PoolClient, installationId: number): Promise<FittingView[]> {
  const { rows } = await db.query(`${FITTING_SELECT} WHERE f.installation_id = $1 ORDER BY f.installed_at, f.id`, [installationId]);
  return rows.map(view);
}

/** A meter's whole life on installations, oldest first. */
export async function meterHistory(db: pg.Pool | pg.PoolClient, meterId: number): Promise<FittingView[]> {
  const { rows } = await db.query(`${FITTING_SELECT} WHERE f.meter_id = $1 ORDER BY f.installed_at, f.id`, [meterId]);
  return rows.map(view);
}
