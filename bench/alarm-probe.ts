/**
 * Latency of alarms and their work orders inside a head-end process under load (bench:alarms --load ingest), from
 * the commit of the reading that raised each alarm, on one clock (this process's `performance.now()`):
 *   reading committed   the pipeline's commit listener, registered before the rules so it runs before they evaluate
 *                       the batch (as bench:alarms has always measured it);
 *   alarm committed     `onAlarmChange` 'raised', told after the alarm's transaction commits;
 *   order committed     `onWorkOrderChange` 'created', told after the order's transaction commits.
 *
 * Which commit carried the raising reading: an alarm's `raisedAt` is the reading time of what raised it. Events are
 * few, so each is kept by (meter, ts). Readings are many, so each batch is kept as runs of (meter, first ts, last
 * ts) with the batch's commit time: a message's readings are adjacent in the batch, so about one run per message.
 * A meter's messages commit in the order it sent them, so the raising reading is in the first committed run of the
 * meter that reaches `raisedAt` (for a gap, raised at the last reading + grace, the run with the reading that closed
 * it). When an event and a reading share the time, whichever committed first raised the alarm.
 */
import type { IngestPipeline } from '../headend/index.ts';
import { onAlarmChange } from '../rules/index.ts';
import { onWorkOrderChange } from '../modules/work-orders/index.ts';

interface Run {
  lastTs: number;
  at: number;
}

export interface RaisedAlarm {
  alarmId: number;
  meterId: number;
  type: string;
  raisedAt: number; // reading time
  readingCommittedAt: number | undefined;
  alarmCommittedAt: number;
}

export class AlarmProbe {
  private readonly runs = new Map<number, Run[]>();
  private readonly events = new Map<string, number>();
  private readonly raised: RaisedAlarm[] = [];
  private readonly orderAt = new Map<number, number>();
  private readonly unsubscribe: Array<() => void> = [];
  commits = 0;

  /** Call before the rules start: the pipeline calls its commit listeners in the order they were registered. */
  constructor(pipeline: IngestPipeline) {
    pipeline.onCommit((envelopes) => {
      const at = performance.now();
      this.commits++;
      let meter = -1;
      let run: Run | undefined;
      for (const e of envelopes) {
        if (e.meterId === undefined) continue;
        if (e.type === 'event') {
          const key = `${e.meterId}|${e.ts}`;
          if (!this.events.has(key)) this.events.set(key, at);
          continue;
        }
        if (e.meterId !== meter || !run) {
          meter = e.meterId;
          run = { lastTs: e.ts, at };
          let list = this.runs.get(meter);
          if (!list) this.runs.set(meter, (list = []));
          list.push(run);
        } else if (e.ts > run.lastTs) run.lastTs = e.ts;
      }
    });
    this.unsubscribe.push(
      onAlarmChange((c) => {
        if (c.change !== 'raised') return;
        const raisedAt = Date.parse(c.alarm.raisedAt);
        this.raised.push({ alarmId: c.alarm.id, meterId: c.alarm.meterId, type: c.alarm.type, raisedAt, readingCommittedAt: undefined, alarmCommittedAt: performance.now() });
      }),
      onWorkOrderChange((c) => {
        if (c.kind === 'created') this.orderAt.set(c.orderId, performance.now());
      }),
    );
  }

  private readingCommit(meterId: number, ts: number): number | undefined {
    const event = this.events.get(`${meterId}|${ts}`);
    const run = this.runs.get(meterId)?.find((r) => r.lastTs >= ts);
    if (event === undefined) return run?.at;
    return run === undefined ? event : Math.min(event, run.at);
  }

  /**
   * Every alarm raised so far with its latencies; `orderOf` maps alarm id → work order id (from the database).
   * Latencies are undefined where a time is missing (an order not opened yet, a reading this probe never saw).
   */
  report(orderOf: Map<number, number>): Array<RaisedAlarm & { orderCommittedAt: number | undefined }> {
    return this.raised.map((a) => {
      const order = orderOf.get(a.alarmId);
      return { ...a, readingCommittedAt: this.readingCommit(a.meterId, a.raisedAt), orderCommittedAt: order === undefined ? undefined : this.orderAt.get(order) };
    });
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
  }
}
