/** Turkish IBANs: TR, two check digits, 5-digit bank code, a reserved 0, 16-digit account; ISO 13616 mod-97. */

export function normaliseIban(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function isTrIban(iban: string): boolean {
  if (!/^TR\d{24}$/.test(iban)) return false;
  // Move the country and check digits to the end, letters to numbers (A=10 … Z=35), then mod 97 must be 1.
  // Piecewise so the remainder never leaves double precision.
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest === 1;
}
