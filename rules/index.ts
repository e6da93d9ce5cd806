/**
 * The rules engine and the alarm lifecycle. This file is the context's only door.
 *
 * `startRules` hangs the engine on the head-end pipeline's commit listener: committed envelopes -> per-meter
 * evaluation (no I/O) -> transitions buffered for `flushMs` -> one `alarm_apply` round trip per buffer (in one
 * transaction with the composition root's `alongAlarmWrite` when the buffer raises). Rule versions and new meters are
 * picked up by polling; unacknowledged alarms are escalated periodically. Every alarm change (raised | repeated |
 * cleared | acknowledged | escalated) is published on `alarmChanges$` / `onAlarmChange`.
 */
import { bufferTime, filter, map, mergeMap, Subject, takeUntil } from 'rxjs';
import type pg from 'pg';
import { loadSettings, type SettingsOf } from '../platform/config.ts';
import { isTransient } from '../platform/errors.ts';
import { contextLogger } from '../platform/logger.ts';
import type { Envelope, IngestPipeline } from '../headend/index.ts';
import { applyTransitions, escalateAlarms, type AlarmWriteHook } from './alarm-store.ts';
import { onAlarmChange } from './alarm.ts';
import { RuleEngine, type Transition } from './engine.ts';
import { MeterDirectory } from './meter-directory.ts';
import { rebuildState } from './rebuild.ts';
import { loadLatestRules, ruleCounter } from './rule-store.ts';
import { parseEscalation, rulesSettings } from './settings.ts';

export { alarmChanges$, onAlarmChange, ALARM_CHANGES, type Alarm, type AlarmChange, type AlarmChangeKind } from './alarm.ts';
export { acknowledgeAlarm, clearAlarm, getAlarm, listAlarms, type AlarmFilter, type AlarmWriteHook } from './alarm-store.ts';
export { saveRule, listRules, loadLatestRules } from './rule-store.ts';
export { validateRule, validateCondition, checkReferences } from './validate-rule.ts';
export { RuleEngine, type Transition, type MeterInfo, type MeterLookup, type EngineStats } from './engine.ts';
export { rulesRoutes } from './routes.ts';
export { rulesSettings } from './settings.ts';
export { SEVERITIES, type Condition, type RuleInput, type RuleVersion, type Severity } from './rule-language.ts';

const log = contextLogger('rules');
const LATENCY_SAMPLES = 100_000;

export type RulesSettings = SettingsOf<typeof rulesSettings>;

export interface Rules {
  engine: RuleEngine;
  settings: RulesSettings;
  /** Transitions evaluated but not yet written, and those a write gave up on. */
  backlog(): { pending: number; writeFailures: number; dropped: number };
  /** Milliseconds from a transition's evaluation (inside the commit listener) to its alarm row committed; a uniform
   *  sample of at most LATENCY_SAMPLES (bench:alarms). */
  latencies(): number[];
  /** Resolves when every transition evaluated so far is written (tests, orderly stop). */
  idle(): Promise<void>;
  /** Picks up new rule versions and meters now rather than at the next tick. */
  reload(): Promise<void>;
  escalateNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface RulesDeps {
  /** Meters supplying an active contract (from subscriptions, wired by the composition root); without it every meter counts. */
  suppliedMeters?: () => Promise<ReadonlySet<number>>;
  /** Work done in every raising alarm write's own transaction (the composition root opens the work orders there). */
  alongAlarmWrite?: AlarmWriteHook;
}

export async function startRules(pool: pg.Pool, pipeline: IngestPipeline, overrides: Partial<RulesSettings> = {}, deps: RulesDeps = {}): Promise<Rules> {
  const settings = loadSettings(rulesSettings, process.env, overrides);
  const escalation = parseEscalation(settings.escalateMinutes);
  const directory = new MeterDirectory(pool, deps.suppliedMeters);
  await directory.loadAll();
  const engine = new RuleEngine(directory.lookup, { sweepMs: settings.sweepMs, idleEvictMs: settings.idleEvictMinutes * 60_000, maxMeters: settings.maxMeters });
  let counter = await ruleCounter(pool);
  engine.setRules(await loadLatestRules(pool));
  const rebuilt = await rebuildState(pool, engine, settings.rebuildHours);

  const along = deps.alongAlarmWrite && { hook: deps.alongAlarmWrite, meter: directory.lookup };
  const commits = new Subject<Envelope[]>();
  const stop$ = new Subject<void>();
  let stopped = false;
  pipeline.onCommit((envelopes) => {
    if (!stopped) commits.next(envelopes);
  });

  let pending = 0;
  const latencies: number[] = [];
  let seen = 0;
  const sample = (ms: number) => {
    seen++;
    if (latencies.length < LATENCY_SAMPLES) latencies.push(ms);
    else {
      const i = Math.floor(Math.random() * seen); // reservoir: every transition equally likely to be kept
      if (i < LATENCY_SAMPLES) latencies[i] = ms;
    }
  };
  let writeFailures = 0;
  let dropped = 0;
  const write = async (batch: Transition[]): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await applyTransitions(pool, batch, settings.holdoffSeconds, along);
        return;
      } catch (err) {
        writeFailures++;
        if (isTransient(err) && !stopped) {
          await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(attempt, 6))));
          continue;
        }
        // Not transient (a bug, a meter removed under an alarm) or shutting down: one bad transition must not sink
        // the batch, so the rest go one by one; what still fails is counted and logged loudly, never silently lost.
        if (batch.length > 1 && !stopped) {
          for (const t of batch) await write([t]);
          return;
        }
        dropped += batch.length;
        log.error({ err: (err as Error).message, transitions: batch.length }, 'alarm transitions not written');
        return;
      }
    }
  };
  // One writer, in order. Buffers that arrive while it writes wait together and go in its next write (up to
  // flushMax): a write that takes longer than flushMs (one carrying the work orders) costs the next buffers no
  // extra round trips, where a write per buffer would queue them behind each other.
  const queue: Array<{ t: Transition; at: number }> = [];
  let draining: Promise<void> | undefined;
  const drain = async () => {
    try {
      while (queue.length) {
        const b = queue.splice(0, settings.flushMax);
        await write(b.map((x) => x.t));
        const now = performance.now();
        for (const x of b) sample(now - x.at);
        pending -= b.length;
      }
    } finally {
      draining = undefined; // in the same step as the last look at the queue: nothing pushed after it waits unseen
    }
  };
  const done = new Promise<void>((resolve) => {
    engine
      .run(commits)
      .pipe(
        takeUntil(stop$),
        map((t) => (pending++, { t, at: performance.now() })),
        bufferTime(settings.flushMs, null, settings.flushMax),
        filter((b) => b.length > 0),
        mergeMap((b) => {
          queue.push(...b);
          return (draining ??= drain());
        }),
      )
      .subscribe({ complete: resolve, error: (err) => (log.error({ err: err.message }, 'rules stream failed'), resolve()) });
  });
  // An operator's clear (in this process) is news to the engine: if the condition still holds, the next reading that
  // says so raises a new alarm rather than the engine believing the cleared one is still up.
  const forgetManualClears = onAlarmChange((c) => {
    if (c.change === 'cleared' && c.alarm.clearedBy !== null) engine.active.delete(`${c.alarm.meterId}|${c.alarm.type}`);
  });

  // Raises the replay found up but the database lacks (a crash between a commit and its alarm write).
  if (rebuilt.missed.length) await write(rebuilt.missed);

  let reloading = false;
  const reload = async () => {
    if (reloading) return;
    reloading = true;
    try {
      const now = await ruleCounter(pool);
      if (now !== counter) {
        counter = now;
        await directory.loadAll();
        engine.setRules(await loadLatestRules(pool));
        log.info({ rules: engine.ruleSet().length, counter }, 'rules reloaded');
      } else await directory.loadNew();
    } finally {
      reloading = false;
    }
  };
  const reloadTimer = setInterval(() => reload().catch((err) => log.warn({ err: err.message }, 'rule reload failed')), settings.reloadMs);
  const escalateNow = async () => void (await escalateAlarms(pool, escalation));
  const escalateTimer = setInterval(() => escalateNow().catch((err) => log.warn({ err: err.message }, 'escalation failed')), settings.escalateEveryMs);
  reloadTimer.unref();
  escalateTimer.unref();
  log.info({ rules: engine.ruleSet().length, meters: directory.size, replayed: rebuilt.replayed, missedRaises: rebuilt.missed.length }, 'rules engine ready');

  const idle = async () => {
    while (pending > 0) await new Promise((r) => setTimeout(r, 5));
  };
  return {
    engine,
    settings,
    backlog: () => ({ pending, writeFailures, dropped }),
    latencies: () => [...latencies],
    idle,
    reload,
    escalateNow,
    stop: async () => {
      forgetManualClears();
      clearInterval(reloadTimer);
      clearInterval(escalateTimer);
      stopped = true; // commits from now on are not evaluated (the next start replays them), writes stop retrying
      stop$.next(); // the buffer in hand is written before the stream completes
      await done;
      commits.complete();
    },
  };
}
