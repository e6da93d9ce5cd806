/**
 * The ingest pipeline: collectors submit messages (envelopes plus what they could not parse); the pipeline validates
 * them against the device registry, gathers them into write batches, writes each batch in one transaction and only
 * then resolves the submitter's promise. A collector acknowledges its source (MQTT PUBACK, a poll cycle) when that
 * promise resolves, so delivery is at-least-once end to end, and the readings' key makes storage exactly-once.
 *
 * Back-pressure: when more than `maxQueuedRows` are buffered or being written, `submit` waits before it takes more,
 * and collectors stop reading from their sources until it returns. Memory stays bounded whatever the database does.
 *
 * A batch that fails for a transient reason (database restart, lost connection) is retried with backoff until it
 * commits; its submitters simply wait longer. Acknowledgements are released in batch order.
 */
import { AboneError, isTransient } from '../platform/errors.ts';
import { contextLogger } from '../platform/logger.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { QUALITY_CODE, type Envelope, type RejectReason } from './envelope.ts';
import { IngestMetrics } from './metrics.ts';
import { ReadingWriter } from './reading-writer.ts';
import type { ReadingStorage } from './storage.ts';
import { validateEnvelope, type ValidationLimits } from './validate.ts';
import { WriteBatch } from './write-batch.ts';

const log = contextLogger('pipeline');

/**
 * What a collector hands over: the envelopes it parsed from one message, or the reason it could not. `raw` is the
 * message as received; it goes to the dead-letter table with any rejection, so an operator sees what the device sent.
 */
export interface IngestMessage {
  source: string;
  topic: string | null;
  raw: Buffer | null;
  envelopes: Envelope[];
  rejection?: { reason: RejectReason; detail: string };
}

export interface PipelineOptions {
  connectionString: string;
  batchRows: number;
  batchDelayMs: number;
  maxQueuedRows: number;
  writers: number;
  maxFutureSeconds: number;
  retentionDays: number;
  deadLetterRawBytes: number;
}

/** Called with the envelopes of each committed batch, in commit order: the rules engine listens here. */
export type CommitListener = (envelopes: Envelope[]) => void;

interface Pending {
  batch: WriteBatch;
  envelopes: Envelope[];
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

export class IngestPipeline {
  readonly metrics = new IngestMetrics();
  private current: Pending;
  private timer: NodeJS.Timeout | undefined;
  private readonly idleWriters: ReadingWriter[];
  private readonly flushQueue: Pending[] = [];
  private inFlight = 0;
  private releaseChain: Promise<void> = Promise.resolve();
  private spaceWaiters: Array<() => void> = [];
  private readonly listeners: CommitListener[] = [];
  private stopping = false;
  private closed = false; // past the stop grace period: batches still failing give up (unacknowledged)
  private readonly limits: ValidationLimits;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly storage: ReadingStorage,
    private readonly opts: PipelineOptions,
  ) {
    this.current = this.newPending();
    this.idleWriters = Array.from({ length: opts.writers }, () => new ReadingWriter(opts.connectionString));
    this.limits = { maxFutureMs: opts.maxFutureSeconds * 1000, maxAgeMs: opts.retentionDays * 86_400_000 };
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /**
   * What validation would refuse in `envelopes`, without storing anything: for a caller that answers synchronously
   * (the HTTP readings route) and refuses a request whole rather than dead-lettering part of it.
   */
  async refusals(envelopes: Envelope[]): Promise<Array<{ index: number; reason: RejectReason; detail: string }>> {
    await this.registry.resolve(envelopes.map((e) => e.meterSerial));
    const now = Date.now();
    const out: Array<{ index: number; reason: RejectReason; detail: string }> = [];
    envelopes.forEach((e, index) => {
      const v = validateEnvelope(e, this.registry.cached(e.meterSerial), this.limits, now);
      if (!v.ok) out.push({ index, reason: v.reason, detail: v.detail });
    });
    return out;
  }

  /** Resolves once everything in `message` is durably stored (readings) or dead-lettered (the rest). */
  async submit(message: IngestMessage): Promise<void> {
    if (this.stopping) throw new AboneError('ABONE_ERR_HEADEND_INGEST_STOPPED');
    while (this.metrics.queueDepth >= this.opts.maxQueuedRows) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      if (this.stopping) throw new AboneError('ABONE_ERR_HEADEND_INGEST_STOPPED');
    }
    this.metrics.messagesIn++;
    const { envelopes } = message;
    if (envelopes.some((e) => !this.registry.cached(e.meterSerial))) {
      await this.registry.resolve(envelopes.map((e) => e.meterSerial));
    }
    const target = this.current;
    const batch = target.batch;
    const before = batch.size;
    const now = Date.now();
    const receivedIso = new Date(now).toISOString();
    this.metrics.readingsIn += envelopes.length;
    if (message.rejection) {
      this.metrics.reject(message.rejection.reason);
      batch.addRejection({ source: message.source, topic: message.topic, raw: message.raw, ...message.rejection }, this.opts.deadLetterRawBytes);
    }
    // Readings refused by validation are counted one by one but dead-lettered once per message and reason, with
    // the message's raw bytes: a device with a wrong clock must not turn one message into thousands of rows.
    const refused = new Map<RejectReason, { count: number; first: string }>();
    for (const e of envelopes) {
      const v = validateEnvelope(e, this.registry.cached(e.meterSerial), this.limits, now);
      if (!v.ok) {
        this.metrics.reject(v.reason);
        const seen = refused.get(v.reason);
        if (seen) seen.count++;
        else refused.set(v.reason, { count: 1, first: v.detail });
        continue;
      }
      e.meterId = v.meter.id;
      if (e.type === 'event') batch.addEvent({ meterId: v.meter.id, ts: e.ts, code: e.channel, detail: e.detail ? JSON.stringify(e.detail) : null });
      else batch.addReading(v.meter.id, v.channelId, e.ts, v.value, QUALITY_CODE[e.quality] ?? 0, receivedIso);
      if (this.listeners.length) target.envelopes.push(e);
    }
    for (const [reason, { count, first }] of refused) {
      const detail = `${count} of ${envelopes.length} refused; first: ${first}`;
      batch.addRejection({ source: message.source, topic: message.topic, raw: message.raw, reason, detail }, this.opts.deadLetterRawBytes);
    }
    const added = batch.size - before;
    this.metrics.queueDepth += added;
    if (added === 0) return; // nothing to store: an empty message
    const done = new Promise<void>((resolve, reject) => target.waiters.push({ resolve, reject }));
    if (batch.size >= this.opts.batchRows) this.cut();
    else if (!this.timer) this.timer = setTimeout(() => this.cut(), this.opts.batchDelayMs);
    return done;
  }

  /** Resolves when the pipeline takes more: collectors that read ahead of `submit` wait here. */
  async waitForSpace(): Promise<void> {
    while (this.metrics.queueDepth >= this.opts.maxQueuedRows && !this.stopping) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  /**
   * Calls `take` when the pipeline has room: now, or synchronously from the commit that makes room. A collector that
   * parses and submits inside `take` keeps the messages it holds back as raw bytes rather than as envelopes on the
   * heap, and each submitted message fills the room before the next `take` is called. At stop, `take` is called so
   * that its `submit` refuses the message.
   */
  whenSpace(take: () => void): void {
    if (this.stopping || this.metrics.queueDepth < this.opts.maxQueuedRows) take();
    else this.spaceWaiters.push(take);
  }

  /** Flushes what is buffered and waits for every batch to commit. */
  async drain(): Promise<void> {
    this.cut();
    while (this.inFlight > 0 || this.flushQueue.length > 0) await new Promise((r) => setTimeout(r, 10));
    await this.releaseChain;
  }

  /**
   * Stops taking messages and waits (at most `graceMs`) for buffered batches to commit. What does not commit in
   * time was never acknowledged, so its sources send it again: stopping never loses a reading.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.race([this.drain(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.closed = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    await Promise.all(this.idleWriters.map((w) => w.close()));
  }

  private newPending(): Pending {
    return { batch: new WriteBatch(), envelopes: [], waiters: [] };
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current.batch.size === 0) return;
    this.flushQueue.push(this.current);
    this.current = this.newPending();
    this.pump();
  }

  private pump(): void {
    while (this.flushQueue.length && this.idleWriters.length) {
      const pending = this.flushQueue.shift()!;
      const writer = this.idleWriters.pop()!;
      this.inFlight++;
      const committed = this.writeWithRetry(writer, pending).finally(() => {
        this.inFlight--;
        this.idleWriters.push(writer);
        this.pump();
      });
      // Acknowledge in batch order: a later batch never releases before an earlier one.
      this.releaseChain = this.releaseChain.then(() => committed).then(
        () => this.release(pending),
        (err) => this.abandon(pending, err),
      );
    }
  }

  private async writeWithRetry(writer: ReadingWriter, pending: Pending): Promise<void> {
    const { batch } = pending;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        if (batch.readingCount) await this.storage.ensureRange(batch.minTs, batch.maxTs);
        const result = await writer.write(batch);
        this.metrics.readingsWritten += result.written;
        this.metrics.readingsDuplicate += result.duplicates;
        this.metrics.eventsWritten += result.events;
        this.metrics.observeBatch((Date.now() - started) / 1000);
        if (batch.maxTs > this.metrics.lastReadingTs) this.metrics.lastReadingTs = batch.maxTs;
        this.metrics.lastCommitAt = Date.now();
        return;
      } catch (err) {
        if (this.closed) throw new AboneError('ABONE_ERR_HEADEND_INGEST_STOPPED', {}, { cause: err });
        this.metrics.batchRetries++;
        const transient = isTransient(err);
        const delay = Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
        log[transient ? 'warn' : 'error']({ err: (err as Error).message, code: (err as { code?: string }).code, attempt, rows: batch.size }, transient ? 'batch write failed, retrying' : 'batch write failed unexpectedly, retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** A batch given up at shutdown: its submitters learn it was not stored and do not acknowledge. */
  private abandon(pending: Pending, err: unknown): void {
    this.metrics.queueDepth -= pending.batch.size;
    for (const w of pending.waiters) w.reject(err);
  }

  private release(pending: Pending): void {
    this.metrics.queueDepth -= pending.batch.size;
    for (const w of pending.waiters) w.resolve();
    if (pending.envelopes.length) for (const l of this.listeners) l(pending.envelopes);
    while (this.spaceWaiters.length && this.metrics.queueDepth < this.opts.maxQueuedRows) this.spaceWaiters.shift()!();
  }
}
