/**
 * Reading a usage file into what rating needs: the period, and either every slot of it filled (estimated where
 * missing) or a total from register reads. Throws ABONE_ERR_BILLING_USAGE_INVALID naming the field.
 */
import { usageSchema, type UsageFile } from './usage-schema.ts';
import { alignedToHour, buildPeriod, dayIndex, daySlots, daysFromTo, hourSlots, isLocalMidnight, isWholeHour, localHour, MAX_PERIOD_DAYS, weekdayHour, type Period } from './period.ts';
import { fillGaps, type KnownValue, type LikeDaySample, type Point, type Slot } from './estimation.ts';
import { readsConsumption } from './register-reads.ts';
import { Dec } from './quantity.ts';
import { usageInvalid } from './errors.ts';
import { firstIssue } from './zod-issue.ts';
import { checkPoints } from './usage-points.ts';
import type { GasFactors } from './units.ts';

export interface MeteredUsage {
  unit: UsageFile['unit'];
  period: Period;
  /** Every slot of the period, in order, when the usage is interval data. */
  points?: Point[];
  resolution?: 'hour' | 'day';
  /**
   * One total over the whole period: register reads (shared over slices by days), or the sum of every day of the
   * period read at once (`ofDays`: see dayTotalUsage).
   */
  total?: { quantity: Dec; estimated: boolean; ofDays?: boolean };
  /**
   * Days of the billing cycle the period belongs to (the period's own days unless the usage names a longer `cycle`):
   * what per-period amounts of prorating components are shared over.
   */
  cycleDays: number;
  gas?: GasFactors;
  exemptions: Set<string>;
  discounts: Set<string>;
}

export function parseUsage(json: unknown): MeteredUsage {
  const parsed = usageSchema.safeParse(json);
  if (!parsed.success) {
    const { path, detail } = firstIssue(parsed.error);
    throw usageInvalid(path, detail);
  }
  const u = parsed.data;
  const intervals = u.intervals && checkPoints(u.intervals, 'intervals');
  const history = u.history && checkPoints(u.history, 'history');
  return toMeteredUsage({ ...u, intervals, history });
}

/**
 * The checks beyond the schema, and the conversion. Callers that build a typed UsageFile themselves (a bill run from
 * daily rollups) call this directly and skip the schema, which costs more than the rating of a daily series.
 */
export function toMeteredUsage(u: UsageFile): MeteredUsage {
  const base = usageBase(u);
  if (u.intervals && u.reads) throw usageInvalid(['reads'], 'give either intervals or reads, not both');
  if (u.reads) {
    const quantity = readsConsumption(new Dec(u.reads.start), new Dec(u.reads.end), u.reads.digits);
    return { ...base, total: { quantity, estimated: u.reads.estimated ?? false } };
  }
  if (!u.intervals) throw usageInvalid(['intervals'], 'is required (or reads)');
  if (!u.resolution) throw usageInvalid(['resolution'], 'is required with intervals (hour or day)');
  return { ...base, resolution: u.resolution, points: intervalPoints(u, base.period, u.resolution) };
}

type UsageHead = Pick<UsageFile, 'unit' | 'from' | 'to' | 'cycle' | 'gas' | 'exemptions' | 'discounts'>;

/** The period, its cycle, gas factors, exemptions and discounts: what every usage has besides its quantities. */
function usageBase(u: UsageHead): Omit<MeteredUsage, 'points' | 'resolution' | 'total'> {
  const days = daysFromTo(u.from, u.to);
  if (days < 1) throw usageInvalid(['to'], `must be after from (${u.from})`);
  if (days > MAX_PERIOD_DAYS) throw usageInvalid(['to'], `the period is longer than ${MAX_PERIOD_DAYS} days`);
  let cycleDays = days;
  if (u.cycle) {
    if (u.cycle.from > u.from) throw usageInvalid(['cycle', 'from'], `must not be after from (${u.from}): the cycle holds the period`);
    if (u.cycle.to < u.to) throw usageInvalid(['cycle', 'to'], `must not be before to (${u.to}): the cycle holds the period`);
    cycleDays = daysFromTo(u.cycle.from, u.cycle.to);
    if (cycleDays > MAX_PERIOD_DAYS) throw usageInvalid(['cycle', 'to'], `the cycle is longer than ${MAX_PERIOD_DAYS} days`);
  }
  return {
    unit: u.unit,
    period: buildPeriod(u.from, u.to),
    cycleDays,
    gas: u.gas && { correctionFactor: new Dec(u.gas.correctionFactor), calorificValue: new Dec(u.gas.calorificValue) },
    exemptions: new Set(u.exemptions ?? []),
    discounts: new Set(u.discounts ?? []),
  };
}

/**
 * A daily series the caller read from its own store (a bill run's rollups): local-midnight instants and decimal
 * texts, trusted to be well-formed, so no schema, no instant parsing and no decimal syntax check — the costliest
 * part of rating a month of days. What a wrong caller could still get wrong is checked, cheaply: an instant that is
 * not a local midnight of the period, a repeated day, a negative value. Missing days are estimated as in a file.
 */
export interface DailySeries extends UsageHead {
  days: ReadonlyArray<{ ms: number; value: string; estimated?: boolean }>;
}

export function dailyUsage(u: DailySeries): MeteredUsage {
  const base = usageBase(u);
  const period = base.period;
  const known = new Map<number, KnownValue>();
  for (let i = 0; i < u.days.length; i++) {
    const { ms, value, estimated } = u.days[i];
    const day = dayIndex(period, ms);
    if (day < 0 || period.dayStarts[day] !== ms) throw usageInvalid(['days', i, 'ms'], `is not a local midnight (Europe/Istanbul) of the period ${u.from} – ${u.to}`);
    if (known.has(ms)) throw usageInvalid(['days', i, 'ms'], 'repeats an earlier day');
    if (value.startsWith('-')) throw usageInvalid(['days', i, 'value'], 'must not be negative');
    known.set(ms, { value: new Dec(value), estimated: estimated ?? false });
  }
  const slots: Slot[] = daySlots(period).map(({ ms, day }) => ({ ms, day, weekday: period.weekdays[day], hour: 0 }));
  return { ...base, resolution: 'day', points: fillGaps(slots, known, [], 'day') };
}

/**
 * A period whose every day the caller has, read as their sum (a bill run's monthly rollup counting all of the
 * month's days, each day rounded to 3 places as `dailyUsage` would get it). Nothing to estimate, and a total is all a
 * period of one slice needs: flat, block and scale prices, fixed charges, allowances, minimums and taxes see only the
 * slice's quantity, which is the sum of its days. So it rates exactly like `dailyUsage` of those days — but only over
 * one slice (rateUsage refuses more: the days' own split would be lost), and time-of-use is refused as for days.
 * Callers check `oneVersionOver` first and take `dailyUsage` otherwise.
 */
export interface DayTotal extends UsageHead {
  /** The days' sum, decimal text, not negative. */
  quantity: string;
}

export function dayTotalUsage(u: DayTotal): MeteredUsage {
  const base = usageBase(u);
  if (u.quantity.startsWith('-')) throw usageInvalid(['quantity'], 'must not be negative');
  return { ...base, total: { quantity: new Dec(u.quantity), estimated: false, ofDays: true } };
}

function intervalPoints(u: UsageFile, period: Period, resolution: 'hour' | 'day'): Point[] {
  const aligned = (ms: number, day: number) => (resolution === 'hour' ? alignedToHour(period, day, ms) : ms === period.dayStarts[day]);
  const known = new Map<number, KnownValue>();
  const seenAt = new Map<number, number>();
  u.intervals!.forEach((p, i) => {
    const ms = Date.parse(p.ts);
    const day = dayIndex(period, ms);
    if (day < 0) throw usageInvalid(['intervals', i, 'ts'], `is outside the period ${u.from} – ${u.to} (to exclusive)`);
    if (!aligned(ms, day)) throw usageInvalid(['intervals', i, 'ts'], resolution === 'hour' ? 'must be the start of a local hour' : 'must be a local midnight (Europe/Istanbul)');
    const twin = seenAt.get(ms);
    if (twin !== undefined) throw usageInvalid(['intervals', i, 'ts'], `repeats intervals[${twin}]`);
    seenAt.set(ms, i);
    known.set(ms, { value: new Dec(p.value), estimated: p.estimated ?? false });
  });
  const history: LikeDaySample[] = [];
  u.history?.forEach((h, i) => {
    const ms = Date.parse(h.ts);
    if (dayIndex(period, ms) >= 0) throw usageInvalid(['history', i, 'ts'], 'lies inside the period: put it in intervals');
    if (!(resolution === 'hour' ? isWholeHour(ms) : isLocalMidnight(ms))) throw usageInvalid(['history', i, 'ts'], resolution === 'hour' ? 'must be the start of a local hour' : 'must be a local midnight (Europe/Istanbul)');
    history.push({ ...weekdayHour(ms), value: new Dec(h.value) });
  });
  const raw = resolution === 'hour' ? hourSlots(period) : daySlots(period);
  const slots: Slot[] = raw.map(({ ms, day }) => ({ ms, day, weekday: period.weekdays[day], hour: resolution === 'hour' ? localHour(period, day, ms) : 0 }));
  return fillGaps(slots, known, history, resolution);
}
