/**
 * Fault injection: the ways real meters misbehave, each a pure transform on readings, on a payload or on the order
 * in which a meter's messages leave. Every decision is a keyed draw on (plan seed, meter, hour or message), so a plan
 * with a seed injects the same faults wherever and whenever it runs, and a test can predict them.
 *
 * The default plan injects nothing. Rates are probabilities in [0, 1]: per meter-hour for gaps, spikes and incidents;
 * per message for duplicates, reordering, late delivery and malformed payloads; per meter for clock drift.
 */
import { HOUR_MS, isoTs, type SimReading } from './profiles.ts';
import { keyedUnit, seedFrom } from './random.ts';

export interface FaultPlan {
  seed: number;
  gapRate: number; // an hour's readings are never sent (the register keeps counting: the next index jumps)
  spikeRate: number; // a consumption value arrives multiplied by SPIKE_FACTOR (the register stays true)
  duplicateRate: number; // a message is published twice
  outOfOrderRate: number; // a message swaps places with the meter's next one
  lateRate: number; // a message is held back ...
  lateHours: number; // ... and sent this many simulated hours later
  driftRate: number; // share of meters whose clock runs ahead ...
  driftMinutes: number; // ... by this many minutes: every ts they send is shifted
  tamperRate: number; // 'tamper' event
  leakRate: number; // 'leak' event, and the leaking litres on top of the hour's consumption
  reverseFlowRate: number; // 'reverse_flow' event, and the hour's consumption negative
  malformedRate: number; // a message is replaced by one the head-end must refuse
  pressureDropRate: number; // the hour's pressure reading falls to PRESSURE_DROP_FACTOR of normal (a line fault)
}

export const NO_FAULTS: Readonly<FaultPlan> = Object.freeze({
  seed: 0,
  gapRate: 0,
  spikeRate: 0,
  duplicateRate: 0,
  outOfOrderRate: 0,
  lateRate: 0,
  lateHours: 6,
  driftRate: 0,
  driftMinutes: 0,
  tamperRate: 0,
  leakRate: 0,
  reverseFlowRate: 0,
  malformedRate: 0,
  pressureDropRate: 0,
});

export const SPIKE_FACTOR = 50;
export const PRESSURE_DROP_FACTOR = 0.2;
const LEAK_LITRES_PER_HOUR = 30;

/** A full plan from the faults asked for; refuses rates outside [0, 1] rather than silently clamping them. */
export function faultPlan(partial: Partial<FaultPlan> = {}): FaultPlan {
  const plan = { ...NO_FAULTS, ...partial };
  for (const [key, value] of Object.entries(plan)) {
    if (!Number.isFinite(value)) throw new RangeError(`fault plan: ${key} must be a finite number`);
    if (key.endsWith('Rate') && (value < 0 || value > 1)) throw new RangeError(`fault plan: ${key} must be within [0, 1], got ${value}`);
  }
  if (!Number.isInteger(plan.lateHours) || plan.lateHours < 1) throw new RangeError('fault plan: lateHours must be a whole number >= 1');
  return plan;
}

// Salts keep the draws of different faults independent of each other for the same meter and hour.
const Salt = { Gap: 101, Spike: 102, Duplicate: 103, OutOfOrder: 104, Late: 105, Drift: 106, Tamper: 107, Leak: 108, Reverse: 109, Malformed: 110, MalformedKind: 111, EventMinute: 112, PressureDrop: 113 } as const;
type Salt = (typeof Salt)[keyof typeof Salt];

function draw(plan: FaultPlan, meterSeed: number, key: number, salt: Salt): number {
  return keyedUnit((plan.seed ^ meterSeed) >>> 0, key, salt);
}

function hits(plan: FaultPlan, rate: number, meterSeed: number, key: number, salt: Salt): boolean {
  return rate > 0 && draw(plan, meterSeed, key, salt) < rate;
}

const hourKey = (hourStart: number) => Math.floor(hourStart / HOUR_MS);

// --- per meter-hour -------------------------------------------------------------------------------------------

export function isGapHour(plan: FaultPlan, meterSeed: number, hourStart: number): boolean {
  return hits(plan, plan.gapRate, meterSeed, hourKey(hourStart), Salt.Gap);
}

/** Multiplies the hour's consumption by SPIKE_FACTOR when the plan says so; other channels are left alone. */
export function spikeReadings(plan: FaultPlan, meterSeed: number, hourStart: number, readings: SimReading[]): SimReading[] {
  if (!hits(plan, plan.spikeRate, meterSeed, hourKey(hourStart), Salt.Spike)) return readings;
  return readings.map((r) => (r.ch === 'consumption' ? { ...r, v: Math.round(r.v * SPIKE_FACTOR * 1000) / 1000 } : r));
}

/** Drops the hour's pressure reading to PRESSURE_DROP_FACTOR of normal when the plan says so (a regulator or line fault). */
export function dropPressure(plan: FaultPlan, meterSeed: number, hourStart: number, readings: SimReading[]): SimReading[] {
  if (!hits(plan, plan.pressureDropRate, meterSeed, hourKey(hourStart), Salt.PressureDrop)) return readings;
  return readings.map((r) => (r.ch === 'pressure' ? { ...r, v: Math.round(r.v * PRESSURE_DROP_FACTOR * 10_000) / 10_000 } : r));
}

export function isPressureDropHour(plan: FaultPlan, meterSeed: number, hourStart: number): boolean {
  return hits(plan, plan.pressureDropRate, meterSeed, hourKey(hourStart), Salt.PressureDrop);
}

export interface Incidents {
  tamper: boolean;
  leak: boolean;
  reverseFlow: boolean;
  leakLitres: number;
}

export function hourIncidents(plan: FaultPlan, meterSeed: number, hourStart: number): Incidents {
  const k = hourKey(hourStart);
  const leak = hits(plan, plan.leakRate, meterSeed, k, Salt.Leak);
  return {
    tamper: hits(plan, plan.tamperRate, meterSeed, k, Salt.Tamper),
    leak,
    reverseFlow: hits(plan, plan.reverseFlowRate, meterSeed, k, Salt.Reverse),
    leakLitres: leak ? LEAK_LITRES_PER_HOUR : 0,
  };
}

/** An event as the payload carries it (collectors/mqtt/payload.ts). */
export interface SimEvent {
  ts: string;
  code: string;
  detail?: Record<string, unknown>;
}

/** The events a meter raises for the incidents of an hour, stamped inside the hour (never after its end). */
export function incidentEvents(plan: FaultPlan, meterSeed: number, hourStart: number, incidents: Incidents): SimEvent[] {
  const minute = Math.floor(draw(plan, meterSeed, hourKey(hourStart), Salt.EventMinute) * 60);
  const ts = isoTs(hourStart + minute * 60_000);
  const events: SimEvent[] = [];
  if (incidents.tamper) events.push({ ts, code: 'tamper', detail: { cause: 'cover_opened' } });
  if (incidents.leak) events.push({ ts, code: 'leak', detail: { litresPerHour: incidents.leakLitres } });
  if (incidents.reverseFlow) events.push({ ts, code: 'reverse_flow', detail: {} });
  return events;
}

// --- per meter: clock drift --------------------------------------------------------------------------------------

/** Minutes this meter's clock runs ahead (0 for most meters). */
export function driftMinutesOf(plan: FaultPlan, serial: string): number {
  return plan.driftMinutes !== 0 && hits(plan, plan.driftRate, seedFrom(serial), 0, Salt.Drift) ? plan.driftMinutes : 0;
}

/** Shifts every ts by exactly `minutes` (a meter whose clock is off stamps everything it sends with its own time). */
export function shiftTimestamps<T extends { ts: string }>(items: T[], minutes: number): T[] {
  if (minutes === 0) return items;
  return items.map((item) => ({ ...item, ts: isoTs(Date.parse(item.ts) + minutes * 60_000) }));
}

// --- per message: malformed payloads ---------------------------------------------------------------------------

export const MALFORMED_KINDS = ['invalid_json', 'wrong_types', 'nan_text', 'far_future_ts'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export function malformedKindOf(plan: FaultPlan, meterSeed: number, messageKey: number): MalformedKind | undefined {
  if (!hits(plan, plan.malformedRate, meterSeed, messageKey, Salt.Malformed)) return undefined;
  return MALFORMED_KINDS[Math.floor(draw(plan, meterSeed, messageKey, Salt.MalformedKind) * MALFORMED_KINDS.length)];
}

/**
 * What broken firmware sends instead of `body`. The first three are refused by the payload parser (json_invalid,
 * schema_invalid); `far_future_ts` parses and is refused by validation (ts_future), as a meter whose RTC lost its
 * date would be.
 */
export function malformedPayload(kind: MalformedKind, body: { msgId: string; readings: SimReading[] }): Buffer {
  const json = JSON.stringify(body);
  switch (kind) {
    case 'invalid_json': // cut off mid-message, as a modem that drops the line does
      return Buffer.from(json.slice(0, Math.max(1, Math.floor(json.length / 2))));
    case 'wrong_types': // values as strings
      return Buffer.from(JSON.stringify({ ...body, readings: body.readings.map((r) => ({ ...r, v: String(r.v) })) }));
    case 'nan_text': // a C printf of a NaN float: not JSON
      return Buffer.from(json.replace(/"v":[^,}]+/, '"v":NaN'));
    case 'far_future_ts': {
      const future = Date.UTC(2099, 0, 1);
      return Buffer.from(JSON.stringify({ ...body, readings: body.readings.map((r, i) => ({ ...r, ts: isoTs(future + i * HOUR_MS) })) }));
    }
  }
}

// --- per message: the order messages leave in ------------------------------------------------------------------

interface Held<T> {
  msg: T;
  key: number;
  due: number;
}

/**
 * Decides when each of one meter's messages leaves: late ones wait `lateHours` of simulated time, an out-of-order
 * one waits for the next message and goes after it, a duplicated one goes twice. Pure apart from its own queue.
 */
export class FaultSchedule<T> {
  private late: Held<T>[] = [];
  private swapped: Held<T> | undefined;

  constructor(private readonly plan: FaultPlan, private readonly meterSeed: number) {}

  /** Takes the message built for simulated time `now` (its key fixes its draws); returns what leaves now, in order. */
  push(msg: T, key: number, now: number): Array<{ msg: T; duplicate: boolean }> {
    const out: Held<T>[] = [];
    const item = { msg, key, due: now + this.plan.lateHours * HOUR_MS };
    if (hits(this.plan, this.plan.lateRate, this.meterSeed, key, Salt.Late)) this.late.push(item);
    else if (this.swapped) {
      out.push(item, this.swapped);
      this.swapped = undefined;
    } else if (hits(this.plan, this.plan.outOfOrderRate, this.meterSeed, key, Salt.OutOfOrder)) this.swapped = item;
    else out.push(item);
    out.push(...this.late.filter((h) => h.due <= now));
    this.late = this.late.filter((h) => h.due > now);
    return this.withDuplicates(out);
  }

  /** Everything still held back, oldest first: when a meter stops, nothing it produced is silently lost. */
  drain(): Array<{ msg: T; duplicate: boolean }> {
    const out = [...(this.swapped ? [this.swapped] : []), ...this.late].sort((a, b) => a.key - b.key);
    this.swapped = undefined;
    this.late = [];
    return this.withDuplicates(out);
  }

  private withDuplicates(items: Held<T>[]): Array<{ msg: T; duplicate: boolean }> {
    const out: Array<{ msg: T; duplicate: boolean }> = [];
    for (const h of items) {
      out.push({ msg: h.msg, duplicate: false });
      if (hits(this.plan, this.plan.duplicateRate, this.meterSeed, h.key, Salt.Duplicate)) out.push({ msg: h.msg, duplicate: true });
    }
    return out;
  }
}
