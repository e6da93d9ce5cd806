/**
 * The live feed: what changed, for screens and for SCADA/Node-RED, across processes.
 *
 * A context announces a change with `announce(db, event)` using the same client as the transaction that made it:
 * PostgreSQL delivers a NOTIFY only when that transaction commits, so a rolled-back alarm or work order is never
 * announced, and every process (api, headend, worker) hears every change through one LISTEN connection
 * (`listenFeed`). Events are small (ids and the fields a list row shows): a NOTIFY payload must stay under 8,000 bytes,
 * and a reader that wants more asks the API.
 *
 * The feed is a notification channel, not a log: a client that was away reads the current state from the API.
 */
import pg from 'pg';
import { contextLogger } from './logger.ts';

const log = contextLogger('feed');
const CHANNEL = 'abone_feed';
const MAX_PAYLOAD_BYTES = 7_900;

export interface FeedEvent {
  /** Which stream: each is gated by its own permission where it is served. */
  stream: string;
  /** What happened, e.g. `raised`, `cleared`, `assigned`. */
  kind: string;
  /** The id of the record that changed. */
  id: string;
  at: string;
  data: Record<string, unknown>;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function announce(db: Queryable, event: Omit<FeedEvent, 'at'> & { at?: string }): Promise<void> {
  const full: FeedEvent = { ...event, at: event.at ?? new Date().toISOString() };
  let text = JSON.stringify(full);
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) text = JSON.stringify({ ...full, data: { truncated: true } });
  await db.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
}

/** Several events in one statement, delivered in this order at the commit (a burst of alarms and their orders). */
export async function announceMany(db: Queryable, events: Array<Omit<FeedEvent, 'at'> & { at?: string }>): Promise<void> {
  if (!events.length) return;
  await db.query(`SELECT ${feedNotify(1, 2)}`, [FEED_CHANNEL, feedPayloads(events)]);
}

export const FEED_CHANNEL = CHANNEL;

/** The payloads `announceMany` sends, for a statement that sends them itself with `feedNotify`. */
export function feedPayloads(events: Array<Omit<FeedEvent, 'at'> & { at?: string }>): string[] {
  return events.map((event) => {
    const full: FeedEvent = { ...event, at: event.at ?? new Date().toISOString() };
    const text = JSON.stringify(full);
    return Buffer.byteLength(text) > MAX_PAYLOAD_BYTES ? JSON.stringify({ ...full, data: { truncated: true } }) : text;
  });
}

/**
 * The NOTIFY of `announceMany` as the rest of a SELECT, for work that writes and announces in one round trip:
 * parameter `channel` takes FEED_CHANNEL, `payloads` the `feedPayloads` (sent in their order). As a CTE it must be
 * read (`(SELECT count(*) FROM feed)`), or PostgreSQL never runs it and nothing is sent.
 */
export const feedNotify = (channel: number, payloads: number) => `pg_notify($${channel}, p.text) FROM unnest($${payloads}::text[]) WITH ORDINALITY AS p(text, n) ORDER BY p.n`;

export interface FeedListener {
  /** Resolves once the first LISTEN is in place (tests and start-up wait for it). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Hears every announced event on a dedicated connection and reconnects after a database restart (events announced
 * while it was away are not replayed: see the module comment).
 */
export function listenFeed(connectionString: string, onEvent: (event: FeedEvent) => void, retryMs = 1_000): FeedListener {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString, application_name: 'abone-feed' });
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'feed connection lost; reconnecting');
      retry(c);
    });
    c.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        onEvent(JSON.parse(msg.payload) as FeedEvent);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'feed listener failed');
      }
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (stopped) return void (await c.end().catch(() => undefined));
      client = c;
      listening();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'feed cannot listen yet; retrying');
      retry(c);
    }
  };
  const retry = (c: pg.Client) => {
    if (client === c) client = undefined;
    c.end().catch(() => undefined);
    if (!stopped && !timer) timer = setTimeout(() => ((timer = undefined), void connect()), retryMs);
  };
  void connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
