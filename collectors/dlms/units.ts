/**
 * DLMS unit enumeration (Blue Book 4.3.2, scaler_unit) and how a register's raw value becomes a reading in one of our
 * channel units. The meter's value is `raw × 10^scaler` in its unit; we move units into the channel's own unit in the
 * same power-of-ten step (Wh -> kWh is 10^-3, l -> m3 is 10^-3, Pa -> bar is 10^-5) and divide rather than multiply
 * by fractions, so 12345678 with scaler -3 is 12345.678 exactly, as a decimal reading should be.
 */
import { DlmsError } from './errors.ts';

/** Unit codes and their symbols (the common part of the Blue Book table). */
export const DLMS_UNITS: Readonly<Record<number, string>> = {
  1: 'a', 2: 'mo', 3: 'wk', 4: 'd', 5: 'h', 6: 'min', 7: 's', 8: '°', 9: '°C', 10: 'currency', 11: 'm', 12: 'm/s',
  13: 'm3', 14: 'm3 (corrected)', 15: 'm3/h', 16: 'm3/h (corrected)', 17: 'm3/d', 18: 'm3/d (corrected)', 19: 'l',
  20: 'kg', 21: 'N', 22: 'Nm', 23: 'Pa', 24: 'bar', 25: 'J', 26: 'J/h', 27: 'W', 28: 'VA', 29: 'var', 30: 'Wh',
  31: 'VAh', 32: 'varh', 33: 'A', 34: 'C', 35: 'V', 36: 'V/m', 37: 'F', 38: 'Ω', 39: 'Ωm2/m', 40: 'Wb', 41: 'T',
  42: 'A/m', 43: 'H', 44: 'Hz', 45: '1/(Wh)', 46: '1/(varh)', 47: '1/(VAh)', 48: 'V2h', 49: 'A2h', 50: 'kg/s',
  51: 'S', 52: 'K', 53: '1/(V2h)', 54: '1/(A2h)', 55: '1/m3', 56: '%', 57: 'Ah', 60: 'Wh/m3', 61: 'J/m3',
  62: 'Mol %', 63: 'g/m3', 64: 'Pa s', 254: 'other', 255: 'count',
};

/**
 * DLMS units our channels take, as (channel unit, power of ten from the DLMS unit to it). Corrected volumes (14, 16)
 * land in the same channels: which volume a model reports is the model's choice (docs/dlms.md).
 */
export const UNIT_TO_CHANNEL_UNIT: Readonly<Record<number, { unit: string; exp10: number }>> = {
  9: { unit: 'degC', exp10: 0 },
  13: { unit: 'm3', exp10: 0 },
  14: { unit: 'm3', exp10: 0 },
  15: { unit: 'm3/h', exp10: 0 },
  16: { unit: 'm3/h', exp10: 0 },
  19: { unit: 'm3', exp10: -3 },
  23: { unit: 'bar', exp10: -5 },
  24: { unit: 'bar', exp10: 0 },
  30: { unit: 'kWh', exp10: -3 },
  56: { unit: '%', exp10: 0 },
};

export interface ScalerUnit {
  scaler: number; // int8
  unit: number; // enum
}

export function unitSymbol(code: number): string {
  return DLMS_UNITS[code] ?? `unit ${code}`;
}

/** raw × 10^exp, computed so that decimal results stay exact where a double can hold them. */
export function scale(raw: number, exp: number): number {
  if (exp === 0) return raw;
  return exp > 0 ? raw * 10 ** exp : raw / 10 ** -exp;
}

/** A raw register value as a number, refusing what a number cannot hold. */
export function rawNumber(raw: number | bigint | boolean): number {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'bigint') {
    if (raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < -BigInt(Number.MAX_SAFE_INTEGER)) throw new DlmsError('value_invalid', `64-bit value ${raw} is beyond 2^53`);
    return Number(raw);
  }
  if (!Number.isFinite(raw)) throw new DlmsError('value_invalid', `value ${raw} is not a finite number`);
  return raw;
}

/** The reading value and unit for `raw` with the register's scaler_unit, in the given channel's unit. */
export function toChannelValue(raw: number | bigint | boolean, su: ScalerUnit, channelUnit: string): number {
  const target = UNIT_TO_CHANNEL_UNIT[su.unit];
  if (!target || target.unit !== channelUnit) throw new DlmsError('value_invalid', `unit ${unitSymbol(su.unit)} cannot be stored as ${channelUnit}`);
  const value = scale(rawNumber(raw), su.scaler + target.exp10);
  if (!Number.isFinite(value)) throw new DlmsError('value_invalid', `value overflows with scaler ${su.scaler}`);
  return value;
}
