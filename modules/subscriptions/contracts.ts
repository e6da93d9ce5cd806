/**
 * Contracts: move-in, the lifecycle events of lifecycle.ts (move-out, transfer, freeze, cut-off, reconnect, cancel)
 * and reading a contract with its whole story. Each change is one transaction under the installation's lock, checked
 * against the lifecycle table, the fitted meter's last reading and the last event's time; nothing half-done remains
 * when a check fails. Move-out and transfer leave a final_bill_request row for billing to pick up.
 */
import type pg from 'pg';
import { z } from 'zod';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { localDate } from '../../platform/calendar.ts';
import { audit } from '../access/index.ts';
import { assertOpenParty, installationPlace, type CallContext } from '../registry/index.ts';
import { CLASSES, EVENTS, transitionOf, type LifecycleEvent, type Status } from './lifecycle.ts';
import { checkNotBackwards, checkTime, fittedMeter, lastReading, lockInstallation, ReadingSchema } from './readings.ts';
import { insertTariff, TariffCodeSchema } from './tariffs.ts';
import { readSubscription, type SubscriptionView } from './subscription-view.ts';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const MoveInSchema = z.object({
  partyId: Id,
  installationId: Id,
  class: z.enum(CLASSES),
  tariffCode: TariffCodeSchema,
  openingReading: ReadingSchema,
  at: z.coerce.date().optional(),
});
export type MoveIn = z.output<typeof MoveInSchema>;

export const EventSchema = z.object({
  event: z.enum(EVENTS),
  reading: ReadingSchema.optional(),
  at: z.coerce.date().optional(),
  /** transfer: the new holder, and optionally the new contract's class and tariff (default: the old one's). */
  newPartyId: Id.optional(),
  class: z.enum(CLASSES).optional(),
  tariffCode: TariffCodeSchema.optional(),
});
export type ContractEvent = z.output<typeof EventSchema>;

const meta = (ctx: CallContext) => ({ correlationId: ctx.correlationId, ip: ctx.ip });

function occupied(err: unknown, installationId: number): never {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505' && e.constraint === 'subscription_live_installation_idx') throw new AboneError('ABONE_ERR_SUBSCRIPTION_INSTALLATION_OCCUPIED', { installationId });
  throw err;
}

/** Opens a contract on an installation with a fitted meter, at the meter's opening reading. */
async function open(c: pg.PoolClient, m: MoveIn & { at: Date; transferredFrom?: number }, kind: 'move_in' | 'transfer_in', ctx: CallContext): Promise<number> {
  await assertOpenParty(c, m.partyId);
  const place = await installationPlace(c, m.installationId);
  const f = await fittedMeter(c, m.installationId);
  if (!f) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NO_METER', { installationId: m.installationId });
  checkTime(m.at, f.installedAt);
  // Contracts on one installation never overlap in time: a back-dated move-in may not start before the last one ended.
  const prev = await c.query('SELECT max(ended_at) AS at FROM subscription WHERE installation_id = $1', [m.installationId]);
  checkTime(m.at, prev.rows[0].at);
  checkNotBackwards(m.openingReading, await lastReading(c, f));
  let id: number;
  try {
    const { rows } = await c.query(
      `INSERT INTO subscription (party_id, installation_id, class, status, il_key, ilce_key, commodity, started_at, transferred_from)
       VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8) RETURNING id`,
      [m.partyId, m.installationId, m.class, place.ilKey, place.ilceKey, place.commodity, m.at, m.transferredFrom ?? null],
    );
    id = Number(rows[0].id);
  } catch (err) {
    occupied(err, m.installationId);
  }
  await c.query(`INSERT INTO subscription_event (subscription_id, kind, from_status, to_status, at, meter_id, reading, actor) VALUES ($1, $2, NULL, 'active', $3, $4, $5, $6)`,
    [id, kind, m.at, f.meterId, m.openingReading, ctx.actor.username]);
  await insertTariff(c, id, m.tariffCode, localDate(m.at));
  await audit(c, ctx.actor, { action: `subscription.${kind}`, entity: 'subscription', entityId: id, detail: { installationId: m.installationId, partyId: m.partyId }, ...meta(ctx) });
  return id;
}

export async function moveIn(pool: pg.Pool, input: MoveIn, ctx: CallContext): Promise<SubscriptionView> {
  const id = await withTransaction(pool, async (c) => {
    await lockInstallation(c, input.installationId);
    return open(c, { ...input, at: input.at ?? new Date() }, 'move_in', ctx);
  });
  return readSubscription(pool, id);
}

/** Applies one lifecycle event. A transfer answers with the new holder's contract; every other event with this one. */
export async function applyEvent(pool: pg.Pool, id: number, e: ContractEvent, ctx: CallContext): Promise<SubscriptionView> {
  const resultId = await withTransaction(pool, async (c) => {
    const peek = await c.query('SELECT installation_id FROM subscription WHERE id = $1', [id]);
    if (!peek.rows.length) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NOT_FOUND', { id });
    await lockInstallation(c, Number(peek.rows[0].installation_id));
    const { rows } = await c.query('SELECT party_id, installation_id, class, status FROM subscription WHERE id = $1 FOR UPDATE', [id]);
    const s = rows[0];
    const status = s.status as Status;
    const t = transitionOf(e.event as LifecycleEvent, status);
    if (!t) throw new AboneError('ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED', { status, event: e.event.replace('_', '-') });
    if (t.reading === 'none' && e.reading !== undefined) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: `${e.event} takes no reading` });
    if (t.reading === 'required' && e.reading === undefined) throw new AboneError('ABONE_ERR_SUBSCRIPTION_READING_REQUIRED', { event: e.event.replace('_', '-') });
    if (e.event === 'transfer') {
      if (e.newPartyId === undefined) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'newPartyId: a transfer needs the new holder' });
      if (e.newPartyId === Number(s.party_id)) throw new AboneError('ABONE_ERR_SUBSCRIPTION_SAME_HOLDER');
    }
    const at = e.at ?? new Date();
    const last = await c.query('SELECT max(at) AS at FROM subscription_event WHERE subscription_id = $1', [id]);
    checkTime(at, last.rows[0].at);
    const installationId = Number(s.installation_id);
    const f = await fittedMeter(c, installationId);
    if (e.reading !== undefined) {
      if (!f) throw new AboneError('ABONE_ERR_SUBSCRIPTION_NO_METER', { installationId });
      checkTime(at, f.installedAt);
      checkNotBackwards(e.reading, await lastReading(c, f));
    }
    await c.query(`UPDATE subscription SET status = $2, ended_at = CASE WHEN $3 THEN $4::timestamptz ELSE ended_at END WHERE id = $1`, [id, t.to, t.finalBill || t.to === 'cancelled', at]);
    await c.query(`INSERT INTO subscription_event (subscription_id, kind, from_status, to_status, at, meter_id, reading, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, e.event === 'transfer' ? 'transfer_out' : e.event, status, t.to, at, e.reading !== undefined ? f!.meterId : null, e.reading ?? null, ctx.actor.username]);
    if (t.finalBill) {
      await c.query('INSERT INTO final_bill_request (subscription_id, meter_id, closing_reading, closed_at) VALUES ($1, $2, $3, $4)', [id, f!.meterId, e.reading, at]);
    }
    await audit(c, ctx.actor, { action: `subscription.${e.event}`, entity: 'subscription', entityId: id, detail: { from: status, to: t.to }, ...meta(ctx) });
    if (e.event !== 'transfer') return id;
    const tariff = e.tariffCode ?? (await c.query(`SELECT tariff_code FROM subscription_tariff WHERE subscription_id = $1 AND effective_from <= $2 ORDER BY effective_from DESC LIMIT 1`, [id, localDate(at)])).rows[0].tariff_code;
    return open(c, { partyId: e.newPartyId!, installationId, class: e.class ?? s.class, tariffCode: tariff, openingReading: e.reading!, at, transferredFrom: id }, 'transfer_in', ctx);
  });
  return readSubscription(pool, resultId);
}
