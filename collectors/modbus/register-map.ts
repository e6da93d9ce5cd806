/**
 * The Modbus register map of a meter model (`meter_model.modbus_map`, format in docs/modbus.md):
 *
 *   { "byteOrder": "BE", "wordOrder": "BE",
 *     "points": [{ "channel": "volume", "function": "holding", "address": 0, "type": "uint32", "scale": 0.001, "unit": "m3" }] }
 *
 * `parseRegisterMap` is the only way in: it checks the shape with zod, then what zod cannot see (known channel, a
 * unit the channel accepts, no channel twice, no two points sharing a register, no point running past register
 * 65535) and returns a normalised map with every default filled in. Anything wrong is one
 * ABONE_ERR_MODBUS_MAP_INVALID naming every problem found, so whoever wrote the map fixes it in one go.
 */
import { z } from 'zod';
import { CHANNEL_BY_CODE, unitFactor } from '../../headend/index.ts';
import { AboneError } from '../../platform/errors.ts';

/** Registers each type occupies. Modbus registers are 16 bits; wider values span consecutive registers. */
export const TYPE_WORDS = { uint16: 1, int16: 1, uint32: 2, int32: 2, float32: 2, uint64: 4, int64: 4, float64: 4 } as const;
export type RegisterType = keyof typeof TYPE_WORDS;
export type RegisterFunction = 'holding' | 'input';
export type Order = 'BE' | 'LE';

const MAX_ADDRESS = 0xffff;
const MAX_POINTS = 64; // bounds the work a hostile map can cause; a meter has far fewer channels than this

const order = z.enum(['BE', 'LE']);
const pointSchema = z.strictObject({
  channel: z.string().min(1).max(32),
  function: z.enum(['holding', 'input']),
  address: z.number().int().min(0).max(MAX_ADDRESS),
  type: z.enum(Object.keys(TYPE_WORDS) as [RegisterType, ...RegisterType[]]),
  scale: z.number().refine((s) => s !== 0, 'must not be 0').optional(),
  unit: z.string().min(1).max(16).optional(),
  // Per-point overrides: some devices keep floats in one word order and counters in the other.
  byteOrder: order.optional(),
  wordOrder: order.optional(),
});
const mapSchema = z.strictObject({
  byteOrder: order.optional(),
  wordOrder: order.optional(),
  points: z.array(pointSchema).min(1).max(MAX_POINTS),
});

/** A point with every default resolved: what the read planner and the decoder work from. */
export interface RegisterPoint {
  channel: string;
  function: RegisterFunction;
  address: number;
  type: RegisterType;
  words: number;
  scale: number;
  unit: string;
  byteOrder: Order; // order of the two bytes inside each register; Modbus itself is big-endian
  wordOrder: Order; // BE: the lowest address holds the most significant word
}

export interface RegisterMap {
  points: readonly RegisterPoint[];
}

/** Accepts the map as stored (a jsonb object) or as JSON text. Throws ABONE_ERR_MODBUS_MAP_INVALID. */
export function parseRegisterMap(input: unknown): RegisterMap {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw invalid([`not JSON: ${(err as Error).message.slice(0, 120)}`]);
    }
  }
  const parsed = mapSchema.safeParse(value);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : 'map'}: ${i.message}`));
  }
  const map = parsed.data;
  const problems: string[] = [];
  const points: RegisterPoint[] = map.points.map((p, i) => {
    const channel = CHANNEL_BY_CODE.get(p.channel);
    if (!channel) problems.push(`points.${i}.channel: unknown channel "${p.channel}"`);
    const unit = p.unit ?? channel?.unit ?? '';
    if (channel && unitFactor(channel.unit, unit) === undefined) problems.push(`points.${i}.unit: "${unit}" is not ${channel.unit} or convertible to it`);
    const words = TYPE_WORDS[p.type];
    if (p.address + words - 1 > MAX_ADDRESS) problems.push(`points.${i}: ${p.type} at ${p.address} runs past register ${MAX_ADDRESS}`);
    return {
      channel: p.channel,
      function: p.function,
      address: p.address,
      type: p.type,
      words,
      scale: p.scale ?? 1,
      unit,
      byteOrder: p.byteOrder ?? map.byteOrder ?? 'BE',
      wordOrder: p.wordOrder ?? map.wordOrder ?? 'BE',
    };
  });
  problems.push(...duplicates(points), ...overlaps(points));
  if (problems.length) throw invalid(problems);
  return { points };
}

/** Two points on one channel would give two readings with the same key (meter, channel, ts): one would be lost. */
function duplicates(points: RegisterPoint[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of points) {
    if (seen.has(p.channel)) out.push(`channel "${p.channel}" appears more than once`);
    seen.add(p.channel);
  }
  return out;
}

/** Holding and input registers are separate tables, so only points of the same function can overlap. */
function overlaps(points: RegisterPoint[]): string[] {
  const sorted = [...points].sort((a, b) => (a.function === b.function ? a.address - b.address : a.function < b.function ? -1 : 1));
  const out: string[] = [];
  let reach: RegisterPoint | undefined; // the point reaching furthest so far in this table: a wide one can cover several
  for (const cur of sorted) {
    if (reach && reach.function === cur.function && cur.address < reach.address + reach.words) {
      out.push(`${cur.channel} (${cur.function} ${cur.address}) overlaps ${reach.channel} (${reach.function} ${reach.address}..${reach.address + reach.words - 1})`);
    }
    if (!reach || reach.function !== cur.function || cur.address + cur.words > reach.address + reach.words) reach = cur;
  }
  return out;
}

function invalid(problems: string[]): AboneError {
  return new AboneError('ABONE_ERR_MODBUS_MAP_INVALID', { detail: problems.join('; ') });
}
