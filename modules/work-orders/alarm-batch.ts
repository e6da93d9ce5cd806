/**
 * The orders of a burst of alarms (a fault wave, a rule reload) in one transaction with two statements whatever the
 * burst's size: the orders inserted together with the burst's fitting crews locked once (in id order); the routing
 * rule applied in memory, each choice adding to the chosen crew's load; then one statement for the assignments, the
 * trail lines, the feed events and the orders as they now stand. One order per alarm id still holds: the insert skips
 * known alarms and they come back as they are. All or nothing: one invalid alarm refuses the batch (the caller may
 * open them one by one).
 */
import type pg from 'pg';
import { withTransaction } from '../../platform/db/pool.ts';
import { FEED_CHANNEL, feedNotify } from '../../platform/feed.ts';
import { Changes } from './events.ts';
import { checkAlarm, type AlarmForOrder } from './alarms.ts';
import { chooseCrew, type CrewCandidate } from './crew-choice.ts';
import { CARRIED, ORDER_COLUMNS, type WorkOrder } from './order-view.ts';

const ROUTED_BY = 'system:alarm';

export async function openWorkOrdersFromAlarms(pool: pg.Pool, alarms: AlarmForOrder[]): Promise<Array<WorkOrder & { created: boolean }>> {
  const inputs = alarms.map(checkAlarm);
  if (!inputs.length) return [];
  const changes = new Changes();
  const created = await withTransaction(pool, (c) => insertAlarmOrders(c, inputs, changes));
  changes.tell();
  const earlier = inputs.filter((i) => !created.has(i.sourceRef)).map((i) => i.sourceRef);
  const { rows: known } = earlier.length
    ? await pool.query<WorkOrder>(`SELECT ${ORDER_COLUMNS} FROM work_order o WHERE o.source = 'alarm' AND o.source_ref = ANY($1::text[])`, [earlier])
    : { rows: [] as WorkOrder[] };
  const byRef = new Map(known.map((o) => [o.sourceRef!, o]));
  return inputs.map((i) => (created.has(i.sourceRef) ? { ...created.get(i.sourceRef)!, created: true } : { ...byRef.get(i.sourceRef)!, created: false }));
}

/** The new orders of `inputs`, by alarm id (source_ref), inserted, routed, on the trail and announced. */
async function insertAlarmOrders(c: pg.PoolClient, inputs: Array<ReturnType<typeof checkAlarm>>, changes: Changes): Promise<Map<string, WorkOrder>> {
  // One statement: the orders inserted, and the crews that could take them locked in id order (as single routings
  // lock them, so the two never deadlock) with their loads. An order inserted here is still open: no crew's load.
  const regions = [...new Set(inputs.map((i) => i.region ?? null))];
  const { rows } = await c.query<{ fresh: FreshOrder[]; crews: CrewCandidate[] }>(
    `WITH fresh AS (
       INSERT INTO work_order (type, priority, source, source_ref, meter_serial, meter_id, region, description, sla_due_at)
       SELECT x.type, x.priority, 'alarm', x.ref, x.serial, x.meter_id, x.region, x.descr, x.clock + t.sla_hours * interval '1 hour'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[]) WITH ORDINALITY
            AS x(type, priority, ref, serial, meter_id, region, descr, clock, n)
       JOIN work_order_type t ON t.code = x.type ORDER BY x.n
       ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
       RETURNING id, source_ref AS ref, type, region, (SELECT required_skill FROM work_order_type WHERE code = type) AS skill
     ), crews AS (
       SELECT c.id, c.code, c.region, c.skills, c.capacity, c.active,
              (SELECT count(*)::int FROM work_order o WHERE o.crew_id = c.id AND o.status = ANY($9::text[])) AS load
       FROM crew c WHERE c.active AND ($10 OR c.region = ANY($11::text[]))
         AND c.skills && ARRAY(SELECT required_skill FROM work_order_type WHERE code = ANY($1::text[]))
       ORDER BY c.id FOR UPDATE OF c
     )
     SELECT (SELECT coalesce(json_agg(fresh ORDER BY id), '[]') FROM fresh) AS fresh, (SELECT coalesce(json_agg(crews ORDER BY id), '[]') FROM crews) AS crews`,
    [
      inputs.map((i) => i.type), inputs.map((i) => i.priority), inputs.map((i) => i.sourceRef), inputs.map((i) => i.meterSerial ?? null),
      inputs.map((i) => i.meterId ?? null), inputs.map((i) => i.region ?? null), inputs.map((i) => i.description), inputs.map((i) => i.clockFrom),
      CARRIED, regions.includes(null), regions.filter((r) => r !== null),
    ],
  );
  const { fresh, crews } = rows[0];
  if (!fresh.length) return new Map();
  const routes = routeAll(crews, fresh);
  const trail = [
    ...fresh.map((o) => ({ id: o.id, kind: 'created', to: 'open', from: null, crew: null, text: `alarm ${o.ref}` })),
    ...[...routes].map(([id, crew]) => ({ id, kind: 'assignment', to: 'assigned', from: 'open', crew: crew.id, text: 'routed' })),
  ];
  // Everything the routing decided is known here, so the feed events are too: they go out in the same statement.
  const payloads = changes.recordMany([
    ...fresh.map((o) => ({ kind: 'created' as const, orderId: o.id, type: o.type, status: 'open', region: o.region, crew: null })),
    ...[...routes].map(([id, crew]) => {
      const o = fresh.find((f) => f.id === id)!;
      return { kind: 'assigned' as const, orderId: id, type: o.type, status: 'assigned', region: o.region, crew: crew.code };
    }),
  ]);
  // One statement: a CTE's reads see the rows as they were before it, so the orders are read from the UPDATE's
  // RETURNING (routed) and the table (left open).
  const { rows: orders } = await c.query<WorkOrder>(
    `WITH routed AS (
       UPDATE work_order o SET crew_id = x.crew, status = 'assigned' FROM unnest($1::bigint[], $2::bigint[]) AS x(id, crew) WHERE o.id = x.id RETURNING o.*
     ), trail AS (
       INSERT INTO work_order_event (order_id, kind, actor, from_status, to_status, crew_id, text)
       SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
     ), feed AS (
       SELECT ${feedNotify(10, 11)}
     )
     SELECT ${ORDER_COLUMNS}, (SELECT count(*) FROM feed) AS "_announced"
     FROM (SELECT * FROM routed UNION ALL SELECT w.* FROM work_order w WHERE w.id = ANY($12::bigint[]) AND w.id <> ALL($1::bigint[])) o
     ORDER BY o.id`,
    [
      [...routes.keys()], [...routes.values()].map((crew) => crew.id),
      trail.map((t) => t.id), trail.map((t) => t.kind), trail.map(() => ROUTED_BY), trail.map((t) => t.from), trail.map((t) => t.to), trail.map((t) => t.crew), trail.map((t) => t.text),
      FEED_CHANNEL, payloads, fresh.map((o) => o.id),
    ],
  );
  return new Map(orders.map(({ _announced, ...o }: WorkOrder & { _announced?: number }) => [o.sourceRef!, o as WorkOrder]));
}

interface FreshOrder {
  id: number;
  ref: string;
  type: string;
  region: string | null;
  skill: string;
}

/** The routing rule per new order in id order, each choice counting toward the crew's load for the next. */
function routeAll(crews: CrewCandidate[], orders: FreshOrder[]): Map<number, CrewCandidate> {
  const routes = new Map<number, CrewCandidate>();
  for (const order of orders) {
    const crew = chooseCrew(crews, { region: order.region, skill: order.skill });
    if (!crew) continue;
    crew.load++;
    routes.set(order.id, crew);
  }
  return routes;
}
