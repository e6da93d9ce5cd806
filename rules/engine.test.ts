/**
 * Marble tests of the engine on the RxJS TestScheduler: one frame is one millisecond of scheduler time (the clock of
 * the no-data sweep); reading times are the envelopes' own `ts`, hours apart. Each frame of the source is one
 * committed batch. Transitions are shown as `kind meter type v<version> @<hours since T0>`.
 */
import assert from 'node:assert/strict';
import { map, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Envelope } from '../headend/index.ts';
import { RuleEngine, type MeterInfo, type Transition } from './engine.ts';
import type { Condition, RuleVersion } from './rule-language.ts';

const T0 = Date.UTC(2026, 0, 15);
const H = 3_600_000;
const UNITS: Record<string, string> = { volume: 'm3', consumption: 'm3', pressure: 'bar', temperature: 'degC', flow: 'm3/h' };

const reading = (meterId: number, channel: string, hours: number, value: number, unit = UNITS[channel]): Envelope => ({
  id: `${meterId}-${channel}-${hours}`,
  ts: T0 + hours * H,
  type: 'reading',
  meterSerial: `M${meterId}`,
  meterId,
  channel,
  value,
  unit,
  quality: 'good',
  source: 'test',
  receivedAt: 0,
  correlationId: 'c',
});
const event = (meterId: number, code: string, hours: number): Envelope => ({ ...reading(meterId, code, hours, 0, ''), type: 'event' });

let nextId = 1;
const rule = (code: string, condition: Condition, extra: Partial<RuleVersion> = {}): RuleVersion => ({
  id: nextId++,
  code,
  version: 1,
  name: code,
  severity: 'major',
  condition,
  attach: {},
  enabled: true,
  createdBy: 'test',
  createdAt: new Date(T0).toISOString(),
  ...extra,
});

const METERS: Record<number, MeterInfo> = {
  1: { modelCode: 'G4', registerDigits: 8, region: 'ANK', group: null },
  2: { modelCode: 'G4', registerDigits: 8, region: 'IST', group: null },
  3: { modelCode: 'W5', registerDigits: 5, region: 'ANK', group: 'dma-7' },
  4: { modelCode: 'G4', registerDigits: 8, region: 'ANK', group: null, supplied: false }, // a frozen contract
};

const fmt = (t: Transition) => `${t.kind} ${t.meterId} ${t.type} v${t.ruleVersion} @${(t.at - T0) / H}`;

function engineWith(rules: RuleVersion[], scheduler: TestScheduler, sweepMs = 1000): RuleEngine {
  const engine = new RuleEngine((id) => METERS[id], { scheduler, sweepMs, idleEvictMs: 10_000_000, maxMeters: 1000 });
  engine.setRules(rules);
  return engine;
}

/** Runs batches (one per marble frame letter) through a fresh engine and compares the transitions. */
function marble(rules: RuleVersion[], source: string, batches: Record<string, Envelope[]>, expected: string, values: Record<string, string>, unsub = '^ 100ms !') {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  let engine!: RuleEngine;
  scheduler.run(({ hot, expectObservable }) => {
    engine = engineWith(rules, scheduler, 1_000_000);
    const src$ = hot(source, batches) as Observable<Envelope[]>;
    expectObservable(engine.run(src$).pipe(map(fmt)), unsub).toBe(expected, values);
  });
  return engine;
}

describe('rules engine (marble tests)', () => {
  it('threshold with a minimum duration: 1 s under it stays quiet, exactly at it raises, back below clears', () => {
    const hi = rule('flow-high', { kind: 'threshold', channel: 'flow', above: 10, forSeconds: 3600 });
    marble(
      [hi],
      'a 9ms b 9ms c 9ms d',
      {
        a: [reading(1, 'flow', 0, 12), reading(2, 'flow', 0, 12)],
        b: [reading(1, 'flow', 1 - 1 / 3600, 12)], // 3599 s above: just under
        c: [reading(1, 'flow', 1.5, 9), reading(2, 'flow', 1, 12)], // meter 1 drops; meter 2 has 3600 s above
        d: [reading(2, 'flow', 1.25, 10)], // 10 is not above 10
      },
      '- 9ms - 9ms r 9ms c',
      { r: 'raise 2 flow-high v1 @1', c: 'clear 2 flow-high v1 @1.25' },
    );
  });

  it('threshold below, and a unit the device sends converted first (L/h)', () => {
    const lo = rule('flow-low', { kind: 'threshold', channel: 'flow', below: 0.5 });
    marble([lo], 'a 9ms b', { a: [reading(1, 'flow', 0, 400, 'L/h')], b: [reading(1, 'flow', 1, 600, 'L/h')] }, 'r 9ms c', { r: 'raise 1 flow-low v1 @0', c: 'clear 1 flow-low v1 @1' });
  });

  it('pressure out of band for 2 h, with an in-band reading in between restarting the clock', () => {
    const band = rule('pressure-band', { kind: 'out_of_band', channel: 'pressure', low: 0.017, high: 0.025, forSeconds: 7200 });
    marble(
      [band],
      'a 9ms b 9ms c 9ms d 9ms e 9ms f',
      {
        a: [reading(1, 'pressure', 0, 0.012)],
        b: [reading(1, 'pressure', 1, 0.021)], // back in band: the 2 h start again
        c: [reading(1, 'pressure', 2, 0.012)],
        d: [reading(1, 'pressure', 3, 0.013)],
        e: [reading(1, 'pressure', 4, 0.03)], // above high: still out of band, 2 h since 02:00
        f: [reading(1, 'pressure', 5, 0.02)],
      },
      '- 9ms - 9ms - 9ms - 9ms r 9ms c',
      { r: 'raise 1 pressure-band v1 @4', c: 'clear 1 pressure-band v1 @5' },
    );
  });

  it('rate of change per hour of reading time, either way', () => {
    const rate = rule('pressure-rate', { kind: 'rate_of_change', channel: 'pressure', maxPerHour: 0.5 });
    marble(
      [rate],
      'a 9ms b 9ms c 9ms d',
      {
        a: [reading(1, 'pressure', 0, 3.0)],
        b: [reading(1, 'pressure', 2, 3.9)], // 0.45 bar/h: fine
        c: [reading(1, 'pressure', 2.5, 3.5)], // -0.8 bar/h
        d: [reading(1, 'pressure', 3.5, 3.4)],
      },
      '- 9ms - 9ms r 9ms c',
      { r: 'raise 1 pressure-rate v1 @2.5', c: 'clear 1 pressure-rate v1 @3.5' },
    );
  });

  it('a spike against the mean of the previous values', () => {
    const spike = rule('consumption-spike', { kind: 'spike', channel: 'consumption', factor: 10, window: 4 });
    marble(
      [spike],
      'a 9ms b 9ms c',
      {
        a: [reading(1, 'consumption', 0, 0.2), reading(1, 'consumption', 1, 0.3), reading(1, 'consumption', 2, 0.1)],
        b: [reading(1, 'consumption', 3, 1.9), reading(1, 'consumption', 4, 2.1)], // 1.9 is 9.5x the mean 0.2; 2.1 is 3.4x 0.625
        c: [reading(1, 'consumption', 5, 9)], // the mean of 0.3, 0.1, 1.9, 2.1 is 1.1: 9 is 8.2x
      },
      '- 9ms - 9ms -',
      {},
    );
    marble(
      [rule('consumption-spike', { kind: 'spike', channel: 'consumption', factor: 10, window: 4 })],
      'a 9ms b',
      { a: [reading(1, 'consumption', 0, 0.2), reading(1, 'consumption', 1, 0.3), reading(1, 'consumption', 2, 0.1), reading(1, 'consumption', 3, 2.1)], b: [reading(1, 'consumption', 4, 0.2)] },
      'r 9ms c',
      { r: 'raise 1 consumption-spike v1 @3', c: 'clear 1 consumption-spike v1 @4' },
    );
  });

  it('no data: the sweep raises after the grace time on the scheduler clock, the next reading clears', () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    scheduler.run(({ hot, expectObservable }) => {
      const engine = engineWith([rule('silent', { kind: 'no_data', graceSeconds: 3600 })], scheduler, 600_000);
      // one reading at 0, then silence for 2 h of scheduler time, then a reading.
      const src$ = hot('a 7199999ms b', { a: [reading(1, 'volume', 0, 100)], b: [reading(1, 'volume', 2, 101)] }) as Observable<Envelope[]>;
      // Sweeps at 600 000 ms steps; the first with silence > 3 600 000 ms is at 4 200 000 ms.
      expectObservable(engine.run(src$).pipe(map((t) => `${t.kind} ${t.meterId} @${t.kind === 'clear' ? (t.at - T0) / H : t.at}`)), '^ 8000000ms !').toBe('4200000ms r 2999999ms c', {
        r: 'raise 1 @4200000',
        c: 'clear 1 @2',
      });
    });
  });

  it('no data: a gap in reading time closed by a late backlog raises once and clears at once, whatever the channel count', () => {
    const silent = rule('silent', { kind: 'no_data', graceSeconds: 5400 });
    marble(
      [silent],
      'a 9ms b',
      {
        a: [reading(1, 'consumption', 0, 1), reading(1, 'volume', 1, 100)],
        // the hour 1 message never came: consumption 0 -> 2, volume 1 -> 3
        b: [reading(1, 'consumption', 2, 1), reading(1, 'volume', 3, 102)],
      },
      '- 9ms (rc)',
      { r: 'raise 1 silent v1 @1.5', c: 'clear 1 silent v1 @2' },
    );
  });

  it('no data on chosen channels: a daily battery reading does not trip an hourly rule, a consumption gap does', () => {
    const hourly = rule('silent-consumption', { kind: 'no_data', graceSeconds: 5400, channels: ['consumption'] });
    marble(
      [hourly],
      'a 9ms b 9ms c',
      {
        a: [reading(1, 'consumption', 0, 1), reading(1, 'battery', 0, 3.6)],
        // a day later: hourly consumption went on, the battery reports again after 24 h
        b: [...Array.from({ length: 24 }, (_, h) => reading(1, 'consumption', h + 1, 1)), reading(1, 'battery', 24, 3.6)],
        // then consumption skips hours 25 and 26
        c: [reading(1, 'consumption', 27, 1)],
      },
      '- 9ms - 9ms (rc)',
      { r: 'raise 1 silent-consumption v1 @25.5', c: 'clear 1 silent-consumption v1 @27' },
    );
  });

  it('zero consumption for N days: 47 zero hours stay quiet, the 48th raises, a non-zero hour clears', () => {
    const zero = rule('zero-2d', { kind: 'zero_consumption', days: 2 });
    const zeros = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => reading(1, 'consumption', from + i, 0));
    marble([zero], 'a 9ms b 9ms c', { a: zeros(0, 47), b: zeros(48, 48), c: [reading(1, 'consumption', 49, 0.4)] }, '- 9ms r 9ms c', {
      r: 'raise 1 zero-2d v1 @48',
      c: 'clear 1 zero-2d v1 @49',
    });
  });

  it('zero consumption on a meter without an active contract stays quiet, and raises at its next zero once a contract starts', () => {
    const zero = rule('zero-2d-b', { kind: 'zero_consumption', days: 2 });
    const zeros = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => reading(4, 'consumption', from + i, 0));
    const moveIn = [reading(4, 'consumption', 61, 0)];
    const contractStarts = { ...METERS[4] };
    METERS[4] = contractStarts;
    try {
      const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
      scheduler.run(({ hot, expectObservable }) => {
        const engine = engineWith([zero], scheduler, 1_000_000);
        const src$ = hot('a 9ms b', { a: zeros(0, 60), b: moveIn }) as Observable<Envelope[]>;
        // The move-in: the meter directory updates the meter's info in place, here just before hour 61 arrives.
        const flipped$ = new Observable<Envelope[]>((sub) =>
          src$.subscribe({
            next: (batch) => {
              if (batch === moveIn) contractStarts.supplied = true;
              sub.next(batch);
            },
            complete: () => sub.complete(),
          }),
        );
        expectObservable(engine.run(flipped$).pipe(map(fmt)), '^ 100ms !').toBe('- 9ms r', { r: 'raise 4 zero-2d-b v1 @61' });
      });
    } finally {
      METERS[4] = { ...contractStarts, supplied: false };
    }
  });

  it('reverse flow: a 5-digit register rolling over is not reverse flow, a register going back is', () => {
    const reverse = rule('reverse', { kind: 'reverse_flow' });
    marble(
      [reverse],
      'a 9ms b 9ms c 9ms d',
      {
        a: [reading(3, 'volume', 0, 99_999.5)],
        b: [reading(3, 'volume', 1, 0.3)], // 99999.5 -> 0.3: +0.8 m3 past the last digit
        c: [reading(3, 'volume', 2, 0.25)], // 50 litres backwards
        d: [reading(3, 'volume', 3, 0.4)],
      },
      '- 9ms - 9ms r 9ms c',
      { r: 'raise 3 reverse v1 @2', c: 'clear 3 reverse v1 @3' },
    );
  });

  it('reverse flow: negative interval consumption, and an 8-digit register reading 0.3 after 99999.5 is reverse flow', () => {
    const reverse = rule('reverse', { kind: 'reverse_flow' });
    marble(
      [reverse],
      'a 9ms b 9ms c',
      {
        a: [reading(1, 'consumption', 0, -0.01)],
        b: [reading(1, 'consumption', 1, 0.2), reading(1, 'volume', 1, 99_999.5)],
        c: [reading(1, 'volume', 2, 0.3)], // meter 1 has 8 digits: no rollover at 99 999
      },
      'r 9ms c 9ms s',
      { r: 'raise 1 reverse v1 @0', c: 'clear 1 reverse v1 @1', s: 'raise 1 reverse v1 @2' },
    );
  });

  it('consumption against the meter\'s own history, after enough samples', () => {
    const hist = rule('above-history', { kind: 'above_own_history', channel: 'consumption', factor: 3, window: 24, minSamples: 24 });
    const normal = Array.from({ length: 24 }, (_, i) => reading(1, 'consumption', i, i % 2 ? 0.75 : 0.25)); // mean 0.5, exact in binary
    marble(
      [hist],
      'a 9ms b 9ms c',
      { a: [reading(2, 'consumption', 0, 0.5), reading(2, 'consumption', 1, 9)], b: normal.concat(reading(1, 'consumption', 24, 1.5)), c: [reading(1, 'consumption', 25, 1.7)] },
      '- 9ms - 9ms r',
      { r: 'raise 1 above-history v1 @25' }, // 1.5 is exactly 3x the mean 0.5: not above; 1.7 is above 3x 0.552
    );
  });

  it('meter events: tamper raises, a second tamper counts as a repeat, quiet past clearAfter clears; valve_closed clears valve_open', () => {
    const tamper = rule('tamper', { kind: 'event', codes: ['tamper', 'magnetic_field'], clearAfterSeconds: 3600 });
    const valve = rule('valve-open', { kind: 'event', codes: ['valve_open'], clearAfterSeconds: 86_400, clearOn: ['valve_closed'] });
    marble(
      [tamper, valve],
      'a 9ms b 9ms c 9ms d',
      {
        a: [event(1, 'tamper', 0), event(1, 'valve_open', 0)],
        b: [event(1, 'magnetic_field', 0.5), reading(1, 'volume', 1, 100)],
        c: [reading(1, 'volume', 1.5, 100)], // 1 h after the last tamper: not past it yet
        d: [reading(1, 'volume', 1.6, 100), event(1, 'valve_closed', 1.6)],
      },
      '(rv) 6ms t 9ms - 9ms (cw)',
      { r: 'raise 1 tamper v1 @0', v: 'raise 1 valve-open v1 @0', t: 'raise 1 tamper v1 @0.5', c: 'clear 1 tamper v1 @1.6', w: 'clear 1 valve-open v1 @1.6' },
    );
  });

  it('combinations: ALL needs both parts, ANY either; a rule can be combined by reference', () => {
    const lowPressure = rule('low-pressure', { kind: 'threshold', channel: 'pressure', below: 0.015 });
    const both = rule('leak-suspect', { kind: 'all', of: [{ kind: 'rule', code: 'low-pressure' }, { kind: 'threshold', channel: 'flow', above: 2 }] });
    const either = rule('any-reverse', { kind: 'any', of: [{ kind: 'event', codes: ['reverse_flow'] }, { kind: 'reverse_flow', channel: 'consumption' }] });
    marble(
      [lowPressure, both, either],
      'a 9ms b 9ms c 9ms d',
      {
        a: [reading(1, 'flow', 0, 3)],
        b: [reading(1, 'pressure', 1, 0.01)], // both now: flow 3 (still) and pressure low
        c: [reading(1, 'flow', 2, 1), reading(1, 'consumption', 2, -0.02)],
        d: [event(1, 'reverse_flow', 2.5), reading(1, 'consumption', 3, 0.1)], // event keeps ANY true
      },
      '- 9ms (pl) 6ms (ax) 6ms y',
      { p: 'raise 1 low-pressure v1 @1', l: 'raise 1 leak-suspect v1 @1', a: 'clear 1 leak-suspect v1 @2', x: 'raise 1 any-reverse v1 @2', y: 'raise 1 any-reverse v1 @2.5' }, // y: a repeat
    );
  });

  it('out-of-order and re-sent readings are counted and skipped: a late lower register index is not reverse flow', () => {
    const reverse = rule('reverse', { kind: 'reverse_flow', channel: 'volume' });
    const engine = marble(
      [reverse],
      'a 9ms b 9ms c',
      { a: [reading(1, 'volume', 2, 100.5)], b: [reading(1, 'volume', 1, 100.1), reading(1, 'volume', 2, 100.5)], c: [reading(1, 'volume', 3, 100.9)] },
      '- 9ms - 9ms -',
      {},
    );
    assert.equal(engine.stats.stale, 2);
  });

  it('a rule changed mid-stream: the new version evaluates from then on, the alarm it inherits keeps v1 in its row', () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    scheduler.run(({ hot, expectObservable, cold }) => {
      const v1 = rule('flow-high', { kind: 'threshold', channel: 'flow', above: 10 });
      const v2 = rule('flow-high', { kind: 'threshold', channel: 'flow', above: 15 }, { version: 2 });
      const engine = engineWith([v1], scheduler, 1_000_000);
      cold('10ms x').subscribe(() => engine.setRules([v2]));
      const src$ = hot('a 4ms b 9ms c 9ms d', {
        a: [reading(1, 'flow', 0, 12)],
        b: [reading(1, 'flow', 1, 13)],
        c: [reading(1, 'flow', 2, 12)], // under v2's 15: clears
        d: [reading(1, 'flow', 3, 16)],
      }) as Observable<Envelope[]>;
      expectObservable(engine.run(src$).pipe(map(fmt)), '^ 100ms !').toBe('r 4ms - 9ms c 9ms s', {
        r: 'raise 1 flow-high v1 @0',
        c: 'clear 1 flow-high v2 @2',
        s: 'raise 1 flow-high v2 @3',
      });
    });
  });

  it('attaches rules by model, region and group only', () => {
    const scoped = rule('scoped', { kind: 'threshold', channel: 'volume', above: 0 }, { attach: { models: ['W5'], regions: ['ANK'], groups: ['dma-7'] } });
    const ank = rule('ank', { kind: 'threshold', channel: 'volume', above: 0 }, { attach: { regions: ['ANK'] } });
    marble([scoped, ank], 'a', { a: [reading(1, 'volume', 0, 1), reading(2, 'volume', 0, 1), reading(3, 'volume', 0, 1)] }, '(abc)', {
      a: 'raise 1 ank v1 @0',
      b: 'raise 3 scoped v1 @0',
      c: 'raise 3 ank v1 @0',
    });
  });

  it('keeps per-meter state bounded: idle meters are evicted, and the cap holds', () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    const engine = new RuleEngine(() => ({ modelCode: 'G4', registerDigits: 8, region: null, group: null }), { scheduler, sweepMs: 10, idleEvictMs: 50, maxMeters: 100 });
    engine.setRules([rule('hi', { kind: 'threshold', channel: 'flow', above: 1e9 })]);
    scheduler.run(({ hot, expectObservable }) => {
      const many = Array.from({ length: 150 }, (_, i) => reading(i + 1, 'flow', 0, 1));
      const src$ = hot('a 69ms b', { a: many, b: [reading(1, 'flow', 1, 1)] }) as Observable<Envelope[]>;
      expectObservable(engine.run(src$), '^ 100ms !').toBe('');
    });
    assert.equal(engine.stats.evictedCap, 50); // at the first sweep (10 ms): meters 1-50, the oldest
    assert.equal(engine.stats.evictedIdle, 100); // meters 51-150 at 60 ms; meter 1 came back at 70 ms
    assert.equal(engine.stats.meters, 1);
  });
});
