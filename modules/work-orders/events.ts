/**
 * Every change of a work order is announced twice: on the cross-process live feed (`platform/feed.ts`, a NOTIFY sent
 * inside the transaction that made the change, so a rolled-back change is never heard) and to in-process listeners
 * after the commit (`onWorkOrderChange`), for whoever wires the order stream into something else in this process.
 */
import type pg from 'pg';
import { announce, announceMany, feedPayloads } from '../../platform/feed.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { contextLogger } from '../../platform/logger.ts';

const log = contextLogger('work-orders');

export const FEED_STREAM = 'work-orders';

export interface WorkOrderChange {
  kind: 'created' | 'assigned' | 'status' | 'comment' | 'photo';
  orderId: number;
  type: string;
  status: string;
  region: string | null;
  crew: string | null;
  at: string;
}

type Listener = (change: WorkOrderChange) => void;
const listeners = new Set<Listener>();

/** Registers a listener for committed work order changes; returns the function that unregisters it. */
export function onWorkOrderChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A transaction whose announced changes reach the in-process listeners only once it has committed. */
export async function changeTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient, changes: Changes) => Promise<T>): Promise<T> {
  const changes = new Changes();
  const result = await withTransaction(pool, (c) => work(c, changes));
  changes.tell();
  return result;
}

export class Changes {
  readonly list: WorkOrderChange[] = [];

  async add(c: pg.PoolClient, change: Omit<WorkOrderChange, 'at'>): Promise<void> {
    const full = { ...change, at: new Date().toISOString() };
    this.list.push(full);
    await announce(c, feedEventOf(full));
  }

  /** Many changes, announced in one statement. */
  async addMany(c: pg.PoolClient, changes: Array<Omit<WorkOrderChange, 'at'>>): Promise<void> {
    const at = new Date().toISOString();
    const full = changes.map((change) => ({ ...change, at }));
    this.list.push(...full);
    await announceMany(c, full.map(feedEventOf));
  }

  /** Many changes whose feed events the caller sends in a statement of its own (`feedNotify`): their payloads. */
  recordMany(changes: Array<Omit<WorkOrderChange, 'at'>>): string[] {
    const at = new Date().toISOString();
    const full = changes.map((change) => ({ ...change, at }));
    this.list.push(...full);
    return feedPayloads(full.map(feedEventOf));
  }

  /** Tells the in-process listeners (about the orders in `only`, if given); only once the transaction that made the
   *  changes has committed. */
  tell(only?: ReadonlySet<number>): void {
    for (const change of this.list) {
      if (only && !only.has(change.orderId)) continue;
      for (const l of listeners) {
        try {
          l(change);
        } catch (err) {
          log.error({ err: (err as Error).message, orderId: change.orderId }, 'work order listener failed');
        }
      }
    }
  }
}

const feedEventOf = (change: WorkOrderChange) => ({
  stream: FEED_STREAM,
  kind: change.kind,
  id: String(change.orderId),
  at: change.at,
  data: { type: change.type, status: change.status, region: change.region, crew: change.crew },
});
