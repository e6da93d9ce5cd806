/**
 * National ids of parties: a person's TCKN (11 digits, two check digits; foreigners' 99-numbers follow the same
 * rule, see platform/pii.ts) and an organisation's VKN (10 digits, one check digit, the Revenue Administration's
 * published rule below).
 */
import { isTckn } from '../../platform/pii.ts';

export type PartyKind = 'person' | 'organisation';

/**
 * VKN check digit. For each of the first nine digits d at position i (0-based): t = (d + 9 - i) mod 10;
 * v = t × 2^(9 - i) mod 9, except that a non-zero t giving 0 counts 9; the tenth digit is (10 - Σv mod 10) mod 10.
 */
export function isVkn(s: string): boolean {
  if (!/^\d{10}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const t = (Number(s[i]) + 9 - i) % 10;
    const v = (t * 2 ** (9 - i)) % 9;
    sum += t !== 0 && v === 0 ? 9 : v;
  }
  return (10 - (sum % 10)) % 10 === Number(s[9]);
}

/** Digits only: people write national ids with spaces or dashes, the table keeps digits. */
export function normaliseNationalId(raw: string): string {
  return raw.replace(/[\s.-]/g, '');
}

/** The shape a kind's national id must have (right length, digits), whatever its check digits say. */
export function hasNationalIdShape(kind: PartyKind, id: string): boolean {
  return kind === 'person' ? /^\d{11}$/.test(id) : /^\d{10}$/.test(id);
}

export function isValidNationalId(kind: PartyKind, id: string): boolean {
  return kind === 'person' ? isTckn(id) : isVkn(id);
}

/** How the error message names what was expected; never the number itself (messages can end up in logs). */
export function expectedNationalId(kind: PartyKind): string {
  return kind === 'person' ? 'TCKN (11 digits with check digits)' : 'VKN (10 digits with check digit)';
}
