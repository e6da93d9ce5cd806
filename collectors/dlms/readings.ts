/**
 * From COSEM values to envelopes: register values with their scaler_unit, and Profile Generic rows with their
 * capture objects. Shared by polling and push, so a load profile stores the same readings whichever way it came.
 *
 * A value that cannot become a reading (a unit the channel cannot take, NaN, a 64-bit index beyond 2^53, a row without
 * an instant) is named in `failures` and left out; the rest of the message is still stored (like Modbus).
 * Quality: the AMR profile status of a row and the clock status of its date-time mark readings 'suspect' (data or
 * clock invalid, doubtful) or 'clock_corrected' (clock adjusted during the period); otherwise 'good'.
 */
import type { Envelope, Quality } from '../../headend/index.ts';
import { CHANNEL_BY_CODE } from '../../headend/index.ts';
import { dateTimeOf, instantOf, type CaptureObject } from './cosem.ts';
import type { DlmsData } from './data.ts';
import { dateTimeToInstant, CLOCK_STATUS } from './date-time.ts';
import { DlmsError } from './errors.ts';
import type { DlmsObjectModel } from './meter-model.ts';
import { CLASS, defaultChannel } from './obis-channels.ts';
import { toChannelValue, type ScalerUnit } from './units.ts';

/** AMR profile status bits (DLMS UA 1000-1 / IDIS): what a row's status column says about it. */
const AMR = { criticalError: 0x01, clockInvalid: 0x02, dataNotValid: 0x04, clockAdjusted: 0x20 } as const;

export interface ReadingContext {
  serial: string;
  source: string; // 'dlms'
  correlationId: string;
  receivedAt: number;
  model: DlmsObjectModel;
}

export interface Built {
  envelopes: Envelope[];
  failures: string[];
}

/** How one profile column is read: as the row's instant, its status, a channel (with its scaler_unit), or not at all. */
export type ColumnRole = { role: 'clock' } | { role: 'status' } | { role: 'channel'; channel: string; scalerUnit?: ScalerUnit } | { role: 'ignored' };

export function columnRoles(columns: readonly CaptureObject[], model: DlmsObjectModel, scalers: ReadonlyMap<string, ScalerUnit>): ColumnRole[] {
  return columns.map((c) => {
    if (c.classId === CLASS.clock && c.attribute === 2) return { role: 'clock' };
    if (c.obis.startsWith('0.0.96.10.') && c.attribute === 2) return { role: 'status' };
    if (c.attribute !== 2) return { role: 'ignored' };
    const declared = model.loadProfile?.columns?.find((x) => x.obis === c.obis && x.classId === c.classId && x.attribute === c.attribute);
    const register = model.registers.find((r) => r.obis === c.obis);
    const channel = declared?.channel ?? register?.channel ?? defaultChannel(c.obis);
    if (!channel) return { role: 'ignored' };
    const declaredSu = declared?.scaler !== undefined && declared.unit !== undefined ? { scaler: declared.scaler, unit: declared.unit } : register?.scaler !== undefined && register.unit !== undefined ? { scaler: register.scaler, unit: register.unit } : undefined;
    return { role: 'channel', channel, scalerUnit: scalers.get(c.obis) ?? declaredSu };
  });
}

function envelope(ctx: ReadingContext, channel: string, ts: number, value: number, quality: Quality): Envelope {
  return {
    id: `${ctx.correlationId}#${channel}@${ts}`,
    ts,
    type: 'reading',
    meterSerial: ctx.serial,
    channel,
    value,
    unit: CHANNEL_BY_CODE.get(channel)!.unit,
    quality,
    source: ctx.source,
    receivedAt: ctx.receivedAt,
    correlationId: ctx.correlationId,
  };
}

function rawOf(v: DlmsData): number | bigint | boolean {
  if ('value' in v && (typeof v.value === 'number' || typeof v.value === 'bigint' || typeof v.value === 'boolean')) return v.value;
  throw new DlmsError('value_invalid', `a ${v.type} is not a measurement`);
}

function qualityOf(status: number | null, clockStatus: number | null): Quality {
  const cs = clockStatus ?? 0;
  const st = status ?? 0;
  if (st & (AMR.criticalError | AMR.clockInvalid | AMR.dataNotValid) || cs & (CLOCK_STATUS.invalidValue | CLOCK_STATUS.doubtfulValue | CLOCK_STATUS.invalidStatus)) return 'suspect';
  if (st & AMR.clockAdjusted) return 'clock_corrected';
  return 'good';
}

export interface ProfileOptions {
  capturePeriodMs: number;
  afterTs?: number; // rows at or before this instant are left out (already stored)
  fallbackDeviation?: number; // for meters whose date-times carry no deviation
}

/**
 * Readings of profile rows. A row whose clock is null-data continues the previous row's instant by one capture
 * period (the Blue Book's compressed buffers); a first row without an instant fails.
 */
export function profileReadings(ctx: ReadingContext, rows: readonly DlmsData[][], roles: readonly ColumnRole[], opts: ProfileOptions, out: Built): number | undefined {
  let previous: number | undefined;
  let newest: number | undefined;
  rows.forEach((row, i) => {
    let ts: number | undefined;
    let clockStatus: number | null = null;
    let status: number | null = null;
    try {
      roles.forEach((role, c) => {
        if (role.role === 'clock') {
          if (row[c].type === 'null') {
            if (previous === undefined) throw new DlmsError('value_invalid', 'first row has no clock');
            ts = previous + opts.capturePeriodMs;
          } else {
            const dt = dateTimeOf(row[c]);
            clockStatus = dt.status;
            ts = dateTimeToInstant(dt, { deviationSign: ctx.model.deviationSign, fallbackDeviation: opts.fallbackDeviation });
          }
        } else if (role.role === 'status' && row[c].type !== 'null') status = Number(rawOf(row[c]));
      });
      if (ts === undefined) throw new DlmsError('value_invalid', 'the profile has no clock column');
    } catch (err) {
      if (!(err instanceof DlmsError)) throw err;
      out.failures.push(`row ${i}: ${err.detail}`);
      return;
    }
    previous = ts;
    if (opts.afterTs !== undefined && ts <= opts.afterTs) return;
    if (newest === undefined || ts > newest) newest = ts;
    const quality = qualityOf(status, clockStatus);
    roles.forEach((role, c) => {
      if (role.role !== 'channel') return;
      try {
        if (!role.scalerUnit) throw new DlmsError('value_invalid', 'no scaler_unit known');
        out.envelopes.push(envelope(ctx, role.channel, ts!, toChannelValue(rawOf(row[c]), role.scalerUnit, CHANNEL_BY_CODE.get(role.channel)!.unit), quality));
      } catch (err) {
        if (!(err instanceof DlmsError)) throw err;
        out.failures.push(`row ${i} ${role.channel}: ${err.detail}`);
      }
    });
  });
  return newest;
}

/** One register value at `ts` (an Extended Register's capture_time wins when given). */
export function registerReading(ctx: ReadingContext, channel: string, value: DlmsData, su: ScalerUnit, ts: number, captureTime: DlmsData | undefined, out: Built): void {
  try {
    let at = ts;
    if (captureTime && captureTime.type !== 'null') at = instantOf(captureTime, { deviationSign: ctx.model.deviationSign });
    out.envelopes.push(envelope(ctx, channel, at, toChannelValue(rawOf(value), su, CHANNEL_BY_CODE.get(channel)!.unit), 'good'));
  } catch (err) {
    if (!(err instanceof DlmsError)) throw err;
    out.failures.push(`${channel}: ${err.detail}`);
  }
}

