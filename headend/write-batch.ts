/**
 * One unit of durable work: the readings, events, dead letters and rollup marks of many messages, written in one
 * transaction. Readings are kept as ready COPY text lines, so the hot path formats each reading once and never
 * builds an object for it.
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

export class WriteBatch {
  readonly lines: string[] = [];
  readonly events: EventRow[] = [];
  readonly deadLetters: DeadLetterRow[] = [];
  /** meterId * 2^32-ish key space is avoided: the key is `${meterId}:${hour}` to stay exact. */
  readonly pendingHours = new Map<string, [number, number]>();
  minTs = Infinity;
  maxTs = -Infinity;
  readonly createdAt = Date.now();

  get readingCount(): number {
    return this.lines.length;
  }

  get size(): number {
    return this.lines.length + this.events.length + this.deadLetters.length;
  }

  addReading(meterId: number, channelId: number, ts: number, value: number, quality: number, receivedIso: string): void {
    this.lines.push(`${meterId}\t${channelId}\t${new Date(ts).toISOString()}\t${value}\t${quality}\t${receivedIso}\n`);
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
    const key = `${meterId}:${hour}`;
    if (!this.pendingHours.has(key)) this.pendingHours.set(key, [meterId, hour]);
  }
}
