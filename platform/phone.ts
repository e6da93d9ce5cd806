/**
 * Phone numbers (parties, reporters of notices) are kept in E.164 (`+905321234567`), so SMS gateways and duplicate
 * checks see one spelling. Turkish numbers come written many ways (0532 123 45 67, +90 532 ..., 90532..., 532...);
 * anything else must already carry its country code after a `+` (or `00`).
 */

/** The E.164 form, or undefined when the input is not a phone number we can place. */
export function normalisePhone(raw: string): string | undefined {
  const s = raw.replace(/[\s().-]/g, '');
  const turkish = /^(?:\+90|0090|90|0)?([2-58]\d{9})$/.exec(s);
  if (turkish) return `+90${turkish[1]}`;
  if (/^\+[1-9]\d{6,14}$/.test(s)) return s;
  if (/^00[1-9]\d{6,14}$/.test(s)) return `+${s.slice(2)}`;
  return undefined;
}
