/**
 * One simulated meter as a stream of MQTT messages: it walks simulated time period by period (`hoursPerMessage`
 * hours each), keeps its register, applies the fault plan and encodes payloads. No I/O and no clock: the fleet
 * decides when a period may be built (never before its newest stamp has passed on the wall clock), and the bench
 * pre-generates messages with the same code.
 */
import { topicFor } from '../collectors/mqtt/index.ts';
import {
  driftMinutesOf,
  dropPressure,
  FaultSchedule,
  hourIncidents,
  incidentEvents,
  isGapHour,
  malformedKindOf,
  malformedPayload,
  NO_FAULTS,
  shiftTimestamps,
  spikeReadings,
  type FaultPlan,
  type MalformedKind,
  type SimEvent,
} from './faults.ts';
import { alignToHour, HOUR_MS, hourReadings, initialRegister, type SimMeter, type SimReading } from './profiles.ts';
import { seedFrom } from './random.ts';

export interface OutMessage {
  serial: string;
  topic: string;
  payload: Buffer;
  readings: number; // readings the head-end will accept from it (0 for a malformed message)
  events: number;
  malformed?: MalformedKind;
  duplicate: boolean; // a deliberate second copy: storage keeps its readings once
  periodStart: number; // first simulated hour it covers (epoch ms)
}

export interface StreamOptions {
  startAt: number; // first simulated hour (aligned down to the hour)
  hoursPerMessage?: number;
  faults?: FaultPlan;
}

export class MeterStream {
  readonly hoursPerMessage: number;
  private cursor: number;
  private register: number;
  private readonly seed: number;
  private readonly plan: FaultPlan;
  private readonly driftMinutes: number;
  private readonly schedule: FaultSchedule<OutMessage>;

  constructor(readonly meter: SimMeter, opts: StreamOptions) {
    this.hoursPerMessage = opts.hoursPerMessage ?? 1;
    if (!Number.isInteger(this.hoursPerMessage) || this.hoursPerMessage < 1) throw new RangeError('hoursPerMessage must be a whole number >= 1');
    this.cursor = alignToHour(opts.startAt);
    this.register = initialRegister(meter);
    this.seed = seedFrom(meter.serial);
    this.plan = opts.faults ?? NO_FAULTS;
    this.driftMinutes = driftMinutesOf(this.plan, meter.serial);
    this.schedule = new FaultSchedule(this.plan, this.seed);
  }

  /** Simulated time reached: the start of the next period to build. */
  get simulatedUntil(): number {
    return this.cursor;
  }

  /** The newest stamp the next period will carry (its end, plus the meter's clock drift). */
  get readyAt(): number {
    return this.cursor + this.hoursPerMessage * HOUR_MS + this.driftMinutes * 60_000;
  }

  /** The register index (m3) at the current simulated time. */
  get registerIndex(): number {
    return this.register;
  }

  /** Builds the next period and returns the messages that leave now (events first: alarms are not held back). */
  next(): OutMessage[] {
    const periodStart = this.cursor;
    const readings: SimReading[] = [];
    let events: SimEvent[] = [];
    for (let i = 0; i < this.hoursPerMessage; i++) {
      const hour = periodStart + i * HOUR_MS;
      const incidents = hourIncidents(this.plan, this.seed, hour);
      const result = hourReadings(this.meter, hour, this.register, { reverseFlow: incidents.reverseFlow, extraLitres: incidents.leakLitres });
      this.register = result.register; // the register counts whether or not the hour is ever sent
      events = events.concat(incidentEvents(this.plan, this.seed, hour, incidents));
      if (!isGapHour(this.plan, this.seed, hour)) readings.push(...dropPressure(this.plan, this.seed, hour, spikeReadings(this.plan, this.seed, hour, result.readings)));
    }
    this.cursor += this.hoursPerMessage * HOUR_MS;
    const out: OutMessage[] = [];
    const key = Math.floor(periodStart / HOUR_MS);
    if (events.length > 0) {
      const body = { msgId: `${this.meter.serial}-${key}-ev`, events: shiftTimestamps(events, this.driftMinutes) };
      out.push(this.message('events', Buffer.from(JSON.stringify(body)), 0, events.length, periodStart));
    }
    if (readings.length > 0) {
      const body = { msgId: `${this.meter.serial}-${key}`, readings: shiftTimestamps(readings, this.driftMinutes) };
      const malformed = malformedKindOf(this.plan, this.seed, key);
      const msg = malformed
        ? { ...this.message('readings', malformedPayload(malformed, body), 0, 0, periodStart), malformed }
        : this.message('readings', Buffer.from(JSON.stringify(body)), readings.length, 0, periodStart);
      for (const s of this.schedule.push(msg, key, periodStart)) out.push(s.duplicate ? { ...s.msg, duplicate: true } : s.msg);
    }
    return out;
  }

  /** Messages still held back by late / out-of-order faults. */
  drain(): OutMessage[] {
    return this.schedule.drain().map((s) => (s.duplicate ? { ...s.msg, duplicate: true } : s.msg));
  }

  private message(kind: 'readings' | 'events', payload: Buffer, readings: number, events: number, periodStart: number): OutMessage {
    return { serial: this.meter.serial, topic: topicFor(this.meter.serial, kind), payload, readings, events, duplicate: false, periodStart };
  }
}

/**
 * Pre-generates every message a fleet would send over `hours` simulated hours (whole periods of `hoursPerMessage`;
 * by default ending at the last whole hour), period by period across meters (the order a broker would see them),
 * held-back messages last. For benchmarks: no MQTT, no clock.
 */
export function simulateMessagesForBench(
  meters: SimMeter[],
  hours: number,
  opts: { startAt?: number; hoursPerMessage?: number; faults?: FaultPlan } = {},
): OutMessage[] {
  const hoursPerMessage = opts.hoursPerMessage ?? 1;
  const periods = Math.floor(hours / hoursPerMessage);
  const startAt = opts.startAt ?? alignToHour(Date.now()) - periods * hoursPerMessage * HOUR_MS;
  const streams = meters.map((m) => new MeterStream(m, { startAt, hoursPerMessage, faults: opts.faults }));
  const out: OutMessage[] = [];
  for (let p = 0; p < periods; p++) for (const s of streams) out.push(...s.next());
  for (const s of streams) out.push(...s.drain());
  return out;
}
