/**
 * The COSEM interface-class attributes the collector reads, from Data to meaning: Register / Extended Register
 * scaler_unit (attribute 3) and capture_time (class 4, attribute 5), Profile Generic capture_objects (attribute 3) and
 * the range_descriptor selective access that reads its buffer (attribute 2) between two instants, and date-times in
 * either of their two encodings (octet-string of 12, or the date-time type).
 */
import type { DlmsData } from './data.ts';
import { dateTimeToInstant, decodeDateTime, encodeDateTime, type CosemDateTime } from './date-time.ts';
import { DlmsError } from './errors.ts';
import { obisBytes, obisString } from './obis.ts';
import { CLASS, WELL_KNOWN } from './obis-channels.ts';
import type { ScalerUnit } from './units.ts';
import type { AccessSelection } from './xdlms.ts';

export interface CaptureObject {
  classId: number;
  obis: string;
  attribute: number;
  dataIndex: number;
}

function items(v: DlmsData, type: 'array' | 'structure', n: number | undefined, what: string): DlmsData[] {
  if (v.type !== type || (n !== undefined && v.items.length !== n)) throw new DlmsError('value_invalid', `${what} must be ${n === undefined ? 'an' : `a ${n}-element`} ${type}, got ${v.type}`);
  return v.items;
}

export function intOf(v: DlmsData, what: string): number {
  if (v.type === 'int8' || v.type === 'int16' || v.type === 'int32' || v.type === 'uint8' || v.type === 'uint16' || v.type === 'uint32' || v.type === 'enum') return v.value;
  throw new DlmsError('value_invalid', `${what} must be an integer, got ${v.type}`);
}

export function parseScalerUnit(v: DlmsData): ScalerUnit {
  const [scaler, unit] = items(v, 'structure', 2, 'scaler_unit');
  return { scaler: intOf(scaler, 'scaler'), unit: intOf(unit, 'unit') };
}

export function scalerUnitData(su: ScalerUnit): DlmsData {
  return { type: 'structure', items: [{ type: 'int8', value: su.scaler }, { type: 'enum', value: su.unit }] };
}

export function parseCaptureObjects(v: DlmsData): CaptureObject[] {
  return items(v, 'array', undefined, 'capture_objects').map((o, i) => {
    const [classId, ln, attribute, dataIndex] = items(o, 'structure', 4, `capture_objects[${i}]`);
    if (ln.type !== 'octet-string') throw new DlmsError('value_invalid', `capture_objects[${i}] logical name must be an octet-string`);
    return { classId: intOf(classId, 'class_id'), obis: obisString(ln.value), attribute: intOf(attribute, 'attribute_index'), dataIndex: intOf(dataIndex, 'data_index') };
  });
}

export function captureObjectData(c: CaptureObject): DlmsData {
  return {
    type: 'structure',
    items: [
      { type: 'uint16', value: c.classId },
      { type: 'octet-string', value: obisBytes(c.obis) },
      { type: 'int8', value: c.attribute },
      { type: 'uint16', value: c.dataIndex },
    ],
  };
}

export const CLOCK_CAPTURE: CaptureObject = { classId: CLASS.clock, obis: WELL_KNOWN.clock, attribute: 2, dataIndex: 0 };

/**
 * Selective access by range (selector 1): rows whose clock column lies in [from, to], all columns. The instants are
 * sent with the given deviation (0 = UTC); meters compare them as instants.
 */
export function rangeDescriptor(fromMs: number, toMs: number, deviation = 0, clock: CaptureObject = CLOCK_CAPTURE): AccessSelection {
  return {
    selector: 1,
    parameters: {
      type: 'structure',
      items: [
        captureObjectData(clock),
        { type: 'octet-string', value: encodeDateTime(fromMs, deviation) },
        { type: 'octet-string', value: encodeDateTime(toMs, deviation) },
        { type: 'array', items: [] },
      ],
    },
  };
}

/** The range a range_descriptor asks for (the emulator's side of selective access). */
export function parseRangeDescriptor(access: AccessSelection, deviationSign: 1 | -1 = 1): { from: number; to: number } {
  if (access.selector !== 1) throw new DlmsError('value_invalid', `access selector ${access.selector} is not range_descriptor`);
  const [, from, to] = items(access.parameters, 'structure', 4, 'range_descriptor');
  return { from: instantOf(from, { deviationSign }), to: instantOf(to, { deviationSign }) };
}

/** A date-time as octet-string(12) or as the date-time type. */
export function dateTimeOf(v: DlmsData): CosemDateTime {
  if ((v.type === 'octet-string' || v.type === 'date-time') && v.value.length === 12) return decodeDateTime(v.value);
  throw new DlmsError('value_invalid', `expected a date-time, got ${v.type}`);
}

export function instantOf(v: DlmsData, opts: { deviationSign?: 1 | -1; fallbackDeviation?: number } = {}): number {
  return dateTimeToInstant(dateTimeOf(v), opts);
}

/** The rows of a Profile Generic buffer (an array of structures, one element per capture object). */
export function profileRows(buffer: DlmsData, columns: number): DlmsData[][] {
  return items(buffer, 'array', undefined, 'profile buffer').map((row, i) => items(row, 'structure', columns, `profile row ${i}`));
}
