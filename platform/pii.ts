/**
 * Personal data (KVKK): national id numbers (TCKN), tax numbers (VKN), IBANs and phone numbers are masked wherever
 * they leave the system unless a permission says otherwise. `mask*` shape one value for an API response;
 * `scrubText` finds such values inside any text (a log line) and masks them, so a careless log call cannot leak one.
 * A TCKN is recognised by its check digits, so ordinary 11-digit numbers (amounts, counters) are left alone.
 */

/** True for an 11-digit number whose two check digits are right (foreigners' 99-numbers follow the same rule). */
export function isTckn(s: string): boolean {
  if (!/^[1-9]\d{10}$/.test(s)) return false;
  const d = [...s].map(Number);
  const odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const even = d[1] + d[3] + d[5] + d[7];
  if ((((odd * 7 - even) % 10) + 10) % 10 !== d[9]) return false;
  return d.slice(0, 10).reduce((a, b) => a + b, 0) % 10 === d[10];
}

/** Keeps the first two and last two characters: `12*******46`. */
export function maskMiddle(value: string, keepStart = 2, keepEnd = 2): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

export const maskTckn = (v: string) => maskMiddle(v, 2, 2);
export const maskVkn = (v: string) => maskMiddle(v, 2, 2);
/** TR12 0006 1000 ... : country and check digits, then the last four. */
export const maskIban = (v: string) => maskMiddle(v.replace(/\s+/g, ''), 4, 4);
export const maskPhone = (v: string) => maskMiddle(v.replace(/[\s()-]/g, ''), 3, 2);

const TCKN_LIKE = /(?<!\d)[1-9]\d{10}(?!\d)/g;
const IBAN_TR = /\bTR\d{2}(?:\s?\d{4}){5}\s?\d{2}\b/gi;
const PHONE_TR = /(?<![\d*])(?:\+?90\s?)?0?5\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)/g;

export function scrubText(text: string): string {
  return text
    .replace(TCKN_LIKE, (m) => (isTckn(m) ? maskTckn(m) : m))
    .replace(IBAN_TR, (m) => maskIban(m))
    .replace(PHONE_TR, (m) => maskPhone(m));
}
