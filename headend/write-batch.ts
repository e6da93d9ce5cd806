/**
 * One unit of durable work: the readings, events, dead letters and rollup marks of many messages, written in one
 * transaction. Readings are kept as ready COPY text, so the hot path formats each reading once and never builds an
 * object for it. The text goes straight into large Buffers: a batch lives for the seconds its commit takes, and as
 * JS strings its lines (hundreds of thousands under load) would be promoted to the old generation and cost the
 * head-end a quarter of its CPU in garbage collection; in Buffers they are off the heap.
 */
import { createHash } from 'node:crypto';
import type { Rejection } from './envelope.ts';

export interface EventRow {
  meterId: number;
  ts: number;
  code: string;
  detail: string | null;
}

export interface DeadLetterRow {
  source: string;
  topic: string | null;
  reason: string;
  detail: string;
  raw: Buffer | null;
  rawSize: number;
  rawSha256: Buffer | null;
}

const HOUR_MS = 3_600_000;
const CHUNK_BYTES = 256 * 1024;

export class WriteBatch {
  private readonly sealed: Buffer[] = [];
  private chunk: Buffer | undefined;
  private used = 0;
  private readings = 0;
  readonly events: EventRow[] = [];
  readonly deadLetters: DeadLetterRow[] = [];
  /** meterId * 2^32-ish key space is avoided: the key is `${meterId}:${hour}` to stay exact. */
  readonly pendingHours = new Map<string, [number, number]>();
  minTs = Infinity;
  maxTs = -Infinity;
  readonly createdAt = Date.now();
  // The channels of one meter share timestamps (a profile row is 4-8 readings of one instant): the last instant
  // formatted and the last (meter, hour) marked are remembered, which saves most toISOString and Map work.
  private lastTs = NaN;
  private lastIso = '';
  private lastMarkMeter = -1;
  private lastMarkHour = NaN;

  get readingCount(): number {
    return this.readings;
  }

  get size(): number {
    return this.readings + this.events.length + this.deadLetters.length;
  }

  /** The readings as COPY text (tab-separated lines), in the order they were added. */
  copyText(): Buffer[] {
    if (this.chunk && this.used > 0) {
      this.sealed.push(this.chunk.subarray(0, this.used));
      this.chunk = undefined;
      this.used = 0;
    }
    return this.sealed;
  }

  addReading(meterId: number, channelId: number, ts: number, value: number, quality: number, receivedIso: string): void {
    if (ts !== this.lastTs) {
      this.lastTs = ts;
      this.lastIso = new Date(ts).toISOString();
    }
    const line = `${meterId}\t${channelId}\t${this.lastIso}\t${value}\t${quality}\t${receivedIso}\n`;
    if (!this.chunk || this.used + line.length > this.chunk.length) {
      if (this.chunk) this.sealed.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length));
      this.used = 0;
    }
    // Every character is ASCII (digits, '-', '+', ':', '.', 'e', 'T', 'Z', tabs): one byte each, and latin1 is UTF-8.
    this.used += this.chunk.write(line, this.used, 'latin1');
    this.readings++;
    this.markHour(meterId, ts);
  }

  addEvent(row: EventRow): void {
    this.events.push(row);
    this.markHour(row.meterId, row.ts);
  }

  addRejection(r: Rejection, rawLimit: number): void {
    const raw = r.raw;
    this.deadLetters.push({
      source: r.source,
      topic: r.topic === null ? null : r.topic.slice(0, 512),
      reason: r.reason,
      detail: r.detail.slice(0, 1000),
      raw: raw ? raw.subarray(0, rawLimit) : null,
      rawSize: raw ? raw.length : 0,
      rawSha256: raw ? createHash('sha256').update(raw).digest() : null,
    });
  }

  private markHour(meterId: number, ts: number): void {
    const hour = ts - (((ts % HOUR_MS) + HOUR_MS) % HOUR_MS);
    if (ts < this.minTs) this.minTs = ts;
    if (ts > this.maxTs) this.maxTs = ts;
    if (meterId === this.lastMarkMeter && hour === this.lastMarkHour) return;
    this.lastMarkMeter = meterId;
    this.lastMarkHour = hour;
    const key = `${meterId}:${hour}`;
    if (!this.pendingHours.has(key)) this.pendingHours.set(key, [meterId, hour]);
  }
}
