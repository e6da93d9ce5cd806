/**
 * Filling the holes in interval consumption. A run of at most two missing hours lies between two real readings and
 * is interpolated linearly between them (the meter's trend does not change much in two hours). Anything longer — or
 * a hole at the edge of the period, or any missing day — is estimated from like days: the average of the same weekday
 * and hour (daily data: same weekday) over the readings of the period and the history given, falling back to the
 * same hour of any day, then to the average of all readings. Estimated points are marked; bills show their share.
 */
import { Dec, ZERO, roundQuantity } from './quantity.ts';
import { usageInvalid } from './errors.ts';

export const MAX_INTERPOLATED_HOURS = 2;

export interface Slot {
  ms: number;
  day: number;
  weekday: number;
  hour: number;
}

export interface Point extends Slot {
  value: Dec;
  estimated: boolean;
}

export interface KnownValue {
  value: Dec;
  estimated: boolean;
}

export interface LikeDaySample {
  weekday: number;
  hour: number;
  value: Dec;
}

export function fillGaps(slots: Slot[], known: Map<number, KnownValue>, history: LikeDaySample[], resolution: 'hour' | 'day'): Point[] {
  const out: Point[] = new Array(slots.length);
  let likeDays: LikeDays | undefined;
  let i = 0;
  while (i < slots.length) {
    const k = known.get(slots[i].ms);
    if (k) {
      out[i] = point(slots[i], k.value, k.estimated);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < slots.length && !known.has(slots[j + 1].ms)) j++;
    const n = j - i + 1;
    const before = i > 0 ? known.get(slots[i - 1].ms) : undefined;
    const after = j + 1 < slots.length ? known.get(slots[j + 1].ms) : undefined;
    if (resolution === 'hour' && n <= MAX_INTERPOLATED_HOURS && before && after) {
      for (let m = 0; m < n; m++) {
        const value = roundQuantity(before.value.plus(after.value.minus(before.value).times(m + 1).dividedBy(n + 1)));
        out[i + m] = point(slots[i + m], value, true);
      }
    } else {
      likeDays ??= new LikeDays(slots, known, history, resolution);
      for (let m = i; m <= j; m++) out[m] = point(slots[m], likeDays.estimate(slots[m]), true);
    }
    i = j + 1;
  }
  return out;
}

function point(s: Slot, value: Dec, estimated: boolean): Point {
  return { ms: s.ms, day: s.day, weekday: s.weekday, hour: s.hour, value, estimated };
}

/** Averages of readings by (weekday, hour), by hour, and overall. */
class LikeDays {
  private readonly byWeekdayHour = new Map<string, { sum: Dec; n: number }>();
  private readonly byHour = new Map<number, { sum: Dec; n: number }>();
  private all = { sum: ZERO, n: 0 };

  constructor(slots: Slot[], known: Map<number, KnownValue>, history: LikeDaySample[], private readonly resolution: 'hour' | 'day') {
    for (const s of slots) {
      const k = known.get(s.ms);
      if (k) this.add(s.weekday, s.hour, k.value);
    }
    for (const h of history) this.add(h.weekday, h.hour, h.value);
  }

  private hourKey(hour: number): number {
    return this.resolution === 'day' ? 0 : hour;
  }

  private add(weekday: number, hour: number, value: Dec): void {
    const h = this.hourKey(hour);
    bump(this.byWeekdayHour, `${weekday}:${h}`, value);
    bump(this.byHour, h, value);
    this.all = { sum: this.all.sum.plus(value), n: this.all.n + 1 };
  }

  estimate(slot: Slot): Dec {
    const h = this.hourKey(slot.hour);
    const best = this.byWeekdayHour.get(`${slot.weekday}:${h}`) ?? this.byHour.get(h) ?? (this.all.n ? this.all : undefined);
    if (!best) throw usageInvalid(['intervals'], 'has no readings (nor history) to estimate the missing points from');
    return roundQuantity(best.sum.dividedBy(best.n));
  }
}

function bump<K>(map: Map<K, { sum: Dec; n: number }>, key: K, value: Dec): void {
  const cur = map.get(key);
  if (cur) {
    cur.sum = cur.sum.plus(value);
    cur.n++;
  } else map.set(key, { sum: value, n: 1 });
}
