/**
 * Condition evaluators: one small state machine per condition per meter. Each sees the meter's observations in
 * reading-time order (the engine drops stale ones first) and keeps `value`, whether the condition holds now.
 * Their state is bounded: at most one window of `window` numbers (capped by validation), the rest is O(1).
 * Pure: no I/O, no clock but the readings' own timestamps (the no-data sweep passes its scheduler time in).
 */
import type { Condition } from './rule-language.ts';

/** One reading or event of a meter, in the channel's own unit. */
export interface Observation {
  ts: number;
  event: boolean;
  channel: string; // channel code, or event code for events
  value: number;
}

export interface MeterFacts {
  registerDigits: number;
  /** False for a meter known not to supply an active contract (zero consumption there is no alarm). */
  supplied?: boolean;
}

/** What an observation did to a condition. */
export const IGNORED = 0; // not about this condition
export const EVALUATED = 1; // `value` is current
export const AGAIN = 2; // true, and a fresh occurrence (another event): counted as a repeat while the alarm is up
export const BLIP = 3; // it was true over [blipFrom, ts] and is false again (a gap that data has since closed)
export type Outcome = typeof IGNORED | typeof EVALUATED | typeof AGAIN | typeof BLIP;

export interface Evaluator {
  value: boolean;
  blipFrom?: number;
  observe(o: Observation, facts: MeterFacts): Outcome;
  /** The sweep: `silentMs` of scheduler time since the meter last sent anything. */
  tick?(silentMs: number): Outcome;
  detail(): Record<string, unknown>;
  /** What kind of trouble this is, in the work-order vocabulary (modules/work-orders ALARM_ORDER_TYPE keys). */
  category(): string;
}

const REGISTERS = new Set(['volume', 'energy']);
const EVENT_CATEGORY: Record<string, string> = { magnetic_field: 'tamper', valve_open: 'valve', valve_closed: 'valve' };
const HOUR = 3_600_000;

/** Holds a raw condition for `forSeconds` of reading time before it counts (0: at once). */
class Duration {
  since: number | null = null;
  constructor(private readonly ms: number) {}
  update(raw: boolean, ts: number): boolean {
    if (!raw) {
      this.since = null;
      return false;
    }
    this.since ??= ts;
    return ts - this.since >= this.ms;
  }
}

/** A fixed-size window of the latest values with their running sum. */
class Window {
  private readonly values: Float64Array;
  private next = 0;
  size = 0;
  private sum = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.size === this.values.length) this.sum -= this.values[this.next];
    else this.size++;
    this.values[this.next] = v;
    this.sum += v;
    this.next = (this.next + 1) % this.values.length;
  }
  mean(): number {
    return this.sum / this.size;
  }
}

function level(channel: string, test: (v: number) => boolean, forSeconds: number, describe: Record<string, unknown>, category: string): Evaluator {
  const gate = new Duration(forSeconds * 1000);
  let last = 0;
  return {
    value: false,
    observe(o) {
      if (o.event || o.channel !== channel) return IGNORED;
      last = o.value;
      this.value = gate.update(test(o.value), o.ts);
      return EVALUATED;
    },
    detail: () => ({ ...describe, channel, value: last, since: gate.since === null ? null : new Date(gate.since).toISOString() }),
    category: () => category,
  };
}

/** Resolves `{kind:"rule"}` references to the referenced rule's condition. */
export type RefLookup = (code: string) => Condition | undefined;

export function compile(c: Condition, lookup: RefLookup, depth = 0): Evaluator {
  if (depth > 16) throw new Error('rule references nest too deep'); // validation refuses cycles; this is a backstop
  switch (c.kind) {
    case 'threshold': {
      const { above, below } = c;
      return level(c.channel, (v) => (above !== undefined && v > above) || (below !== undefined && v < below), c.forSeconds ?? 0, { above, below }, 'threshold');
    }
    case 'out_of_band':
      return level(c.channel, (v) => v < c.low || v > c.high, c.forSeconds ?? 0, { low: c.low, high: c.high }, c.channel);
    case 'rate_of_change': {
      let prev: { ts: number; v: number } | undefined;
      let rate = 0;
      return {
        value: false,
        observe(o) {
          if (o.event || o.channel !== c.channel) return IGNORED;
          if (prev && o.ts > prev.ts) rate = (o.value - prev.v) / ((o.ts - prev.ts) / HOUR);
          this.value = prev !== undefined && Math.abs(rate) > c.maxPerHour;
          prev = { ts: o.ts, v: o.value };
          return EVALUATED;
        },
        detail: () => ({ channel: c.channel, perHour: rate, maxPerHour: c.maxPerHour }),
        category: () => 'rate_of_change',
      };
    }
    case 'spike':
    case 'above_own_history': {
      const spike = c.kind === 'spike';
      const win = new Window(c.window ?? (spike ? 24 : 168));
      const minSamples = spike ? Math.min(3, c.window ?? 24) : (c.minSamples ?? 24);
      let mean = 0;
      let last = 0;
      return {
        value: false,
        observe(o) {
          if (o.event || o.channel !== c.channel) return IGNORED;
          last = o.value;
          mean = win.size ? win.mean() : 0;
          this.value = win.size >= minSamples && o.value >= (c.minValue ?? 0) && o.value > c.factor * mean && o.value > 0;
          win.push(o.value);
          return EVALUATED;
        },
        detail: () => ({ channel: c.channel, value: last, mean, factor: c.factor }),
        category: () => (spike ? 'spike' : 'history_deviation'),
      };
    }
    case 'no_data': {
      const graceMs = c.graceSeconds * 1000;
      const lastTs = new Map<string, number>();
      let gap: { from: number; to: number } | undefined;
      return {
        value: false,
        observe(o, _facts) {
          if (o.event || (c.channels && !c.channels.includes(o.channel))) return IGNORED;
          const prev = lastTs.get(o.channel);
          lastTs.set(o.channel, o.ts);
          if (this.value) {
            this.value = false; // raised by the sweep: data is back
            return EVALUATED;
          }
          // A gap in reading time that data has closed by now (a backlog, or a meter that sends late): report it once,
          // even though every channel of the meter shows the same missing hour.
          if (prev !== undefined && o.ts - prev > graceMs && !(gap && prev < gap.to && o.ts > gap.from)) {
            gap = { from: prev, to: o.ts };
            this.blipFrom = prev + graceMs;
            return BLIP;
          }
          return IGNORED;
        },
        tick(silentMs) {
          if (this.value || silentMs <= graceMs) return IGNORED;
          this.value = true;
          return EVALUATED;
        },
        detail: () => ({ graceSeconds: c.graceSeconds, gap: gap ? { from: new Date(gap.from).toISOString(), to: new Date(gap.to).toISOString() } : null }),
        category: () => 'no_data',
      };
    }
    case 'zero_consumption': {
      const channel = c.channel ?? 'consumption';
      const gate = new Duration(c.days * 86_400_000);
      return {
        value: false,
        observe(o, facts) {
          if (o.event || o.channel !== channel) return IGNORED;
          // The clock runs whatever the contract, so an alarm follows at once when a vacant meter gets a contract.
          this.value = gate.update(o.value === 0, o.ts) && facts.supplied !== false;
          return EVALUATED;
        },
        detail: () => ({ channel, days: c.days, since: gate.since === null ? null : new Date(gate.since).toISOString() }),
        category: () => 'zero_consumption',
      };
    }
    case 'reverse_flow': {
      const channels = c.channel ? [c.channel] : ['volume', 'energy', 'consumption', 'energy_interval'];
      const tolerance = c.tolerance ?? 0;
      const lastIndex = new Map<string, number>();
      let step = 0;
      let on = '';
      return {
        value: false,
        observe(o, facts) {
          if (o.event || !channels.includes(o.channel)) return IGNORED;
          on = o.channel;
          if (REGISTERS.has(o.channel)) {
            const prev = lastIndex.get(o.channel);
            lastIndex.set(o.channel, o.value);
            if (prev === undefined) return IGNORED;
            step = o.value - prev;
            // Past its last digit the register wraps to zero: a step of nearly minus its whole range is a rollover.
            const range = 10 ** facts.registerDigits;
            if (step < -range / 2) step += range;
          } else step = o.value;
          this.value = step < -tolerance;
          return EVALUATED;
        },
        detail: () => ({ channel: on, step }),
        category: () => (REGISTERS.has(on) ? 'register_backwards' : 'reverse_flow'),
      };
    }
    case 'event': {
      const clearAfterMs = (c.clearAfterSeconds ?? 3600) * 1000;
      let lastEvent = -Infinity;
      let code = '';
      return {
        value: false,
        observe(o) {
          if (o.event && c.codes.includes(o.channel)) {
            const fresh = o.ts > lastEvent;
            lastEvent = Math.max(lastEvent, o.ts);
            code = o.channel;
            this.value = true;
            return fresh ? AGAIN : EVALUATED;
          }
          if (!this.value) return IGNORED;
          if ((o.event && c.clearOn?.includes(o.channel) && o.ts >= lastEvent) || o.ts - lastEvent > clearAfterMs) {
            this.value = false;
            return EVALUATED;
          }
          return IGNORED;
        },
        detail: () => ({ event: code, at: Number.isFinite(lastEvent) ? new Date(lastEvent).toISOString() : null }),
        category: () => EVENT_CATEGORY[code] ?? code,
      };
    }
    case 'rule': {
      const target = lookup(c.code);
      if (!target) throw new Error(`rule ${c.code} is not loaded`);
      return compile(target, lookup, depth + 1);
    }
    case 'all':
    case 'any': {
      const parts = c.of.map((p) => compile(p, lookup, depth + 1));
      const all = c.kind === 'all';
      const combine = () => (all ? parts.every((p) => p.value) : parts.some((p) => p.value));
      const fold = (outcomes: Outcome[]): Outcome => {
        self.value = combine();
        if (outcomes.every((x) => x === IGNORED)) return IGNORED;
        return outcomes.includes(AGAIN) && self.value ? AGAIN : EVALUATED;
      };
      const self: Evaluator = {
        value: false,
        // A blip inside a combination counts as the part being false by now (the gap is over).
        observe: (o, facts) => fold(parts.map((p) => p.observe(o, facts))),
        tick: (silentMs) => fold(parts.map((p) => (p.tick ? p.tick(silentMs) : IGNORED))),
        detail: () => ({ [c.kind]: parts.map((p) => ({ value: p.value, ...p.detail() })) }),
        category: () => (parts.find((p) => p.value) ?? parts[0]).category(),
      };
      return self;
    }
  }
}
