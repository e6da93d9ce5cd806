/**
 * Tariff assignment with history. A subscription's tariff is a code (the billing engineer's tariffs are identified by
 * code) effective from a business day (Europe/Istanbul) until the next assignment's day. One day holds one code:
 * assigning again from the same day replaces that day's code (audited), which is how a mistaken future change is
 * corrected; earlier days keep the codes they were billed with.
 */
import type pg from 'pg';
import { z } from 'zod';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { localDate, type LocalDate } from '../../platform/calendar.ts';
import { audit } from '../access/index.ts';
import type { CallContext } from '../registry/index.ts';

export const TariffCodeSchema = z.string().regex(/^[A-Z0-9][A-Z0-9._-]{0,39}$/, 'upper-case letters, digits, . _ -');

export const TariffAssignmentSchema = z.object({ tariffCode: TariffCodeSchema, from: z.iso.date() });

export async function insertTariff(c: pg.PoolClient, subscriptionId: number, code: string, from: LocalDate): Promise<void> {
  await c.query(
    `INSERT INTO subscription_tariff (subscription_id, effective_from, tariff_code) VALUES ($1, $2, $3)
     ON CONFLICT (subscription_id, effective_from) DO UPDATE SET tariff_code = EXCLUDED.tariff_code, assigned_at = now()`,
    [subscriptionId, from, code],
  );
}

/** Assigns `tariffCode` from the day `from`; the day must fall within the contract (from its first to its last day). */
export async function assignTariff(pool: pg.Pool, id: number, a: { tariffCode: string; from: LocalDate }, ctx: CallContext): Promise<void> {
  await withTransaction(pool, async (c) => {
    const { rows } = await c.query('SELECT started_at, ended_at FROM subscription WHERE id = $1 FOR UPDATE', [id]);
    if (!rows.length) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NOT_FOUND', { id });
    if (a.from < localDate(rows[0].started_at)) throw new AboneError('ABONE_ERR_SUBSCRIPTION_TARIFF_DATE', { from: a.from, detail: 'the contract began later' });
    if (rows[0].ended_at && a.from > localDate(rows[0].ended_at)) throw new AboneError('ABONE_ERR_SUBSCRIPTION_TARIFF_DATE', { from: a.from, detail: 'the contract has ended' });
    await insertTariff(c, id, a.tariffCode, a.from);
    await audit(c, ctx.actor, { action: 'subscription.tariff', entity: 'subscription', entityId: id, detail: { tariffCode: a.tariffCode, from: a.from }, correlationId: ctx.correlationId, ip: ctx.ip });
  });
}
