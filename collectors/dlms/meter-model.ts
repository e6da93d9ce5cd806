/**
 * What the collector must know of a meter model to read it: the registers to poll and the channel each feeds, the
 * load profile, the push object list, and quirks (deviation sign). Scaler and unit are read from the meter when
 * polling (attribute 3); the `scaler`/`unit` given here serve push data, which carries values only. Built-in models
 * are named in `communication.model`; a meter may also carry a whole model inline (docs/dlms.md).
 */
import { z } from 'zod';
import { CHANNEL_BY_CODE } from '../../headend/index.ts';
import { isObis, normalizeObis } from './obis.ts';
import { CLASS, WELL_KNOWN } from './obis-channels.ts';

const obis = z.string().refine(isObis, 'must be an OBIS code like 7.0.3.0.0.255').transform(normalizeObis);
const channel = z.string().refine((c) => CHANNEL_BY_CODE.has(c), 'must be a channel code (volume, energy, consumption, energy_interval, flow, pressure, temperature, battery)');
const scaler = z.number().int().min(-128).max(127);
const unit = z.number().int().min(0).max(255);

const registerSpec = z.strictObject({ obis, classId: z.union([z.literal(1), z.literal(3), z.literal(4)]).default(3), channel, scaler: scaler.optional(), unit: unit.optional() });
const columnSpec = z.strictObject({ obis, classId: z.number().int().min(1).max(65535), attribute: z.number().int().min(1).max(127), channel: channel.optional(), scaler: scaler.optional(), unit: unit.optional() });
const pushSpec = z.strictObject({ obis, classId: z.number().int().min(1).max(65535), attribute: z.number().int().min(1).max(127) });

export const objectModelSchema = z.strictObject({
  registers: z.array(registerSpec).max(64).default([]),
  loadProfile: z.strictObject({ obis, capturePeriodSeconds: z.number().int().min(1).max(86_400).default(3600), columns: z.array(columnSpec).max(64).optional() }).optional(),
  push: z.array(pushSpec).max(64).optional(),
  clock: obis.default(WELL_KNOWN.clock),
  disconnectControl: obis.default(WELL_KNOWN.disconnectControl),
  deviationSign: z.union([z.literal(1), z.literal(-1)]).default(1),
});

export type DlmsObjectModel = z.output<typeof objectModelSchema>;
export type DlmsObjectModelInput = z.input<typeof objectModelSchema>;
export type RegisterSpec = DlmsObjectModel['registers'][number];
export type ColumnSpec = NonNullable<DlmsObjectModel['loadProfile']>['columns'] extends (infer C)[] | undefined ? C : never;

const LP_COLUMNS = (volume: string) => [
  { classId: CLASS.clock, obis: WELL_KNOWN.clock, attribute: 2 },
  { classId: CLASS.data, obis: WELL_KNOWN.amrProfileStatus, attribute: 2 },
  { classId: CLASS.register, obis: volume, attribute: 2, channel: 'volume', scaler: -3, unit: 13 },
];

/** Models the collector knows by name. */
export const BUILT_IN_MODELS: Record<string, DlmsObjectModelInput> = {
  'generic-gas': {
    registers: [
      { obis: '7.0.3.0.0.255', channel: 'volume' },
      { obis: '7.0.41.0.0.255', channel: 'temperature' },
      { obis: '7.0.42.0.0.255', channel: 'pressure' },
    ],
    loadProfile: { obis: '7.0.99.99.0.255', columns: LP_COLUMNS('7.0.3.0.0.255') },
    push: [
      { classId: CLASS.data, obis: WELL_KNOWN.logicalDeviceName, attribute: 2 },
      { classId: CLASS.profileGeneric, obis: '7.0.99.99.0.255', attribute: 2 },
    ],
  },
  'generic-water': {
    registers: [{ obis: '8.0.1.0.0.255', channel: 'volume' }],
    loadProfile: { obis: '8.0.99.1.0.255', columns: LP_COLUMNS('8.0.1.0.0.255') },
    push: [
      { classId: CLASS.data, obis: WELL_KNOWN.logicalDeviceName, attribute: 2 },
      { classId: CLASS.profileGeneric, obis: '8.0.99.1.0.255', attribute: 2 },
    ],
  },
  'generic-electricity': {
    registers: [{ obis: '1.0.1.8.0.255', channel: 'energy' }],
    loadProfile: { obis: '1.0.99.1.0.255' },
  },
};

export function resolveModel(model: unknown): DlmsObjectModel {
  const input = typeof model === 'string' ? BUILT_IN_MODELS[model] : model;
  if (input === undefined) throw new Error(`unknown DLMS model "${String(model).slice(0, 64)}" (built in: ${Object.keys(BUILT_IN_MODELS).join(', ')})`);
  const parsed = objectModelSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'model'} ${i.message}`).join('; '));
  const seen = new Set<string>();
  for (const r of parsed.data.registers) {
    if (seen.has(r.channel)) throw new Error(`channel ${r.channel} is fed by two registers`);
    seen.add(r.channel);
  }
  return parsed.data;
}
