/**
 * The rules engine: an RxJS stream from committed envelopes to alarm transitions (raise / clear).
 *
 * Grouping per meter is a keyed store of per-meter state rather than RxJS `groupBy`: a group can only be closed by a
 * timer per value (debounce), which at 150k readings/s is 150k timer resets a second. Here one sweep on the
 * scheduler serves every meter: it raises no-data alarms and evicts idle meters. State is bounded: per meter one
 * evaluator per attached rule (windows capped by validation), a cap on meters, idle meters evicted. An evicted meter
 * forgets nothing that matters: which alarms are up is kept apart (`active`, one key per active alarm).
 *
 * Time comes from the readings (durations, rates, gaps); only "nothing arrived for a while" needs a clock, and that
 * clock is the injected scheduler, so marble tests run it on the TestScheduler. The engine does no I/O.
 */
import { asyncScheduler, interval, merge, mergeMap, type Observable, type SchedulerLike } from 'rxjs';
import { CHANNEL_BY_CODE, unitFactor, type Envelope } from '../headend/index.ts';
import { AGAIN, BLIP, compile, IGNORED, type Evaluator, type Observation, type Outcome } from './conditions.ts';
import type { Condition, RuleVersion, Severity } from './rule-language.ts';

/** What the engine needs to know about a meter to attach rules and read its register. */
export interface MeterInfo {
  modelCode: string;
  registerDigits: number;
  region: string | null;
  group: string | null;
  /** Whether the meter supplies an active contract; undefined when the engine is not told (every meter counts). */
  supplied?: boolean;
}
export type MeterLookup = (meterId: number) => MeterInfo | undefined;

export interface Transition {
  kind: 'raise' | 'clear';
  meterId: number;
  type: string; // the rule code
  ruleId: number;
  ruleVersion: number;
  severity: Severity;
  at: number; // reading time, epoch ms
  detail: Record<string, unknown>;
}

export interface EngineOptions {
  scheduler?: SchedulerLike;
  sweepMs: number; // how often the no-data clock and eviction run
  idleEvictMs: number; // a meter silent this long is forgotten (longer no-data graces keep it)
  maxMeters: number;
}

interface Slot {
  rule: RuleVersion;
  ev: Evaluator;
}

interface MeterState {
  meterId: number;
  info: MeterInfo;
  lastArrival: number; // scheduler time
  lastTs: Map<string, number>; // newest reading time per channel (events: 'event:<code>')
  slots: Slot[];
  generation: number;
}

/** Counters: every observation the engine did not evaluate is counted with its reason. */
export interface EngineStats {
  observations: number;
  stale: number; // older than (or as old as) what the meter already sent on that channel: out of order or resent
  unknownMeter: number;
  unconvertible: number;
  evaluationErrors: number;
  evictedIdle: number;
  evictedCap: number;
  raised: number;
  cleared: number;
  meters: number;
}

export class RuleEngine {
  readonly stats: EngineStats = { observations: 0, stale: 0, unknownMeter: 0, unconvertible: 0, evaluationErrors: 0, evictedIdle: 0, evictedCap: 0, raised: 0, cleared: 0, meters: 0 };
  private readonly scheduler: SchedulerLike;
  private rules: RuleVersion[] = [];
  private byCode = new Map<string, RuleVersion>();
  private generation = 0;
  private maxGraceMs = 0;
  private readonly meters = new Map<number, MeterState>();
  private readonly attached = new Map<string, RuleVersion[]>();
  /** `${meterId}|${code}` of every alarm up, as far as this engine knows (seeded from the database at start). */
  readonly active = new Set<string>();

  constructor(private readonly lookup: MeterLookup, private readonly opts: EngineOptions) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
  }

  /** Installs a rule set (the latest enabled version of each code). State of unchanged versions is kept. */
  setRules(rules: RuleVersion[]): void {
    this.rules = rules.filter((r) => r.enabled);
    this.byCode = new Map(rules.map((r) => [r.code, r]));
    this.attached.clear();
    this.generation++;
    this.maxGraceMs = Math.max(0, ...this.rules.map((r) => maxGrace(r.condition, this.byCode)));
  }

  ruleSet(): readonly RuleVersion[] {
    return this.rules;
  }

  /** The alarm transitions of a stream of committed batches, plus those of the no-data sweep. */
  run(commits$: Observable<Envelope[]>): Observable<Transition> {
    return merge(
      commits$.pipe(mergeMap((batch) => this.evaluate(batch))),
      interval(this.opts.sweepMs, this.scheduler).pipe(mergeMap(() => this.sweep())),
    );
  }

  /** Evaluates one committed batch; synchronous, no I/O. */
  evaluate(batch: Envelope[]): Transition[] {
    const out: Transition[] = [];
    const now = this.scheduler.now();
    for (const e of batch) {
      try {
        this.observe(e, now, out);
      } catch {
        this.stats.evaluationErrors++; // a bug in one rule never stops the stream for everyone
      }
    }
    return out;
  }

  private observe(e: Envelope, now: number, out: Transition[]): void {
    if (e.meterId === undefined) return;
    this.stats.observations++;
    const state = this.stateOf(e.meterId);
    if (!state) {
      this.stats.unknownMeter++;
      return;
    }
    state.lastArrival = now;
    const event = e.type === 'event';
    let value = e.value;
    if (!event) {
      const channel = CHANNEL_BY_CODE.get(e.channel);
      const factor = channel && (e.unit === channel.unit ? 1 : unitFactor(channel.unit, e.unit));
      if (factor === undefined) {
        this.stats.unconvertible++;
        return;
      }
      value *= factor;
    }
    const key = event ? `event:${e.channel}` : e.channel;
    const last = state.lastTs.get(key);
    if (last !== undefined && e.ts <= last) {
      this.stats.stale++;
      return;
    }
    state.lastTs.set(key, e.ts);
    if (state.generation !== this.generation) this.refreshSlots(state);
    const o: Observation = { ts: e.ts, event, channel: e.channel, value };
    const facts = state.info;
    for (const slot of state.slots) this.settle(state, slot, slot.ev.observe(o, facts), e.ts, out);
  }

  /** The clock: no-data conditions, then eviction of idle meters and of the oldest beyond the cap. */
  sweep(): Transition[] {
    const out: Transition[] = [];
    const now = this.scheduler.now();
    const idleMs = Math.max(this.opts.idleEvictMs, this.maxGraceMs + this.opts.sweepMs);
    for (const [id, state] of this.meters) {
      const silent = now - state.lastArrival;
      if (state.generation !== this.generation) this.refreshSlots(state);
      for (const slot of state.slots) if (slot.ev.tick) this.settle(state, slot, slot.ev.tick(silent), now, out);
      if (silent > idleMs) {
        this.meters.delete(id);
        this.stats.evictedIdle++;
      }
    }
    // Beyond the cap, forget the meters created longest ago (Map order); their alarms stay in `active`.
    for (const id of this.meters.keys()) {
      if (this.meters.size <= this.opts.maxMeters) break;
      this.meters.delete(id);
      this.stats.evictedCap++;
    }
    this.stats.meters = this.meters.size;
    return out;
  }

  private settle(state: MeterState, slot: Slot, outcome: Outcome, at: number, out: Transition[]): void {
    if (outcome === IGNORED) return;
    const key = `${state.meterId}|${slot.rule.code}`;
    const up = this.active.has(key);
    if (outcome === BLIP) {
      if (up) return;
      out.push(this.transition('raise', state.meterId, slot, slot.ev.blipFrom ?? at));
      out.push(this.transition('clear', state.meterId, slot, at));
      this.stats.raised++;
      this.stats.cleared++;
      return;
    }
    if (slot.ev.value && (!up || outcome === AGAIN)) {
      this.active.add(key);
      this.stats.raised++;
      out.push(this.transition('raise', state.meterId, slot, at));
    } else if (!slot.ev.value && up) {
      this.active.delete(key);
      this.stats.cleared++;
      out.push(this.transition('clear', state.meterId, slot, at));
    }
  }

  private transition(kind: Transition['kind'], meterId: number, slot: Slot, at: number): Transition {
    const r = slot.rule;
    return { kind, meterId, type: r.code, ruleId: r.id, ruleVersion: r.version, severity: r.severity, at, detail: kind === 'raise' ? { category: slot.ev.category(), ...slot.ev.detail() } : {} };
  }

  private stateOf(meterId: number): MeterState | undefined {
    let state = this.meters.get(meterId);
    if (state) return state;
    const info = this.lookup(meterId);
    if (!info) return undefined;
    state = { meterId, info, lastArrival: this.scheduler.now(), lastTs: new Map(), slots: [], generation: -1 };
    this.meters.set(meterId, state);
    this.stats.meters = this.meters.size;
    return state;
  }

  /** Rules attached to the meter now; an evaluator whose rule version is unchanged keeps its state. */
  private refreshSlots(state: MeterState): void {
    const { info } = state;
    const cacheKey = `${info.modelCode}\u0000${info.region ?? ''}\u0000${info.group ?? ''}`;
    let rules = this.attached.get(cacheKey);
    if (!rules) {
      rules = this.rules.filter((r) => attaches(r, info));
      this.attached.set(cacheKey, rules);
    }
    const kept = new Map(state.slots.map((s) => [s.rule.id, s]));
    const lookup = (code: string): Condition | undefined => this.byCode.get(code)?.condition;
    state.slots = rules.map((rule) => kept.get(rule.id) ?? { rule, ev: compile(rule.condition, lookup) });
    state.generation = this.generation;
  }
}

function attaches(r: RuleVersion, m: MeterInfo): boolean {
  const { models, regions, groups } = r.attach;
  if (models?.length && !models.includes(m.modelCode)) return false;
  if (regions?.length && (m.region === null || !regions.includes(m.region))) return false;
  if (groups?.length && (m.group === null || !groups.includes(m.group))) return false;
  return true;
}

function maxGrace(c: Condition, byCode: Map<string, RuleVersion>, depth = 0): number {
  if (depth > 16) return 0;
  if (c.kind === 'no_data') return c.graceSeconds * 1000;
  if (c.kind === 'all' || c.kind === 'any') return Math.max(0, ...c.of.map((p) => maxGrace(p, byCode, depth + 1)));
  if (c.kind === 'rule') {
    const target = byCode.get(c.code);
    return target ? maxGrace(target.condition, byCode, depth + 1) : 0;
  }
  return 0;
}
