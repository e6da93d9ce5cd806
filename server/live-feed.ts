/**
 * The process's end of the live feed: one LISTEN connection (platform/feed.ts) fanned out to the SSE clients of this
 * process and, where this process runs the MQTT broker or holds the external broker connection, to MQTT topics
 * `abone/v1/feed/{stream}/{kind}` for SCADA and Node-RED.
 *
 * Which permission reads which stream is decided here, in the composition root, because the streams belong to
 * different contexts (alarms to the rules engine, work orders to their module).
 */
import { listenFeed, type FeedEvent } from '../platform/feed.ts';
import type { Permission } from '../modules/access/index.ts';

export const FEED_TOPIC_PREFIX = 'abone/v1/feed/';

/** The streams of the live feed and the permission that reads each. */
export const FEED_STREAMS: Readonly<Record<string, Permission>> = { alarms: 'alarms.read', 'work-orders': 'workorders.read' };

export class LiveFeed {
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private listener: ReturnType<typeof listenFeed> | undefined;

  /** stream -> the permission that may read it. */
  constructor(readonly streams: Readonly<Record<string, Permission>>) {}

  async start(connectionString: string): Promise<void> {
    this.listener = listenFeed(connectionString, (e) => this.emit(e));
    await this.listener.ready;
  }

  subscribe(listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The MQTT topic an event is published on. */
  static topicOf(e: FeedEvent): string {
    return `${FEED_TOPIC_PREFIX}${e.stream}/${e.kind}`;
  }

  /**
   * Which MQTT subscriptions a reader may hold: `abone/v1/feed/{stream}/...` for each stream it may read, and the
   * wildcards `abone/v1/feed/#` or `abone/v1/feed/+/...` only if it may read them all.
   */
  subscriptionFilter(may: (permission: Permission) => boolean): (topic: string) => boolean {
    const permitted = new Set(Object.keys(this.streams).filter((s) => may(this.streams[s])));
    const all = permitted.size === Object.keys(this.streams).length && permitted.size > 0;
    return (topic) => {
      if (!topic.startsWith(FEED_TOPIC_PREFIX)) return false;
      const stream = topic.slice(FEED_TOPIC_PREFIX.length).split('/')[0];
      return stream === '#' || stream === '+' ? all : permitted.has(stream);
    };
  }

  async stop(): Promise<void> {
    await this.listener?.stop();
    this.listeners.clear();
  }

  private emit(e: FeedEvent): void {
    if (!(e.stream in this.streams)) return;
    for (const l of this.listeners) l(e);
  }
}
