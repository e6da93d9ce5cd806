/**
 * Test data for the registry's tests: national ids and IBANs with correct check digits computed here (so every test
 * run has fresh, non-colliding numbers), and actors made through the real access module.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type pg from 'pg';
import { createUser, loadActor, syncCatalogue, type Actor } from '../access/index.ts';

const nineDigits = (first: string = String(randomInt(1, 10))) => first + Array.from({ length: 9 - first.length }, () => randomInt(0, 10)).join('');

/** A TCKN with correct check digits (platform/pii.ts states the rule); `prefix` '99' gives a foreigner's number. */
export function makeTckn(prefix?: string): string {
  const d = [...nineDigits(prefix)].map(Number);
  const tenth = ((((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10) + 10) % 10;
  const eleventh = (d.reduce((a, b) => a + b, 0) + tenth) % 10;
  return d.join('') + tenth + eleventh;
}

/** A VKN with a correct check digit (national-id.ts states the rule). */
export function makeVkn(): string {
  const s = nineDigits(String(randomInt(0, 10)));
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const t = (Number(s[i]) + 9 - i) % 10;
    const v = (t * 2 ** (9 - i)) % 9;
    sum += t !== 0 && v === 0 ? 9 : v;
  }
  return s + ((10 - (sum % 10)) % 10);
}

/** The same number with its last digit changed: a check digit that no longer fits. */
export const breakCheckDigit = (id: string) => id.slice(0, -1) + ((Number(id.at(-1)) + 1) % 10);

/** A Turkish IBAN with correct mod-97 check digits. */
export function makeIban(): string {
  const bban = String(randomInt(10_000, 100_000)) + '0' + Array.from({ length: 16 }, () => randomInt(0, 10)).join('');
  let rest = 0;
  for (const ch of bban + '292700') rest = (rest * 10 + Number(ch)) % 97; // T=29, R=27, check digits 00
  return `TR${String(98 - rest).padStart(2, '0')}${bban}`;
}

/** A mobile number written the way a clerk types it, and its stored E.164 form. */
export function makePhone(): { typed: string; stored: string } {
  const n = `5${randomInt(30, 60)}${randomInt(1_000_000, 10_000_000)}`;
  return { typed: `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`, stored: `+90${n}` };
}

export async function actorFor(pool: pg.Pool, role: string): Promise<Actor> {
  await syncCatalogue(pool);
  const username = `r-${role.replace(/_/g, '.')}-${randomBytes(3).toString('hex')}`;
  const id = await createUser(pool, { username, displayName: username, password: 'correct horse battery staple', roles: [{ role }] });
  return (await loadActor(pool, id, 'session'))!;
}
