/** Shared set-up of the subscription tests: parties, installations at places, meters, and an actor, all real. */
import { randomBytes, randomInt } from 'node:crypto';
import type pg from 'pg';
import { DeviceRegistry } from '../../headend/index.ts';
import { createUser, loadActor, syncCatalogue, type Actor } from '../access/index.ts';
import { createAddress, createInstallation, createParty, createPremise, type CallContext } from '../registry/index.ts';

// National ids with correct check digits (platform/pii.ts and registry/national-id.ts state the rules); a context's
// test data stays inside the context, so these are this context's own.
const nineDigits = () => String(randomInt(1, 10)) + Array.from({ length: 8 }, () => randomInt(0, 10)).join('');

export function makeTckn(): string {
  const d = [...nineDigits()].map(Number);
  const tenth = ((((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10) + 10) % 10;
  return d.join('') + tenth + ((d.reduce((a, b) => a + b, 0) + tenth) % 10);
}

export function makeVkn(): string {
  const s = nineDigits();
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const t = (Number(s[i]) + 9 - i) % 10;
    const v = (t * 2 ** (9 - i)) % 9;
    sum += t !== 0 && v === 0 ? 9 : v;
  }
  return s + ((10 - (sum % 10)) % 10);
}

export const breakCheckDigit = (id: string) => id.slice(0, -1) + ((Number(id.at(-1)) + 1) % 10);

export async function actorFor(pool: pg.Pool, role: string): Promise<Actor> {
  await syncCatalogue(pool);
  const username = `s-${role.replace(/_/g, '.')}-${randomBytes(3).toString('hex')}`;
  const id = await createUser(pool, { username, displayName: username, password: 'correct horse battery staple', roles: [{ role }] });
  return (await loadActor(pool, id, 'session'))!;
}

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
