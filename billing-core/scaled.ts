/**
 * Exact decimals as scaled integers (BigInt units of 10^-scale), for the fast path of total-rating.ts. Only what
 * that path needs: reading decimal text, multiplying, rounding half away from zero (the rule of quantity.ts) and
 * writing text exactly as decimal.js writes it there (`toFixed()` without trailing zeros, `toFixed(2)` for amounts).
 *
 * decimal.js computes with 40 significant digits (platform/money.ts): a product it would have to round cannot be
 * reproduced here, so `times` refuses (returns undefined) any result of 39 digits or more and the caller falls back
 * to the reference path. Below that, decimal.js is exact and so is this.
 */
export interface Scaled {
  units: bigint;
  scale: number;
}

const POW10: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
const LIMIT = POW10[38];
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** The value of a decimal text, or undefined when it is not plain `[-]digits[.digits]`. */
export function parseScaled(text: string): Scaled | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac);
  return { units: m[1] ? -units : units, scale: frac.length };
}

/** The same value at a larger scale. */
export function rescale(a: Scaled, scale: number): bigint {
  return a.units * POW10[scale - a.scale];
}

/** a × b exactly, or undefined where decimal.js (40 digits) might have rounded the product. */
export function times(a: Scaled, b: Scaled): Scaled | undefined {
  const units = a.units * b.units;
  if (units >= LIMIT || -units >= LIMIT) return undefined;
  return { units, scale: a.scale + b.scale };
}

/** Rounded to `places` (≤ scale), half away from zero, as units of 10^-places. */
export function roundTo(a: Scaled, places: number): bigint {
  if (a.scale <= places) return a.units * POW10[places - a.scale];
  const d = POW10[a.scale - places];
  const half = d / 2n;
  return a.units >= 0n ? (a.units + half) / d : -((-a.units + half) / d);
}

/** decimal.js's `toFixed(places)` of units of 10^-scale (with places ≥ scale): "12.50" for 1250n, 2, 2. */
export function fixedText(units: bigint, scale: number, places = scale): string {
  const neg = units < 0n;
  let digits = (neg ? -units : units).toString();
  if (places > scale) digits += '0'.repeat(places - scale);
  if (places === 0) return (neg ? '-' : '') + digits;
  digits = digits.padStart(places + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** quantity.ts's `decimalOut(d)`: shortest text, no trailing zeros, "0" for zero. */
export function plainText(units: bigint, scale: number): string {
  if (units === 0n) return '0';
  const t = fixedText(units, scale);
  return scale === 0 ? t : t.replace(/\.?0+$/, '');
}

/** quantity.ts's `amountText(d)` of kuruş: two places, "0.00" for zero (never "-0.00"). */
export function kurusText(kurus: bigint): string {
  return kurus === 0n ? '0.00' : fixedText(kurus, 2);
}
