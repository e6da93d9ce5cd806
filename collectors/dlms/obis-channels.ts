/**
 * Which OBIS codes feed which of our channels (headend/channels.ts), by default. A meter model may name other codes
 * for its channels (docs/dlms.md, "Adding a meter model"); these are the ones a gas, water or electricity utility
 * meets first. Value group A is the medium: 1 electricity, 7 gas, 8 cold water; C the quantity; D the processing
 * (0 = current value / index, 8 = time integral 1 = register total, 29 = time integral 5 = per capture period).
 */
export interface ObisChannel {
  obis: string;
  channel: string;
  meaning: string;
}

export const OBIS_CHANNELS: readonly ObisChannel[] = [
  { obis: '7.0.3.0.0.255', channel: 'volume', meaning: 'gas: volume Vm at metering conditions, forward, index' },
  { obis: '7.0.13.0.0.255', channel: 'volume', meaning: 'gas: converted volume Vb at base conditions, forward, index' },
  { obis: '7.0.43.0.0.255', channel: 'flow', meaning: 'gas: flow rate at metering conditions' },
  { obis: '7.0.41.0.0.255', channel: 'temperature', meaning: 'gas: temperature' },
  { obis: '7.0.42.0.0.255', channel: 'pressure', meaning: 'gas: absolute pressure' },
  { obis: '8.0.1.0.0.255', channel: 'volume', meaning: 'cold water: accumulated volume, index' },
  { obis: '8.0.2.0.0.255', channel: 'flow', meaning: 'cold water: flow rate' },
  { obis: '1.0.1.8.0.255', channel: 'energy', meaning: 'electricity: active energy import (+A), total' },
  { obis: '1.0.1.29.0.255', channel: 'energy_interval', meaning: 'electricity: active energy import per capture period (load profile)' },
];

const BY_OBIS = new Map<string, string>();
for (const o of OBIS_CHANNELS) if (!BY_OBIS.has(o.obis)) BY_OBIS.set(o.obis, o.channel);

export function defaultChannel(obis: string): string | undefined {
  return BY_OBIS.get(obis);
}

/** Well-known objects that are not channels. */
export const WELL_KNOWN = {
  clock: '0.0.1.0.0.255',
  logicalDeviceName: '0.0.42.0.0.255',
  disconnectControl: '0.0.96.3.10.255',
  amrProfileStatus: '0.0.96.10.1.255',
} as const;

/** Interface classes the collector understands. */
export const CLASS = { data: 1, register: 3, extendedRegister: 4, profileGeneric: 7, clock: 8, disconnectControl: 70 } as const;
