/**
 * The 12-byte COSEM date-time (IEC 62056-6-2, 4.1.6.1): year (2 bytes), month, day of month, day of week, hour,
 * minute, second, hundredths, deviation (int16, minutes) and clock status. 0xFF (0xFFFF for the year, 0x8000 for the
 * deviation) means "not specified".
 *
 * Deviation: the Blue Book defines it as the minutes from local time to UTC, i.e. UTC = local + deviation, so
 * Istanbul (UTC+3) is -180. Many meters send the opposite sign; such a meter model sets `deviationSign: -1`.
 * Decoding to an instant needs every field down to the second; a date-time with a wildcard or no deviation is not an
 * instant, and the caller decides (a configured zone for meters that never send a deviation, or refusal).
 */
import { DlmsError } from './errors.ts';

export interface CosemDateTime {
  year: number | null;
  month: number | null; // 1..12; 0xFD/0xFE (DST end/begin) are kept as null
  day: number | null;
  dayOfWeek: number | null; // 1 = Monday .. 7 = Sunday
  hour: number | null;
  minute: number | null;
  second: number | null;
  hundredths: number | null;
  deviation: number | null; // minutes, UTC = local + deviation (standard sign)
  status: number | null; // clock status bits, see CLOCK_STATUS
}

/** Clock status bits (Blue Book 4.1.6.1). */
export const CLOCK_STATUS = { invalidValue: 0x01, doubtfulValue: 0x02, differentClockBase: 0x04, invalidStatus: 0x08, daylightSaving: 0x80 } as const;

const NOT_SPECIFIED_DEVIATION = -0x8000;

export function decodeDateTime(b: Buffer): CosemDateTime {
  if (b.length !== 12) throw new DlmsError('value_invalid', `date-time must be 12 bytes, got ${b.length}`);
  const field = (v: number, min: number, max: number, name: string, wild: readonly number[] = [0xff]) => {
    if (wild.includes(v)) return null;
    if (v < min || v > max) throw new DlmsError('value_invalid', `date-time ${name} ${v}`);
    return v;
  };
  const year = b.readUInt16BE(0);
  const deviation = b.readInt16BE(9);
  if (deviation !== NOT_SPECIFIED_DEVIATION && (deviation < -720 || deviation > 720)) throw new DlmsError('value_invalid', `date-time deviation ${deviation}`);
  return {
    year: year === 0xffff ? null : year,
    month: field(b[2], 1, 12, 'month', [0xfd, 0xfe, 0xff]),
    day: field(b[3], 1, 31, 'day', [0xfd, 0xfe, 0xff]),
    dayOfWeek: field(b[4], 1, 7, 'day of week'),
    hour: field(b[5], 0, 23, 'hour'),
    minute: field(b[6], 0, 59, 'minute'),
    second: field(b[7], 0, 59, 'second'),
    hundredths: field(b[8], 0, 99, 'hundredths'),
    deviation: deviation === NOT_SPECIFIED_DEVIATION ? null : deviation,
    status: b[11] === 0xff ? null : b[11],
  };
}

/**
 * The instant a date-time names, in epoch ms. `fallbackDeviation` (standard sign) is used when the meter sent none;
 * without either, or with a wildcard in a date or time field, there is no instant and DlmsError('value_invalid').
 */
export function dateTimeToInstant(dt: CosemDateTime, opts: { deviationSign?: 1 | -1; fallbackDeviation?: number } = {}): number {
  const { year, month, day, hour, minute, second } = dt;
  if (year === null || month === null || day === null || hour === null || minute === null || second === null) {
    throw new DlmsError('value_invalid', 'date-time with an unspecified field is not an instant');
  }
  const deviation = dt.deviation === null ? opts.fallbackDeviation : dt.deviation * (opts.deviationSign ?? 1);
  if (deviation === undefined) throw new DlmsError('value_invalid', 'date-time without deviation and no zone configured for the meter');
  const local = Date.UTC(year, month - 1, day, hour, minute, second, (dt.hundredths ?? 0) * 10);
  // Date.UTC rolls 31 April over to 1 May: a date that does not exist is refused, not moved.
  if (new Date(local).getUTCDate() !== day) throw new DlmsError('value_invalid', `date-time ${year}-${month}-${day} does not exist`);
  return local + deviation * 60_000;
}

/** Encodes an instant as a date-time with the given deviation (standard sign; 0 = UTC) and clock status. */
export function encodeDateTime(ms: number, deviation = 0, status = 0): Buffer {
  const local = new Date(ms - deviation * 60_000);
  const b = Buffer.alloc(12);
  b.writeUInt16BE(local.getUTCFullYear(), 0);
  b[2] = local.getUTCMonth() + 1;
  b[3] = local.getUTCDate();
  b[4] = ((local.getUTCDay() + 6) % 7) + 1;
  b[5] = local.getUTCHours();
  b[6] = local.getUTCMinutes();
  b[7] = local.getUTCSeconds();
  b[8] = Math.floor(local.getUTCMilliseconds() / 10);
  b.writeInt16BE(deviation, 9);
  b[11] = status;
  return b;
}

/** A date-time whose every field is a wildcard except those given: e.g. the open end of a range. */
export function encodeDateTimeFields(dt: CosemDateTime): Buffer {
  const b = Buffer.alloc(12, 0xff);
  b.writeUInt16BE(dt.year ?? 0xffff, 0);
  const set = (i: number, v: number | null) => {
    if (v !== null) b[i] = v;
  };
  set(2, dt.month);
  set(3, dt.day);
  set(4, dt.dayOfWeek);
  set(5, dt.hour);
  set(6, dt.minute);
  set(7, dt.second);
  set(8, dt.hundredths);
  b.writeInt16BE(dt.deviation ?? NOT_SPECIFIED_DEVIATION, 9);
  b[11] = dt.status ?? 0xff;
  return b;
}
