/**
 * The channel catalogue, mirroring the `channel` table (migration 0001), and the units each channel accepts. A unit
 * other than the channel's own is converted when the conversion is exact (L -> m3, Wh -> kWh, kPa -> bar); anything
 * else is rejected rather than guessed.
 */
export type ChannelKind = 'register' | 'interval' | 'instant';

export interface Channel {
  id: number;
  code: string;
  kind: ChannelKind;
  unit: string;
}

export const CHANNELS: readonly Channel[] = [
  { id: 1, code: 'volume', kind: 'register', unit: 'm3' },
  { id: 2, code: 'energy', kind: 'register', unit: 'kWh' },
  { id: 3, code: 'consumption', kind: 'interval', unit: 'm3' },
  { id: 4, code: 'energy_interval', kind: 'interval', unit: 'kWh' },
  { id: 5, code: 'flow', kind: 'instant', unit: 'm3/h' },
  { id: 6, code: 'pressure', kind: 'instant', unit: 'bar' },
  { id: 7, code: 'temperature', kind: 'instant', unit: 'degC' },
  { id: 8, code: 'battery', kind: 'instant', unit: '%' },
];

export const CHANNEL_BY_CODE = new Map(CHANNELS.map((c) => [c.code, c]));
export const CHANNEL_BY_ID = new Map(CHANNELS.map((c) => [c.id, c]));

/** Meter event codes the head-end accepts. */
export const EVENT_CODES = ['tamper', 'leak', 'valve_open', 'valve_closed', 'battery_low', 'reverse_flow', 'magnetic_field', 'power_fail', 'clock_adjusted'] as const;
export type EventCode = (typeof EVENT_CODES)[number];
export const EVENT_CODE_SET: ReadonlySet<string> = new Set(EVENT_CODES);

/** factor to multiply a value in `from` by to get the channel's unit; undefined when not convertible. */
const CONVERSIONS: Record<string, Record<string, number>> = {
  m3: { m3: 1, L: 0.001, l: 0.001 },
  kWh: { kWh: 1, Wh: 0.001, MWh: 1000 },
  'm3/h': { 'm3/h': 1, 'L/h': 0.001, 'l/h': 0.001 },
  bar: { bar: 1, mbar: 0.001, kPa: 0.01, Pa: 0.00001 },
  degC: { degC: 1, C: 1, '°C': 1 },
  '%': { '%': 1 },
};

export function unitFactor(channelUnit: string, unit: string): number | undefined {
  // Own properties only: a device's unit "__proto__" or "constructor" must not find Object.prototype's members.
  const table = Object.hasOwn(CONVERSIONS, channelUnit) ? CONVERSIONS[channelUnit] : undefined;
  return table && Object.hasOwn(table, unit) ? table[unit] : undefined;
}
