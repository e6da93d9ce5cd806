/**
 * COSEM data as the A-XDR `Data` CHOICE carries it (IEC 62056-6-2 / Green Book "Data" type), one TypeScript shape per
 * type. Integers up to 32 bits are numbers; 64-bit ones are bigints, because a long64 index beyond 2^53 must not lose
 * digits silently. date-time, date and time keep their raw octets: their meaning (deviation, clock status, wildcards)
 * is decoded by date-time.ts, not guessed here.
 */

export type IntegerType = 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'enum' | 'bcd';
export type FixedOctetsType = 'date-time' | 'date' | 'time';

export type DlmsData =
  | { type: 'null' }
  | { type: 'dont-care' }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; bits: number; value: Buffer }
  | { type: IntegerType; value: number }
  | { type: 'int64' | 'uint64'; value: bigint }
  | { type: 'float32' | 'float64'; value: number }
  | { type: 'octet-string'; value: Buffer }
  | { type: 'visible-string' | 'utf8-string'; value: string }
  | { type: FixedOctetsType; value: Buffer }
  | { type: 'array' | 'structure'; items: DlmsData[] }
  | { type: 'compact-array'; description: TypeDescription; items: DlmsData[] };

export type DlmsType = DlmsData['type'];

/** The element type of a compact-array (IEC 62056-6-2 TypeDescription). */
export type TypeDescription =
  | { type: Exclude<DlmsType, 'array' | 'structure' | 'compact-array'> }
  | { type: 'array'; count: number; element: TypeDescription }
  | { type: 'structure'; elements: TypeDescription[] };

/** Data CHOICE tags. */
export const TAG: Record<DlmsType, number> = {
  null: 0,
  array: 1,
  structure: 2,
  boolean: 3,
  'bit-string': 4,
  int32: 5,
  uint32: 6,
  'octet-string': 9,
  'visible-string': 10,
  'utf8-string': 12,
  bcd: 13,
  int8: 15,
  int16: 16,
  uint8: 17,
  uint16: 18,
  'compact-array': 19,
  int64: 20,
  uint64: 21,
  enum: 22,
  float32: 23,
  float64: 24,
  'date-time': 25,
  date: 26,
  time: 27,
  'dont-care': 255,
};

export const TYPE_BY_TAG: ReadonlyMap<number, DlmsType> = new Map(Object.entries(TAG).map(([t, tag]) => [tag, t as DlmsType]));

/** Encoded size of the fixed-size types (without tag); undefined for variable-size ones. */
export const FIXED_SIZE: Partial<Record<DlmsType, number>> = {
  null: 0,
  'dont-care': 0,
  boolean: 1,
  int8: 1,
  uint8: 1,
  enum: 1,
  bcd: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  'date-time': 12,
  date: 5,
  time: 4,
};

/** Limits every decode runs under: a hostile or broken meter can make the decoder fail, never hang or swell. */
export interface DecodeLimits {
  maxDepth: number; // nesting of arrays / structures (and compact-array type descriptions)
  maxElements: number; // Data values in one decode, nested ones included
  maxBytes: number; // size of one encoded value (an APDU, a reassembled block transfer)
}

export const DEFAULT_LIMITS: DecodeLimits = { maxDepth: 16, maxElements: 250_000, maxBytes: 8 * 1024 * 1024 };

// Small constructors keep encoders and tests readable.
export const d = {
  null: (): DlmsData => ({ type: 'null' }),
  bool: (value: boolean): DlmsData => ({ type: 'boolean', value }),
  int8: (value: number): DlmsData => ({ type: 'int8', value }),
  int16: (value: number): DlmsData => ({ type: 'int16', value }),
  int32: (value: number): DlmsData => ({ type: 'int32', value }),
  uint8: (value: number): DlmsData => ({ type: 'uint8', value }),
  uint16: (value: number): DlmsData => ({ type: 'uint16', value }),
  uint32: (value: number): DlmsData => ({ type: 'uint32', value }),
  enum: (value: number): DlmsData => ({ type: 'enum', value }),
  octets: (value: Buffer): DlmsData => ({ type: 'octet-string', value }),
  visible: (value: string): DlmsData => ({ type: 'visible-string', value }),
  array: (items: DlmsData[]): DlmsData => ({ type: 'array', items }),
  struct: (...items: DlmsData[]): DlmsData => ({ type: 'structure', items }),
};
