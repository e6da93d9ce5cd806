/** Shared set-up of the subscription tests: parties, installations at places, meters, and an actor, all real. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DeviceRegistry } from '../../headend/index.ts';
import { createAddress, createInstallation, createParty, createPremise, type CallContext } from '../registry/index.ts';

// Parties' national ids and actors are built the registry's way (its test-fixtures door).
import { actorFor, makeTckn } from '../registry/test-fixtures.ts';
export { makeTckn, makeVkn, breakCheckDigit, actorFor } from '../registry/test-fixtures.ts';

export async function callContext(pool: pg.Pool, role = 'call_centre_agent'): Promise<CallContext> {
  return { actor: await actorFor(pool, role), correlationId: 'test' };
}

export async function party(pool: pg.Pool, ctx: CallContext, name = 'Ayşe Yılmaz'): Promise<number> {
  return (await createParty(pool, { kind: 'person', name, nationalId: makeTckn(), smsConsent: false, emailConsent: false }, ctx)).id;
}

/** An installation at a fresh address; `at` is [lon, lat]. */
export async function installation(pool: pg.Pool, ctx: CallContext, opts: { at?: [number, number]; commodity?: 'gas' | 'water' | 'electricity'; il?: string; ilce?: string; street?: string } = {}): Promise<number> {
  const a = await createAddress(pool, {
    il: opts.il ?? 'Ankara', ilce: opts.ilce ?? 'Çankaya', mahalle: 'Kızılay', street: opts.street ?? 'Atatürk Bulvarı', buildingNo: String(1 + (randomBytes(2).readUInt16BE() % 400)), doorNo: '3',
    location: { type: 'Point', coordinates: opts.at ?? [32.8597, 39.9208] },
  }, ctx);
  const p = await createPremise(pool, { addressId: a.id, kind: 'dwelling' }, ctx);
  return (await createInstallation(pool, { premiseId: p.id, commodity: opts.commodity ?? 'gas', serviceLine: {} }, ctx)).id;
}

export async function meters(pool: pg.Pool, commodity: 'gas' | 'water' = 'gas', n = 1): Promise<{ registry: DeviceRegistry; serials: string[]; ids: number[] }> {
  const registry = new DeviceRegistry(pool);
  const model = `SUB-${commodity.toUpperCase()}`;
  await registry.upsertModel({ code: model, manufacturer: 'Test', commodity, channels: [{ channel: 'volume' }] });
  const serials = Array.from({ length: n }, () => `T${randomBytes(5).toString('hex').toUpperCase()}`);
  await registry.addMeters(serials.map((serial) => ({ serial, model })));
  const ids = [];
  for (const s of serials) ids.push((await registry.get(s)).id);
  return { registry, serials, ids };
}

export const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
