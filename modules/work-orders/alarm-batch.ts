/**
 * The orders of a burst of alarms (a fault wave, a rule reload) in one transaction with a fixed number of statements
 * whatever the burst's size: the orders inserted together, each region's fitting crews locked once (in id order) and
 * the routing rule applied in memory, each choice adding to the chosen crew's load, then the assignments, the trail
 * lines and the feed events written in bulk. One order per alarm id still holds: the insert skips known alarms and
 * they come back as they are. All or nothing: one invalid alarm refuses the batch (the caller may open them one by one).
 */
import type pg from 'pg';
import { changeTransaction } from './events.ts';
import { checkAlarm, type AlarmForOrder } from './alarms.ts';
import { chooseCrew, type CrewCandidate } from './crew-choice.ts';
import { CARRIED, ORDER_COLUMNS, type WorkOrder } from './order-view.ts';

const ROUTED_BY = 'system:alarm';

export async function openWorkOrdersFromAlarms(pool: pg.Pool, alarms: AlarmForOrder[]): Promise<Array<WorkOrder & { created: boolean }>> {
  const inputs = alarms.map(checkAlarm);
  if (!inputs.length) return [];
  const created = await changeTransaction(pool, async (c, changes) => {
    const { rows: fresh } = await c.query<{ id: number; ref: string; type: string; region: string | null; skill: string }>(
      `INSERT INTO work_order (type, priority, source, source_ref, meter_serial, meter_id, region, description, sla_due_at)
       SELECT x.type, x.priority, 'alarm', x.ref, x.serial, x.meter_id, x.region, x.descr, x.clock + t.sla_hours * interval '1 hour'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[]) WITH ORDINALITY
            AS x(type, priority, ref, serial, meter_id, region, descr, clock, n)
       JOIN work_order_type t ON t.code = x.type ORDER BY x.n
       ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
       RETURNING id, source_ref AS ref, type, region, (SELECT required_skill FROM work_order_type WHERE code = type) AS skill`,
      [
        inputs.map((i) => i.type), inputs.map((i) => i.priority), inputs.map((i) => i.sourceRef), inputs.map((i) => i.meterSerial ?? null),
        inputs.map((i) => i.meterId ?? null), inputs.map((i) => i.region ?? null), inputs.map((i) => i.description), inputs.map((i) => i.clockFrom),
      ],
    );
    if (!fresh.length) return new Map<string, WorkOrder>();
    fresh.sort((a, b) => a.id - b.id);
    const routes = await routeAll(c, fresh);
    await c.query(
      `UPDATE work_order o SET crew_id = x.crew, status = 'assigned' FROM unnest($1::bigint[], $2::bigint[]) AS x(id, crew) WHERE o.id = x.id`,
      [[...routes.keys()], [...routes.values()].map((crew) => crew.id)],
    );
    const trail = [
      ...fresh.map((o) => ({ id: o.id, kind: 'created', to: 'open', from: null, crew: null, text: `alarm ${o.ref}` })),
      ...[...routes].map(([id, crew]) => ({ id, kind: 'assignment', to: 'assigned', from: 'open', crew: crew.id, text: 'routed' })),
    ];
    await c.query(
      `INSERT INTO work_order_event (order_id, kind, actor, from_status, to_status, crew_id, text)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])`,
      [trail.map((t) => t.id), trail.map((t) => t.kind), trail.map(() => ROUTED_BY), trail.map((t) => t.from), trail.map((t) => t.to), trail.map((t) => t.crew), trail.map((t) => t.text)],
    );
    const { rows: orders } = await c.query<WorkOrder>(`SELECT ${ORDER_COLUMNS} FROM work_order o WHERE o.id = ANY($1::bigint[]) ORDER BY o.id`, [fresh.map((o) => o.id)]);
    await changes.addMany(c, [
      ...orders.map((o) => ({ kind: 'created' as const, orderId: o.id, type: o.type, status: 'open', region: o.region, crew: null })),
      ...orders.filter((o) => routes.has(o.id)).map((o) => ({ kind: 'assigned' as const, orderId: o.id, type: o.type, status: o.status, region: o.region, crew: o.crew })),
    ]);
    return new Map(orders.map((o) => [o.sourceRef!, o]));
  });
  const earlier = inputs.filter((i) => !created.has(i.sourceRef)).map((i) => i.sourceRef);
  const { rows: known } = earlier.length
    ? await pool.query<WorkOrder>(`SELECT ${ORDER_COLUMNS} FROM work_order o WHERE o.source = 'alarm' AND o.source_ref = ANY($1::text[])`, [earlier])
    : { rows: [] as WorkOrder[] };
  const byRef = new Map(known.map((o) => [o.sourceRef!, o]));
  return inputs.map((i) => (created.has(i.sourceRef) ? { ...created.get(i.sourceRef)!, created: true } : { ...byRef.get(i.sourceRef)!, created: false }));
}

/**
 * Crews for new orders: the fitting crews of every region the burst touches, locked in one statement in id order
 * (as single routings lock them, so the two never deadlock), then the routing rule per order in id order, each choice
 * counting toward the crew's load for the next.
 */
async function routeAll(c: pg.PoolClient, orders: Array<{ id: number; region: string | null; skill: string }>): Promise<Map<number, CrewCandidate>> {
  const regions = [...new Set(orders.map((o) => o.region))];
  const anyRegion = regions.includes(null);
  const { rows: crews } = await c.query<CrewCandidate>(
    `SELECT c.id, c.code, c.region, c.skills, c.capacity, c.active,
            (SELECT count(*)::int FROM work_order o WHERE o.crew_id = c.id AND o.status = ANY($1::text[])) AS load
     FROM crew c WHERE c.active AND ($2 OR c.region = ANY($3::text[])) AND c.skills && $4::text[]
     ORDER BY c.id FOR UPDATE OF c`,
    [CARRIED, anyRegion, regions.filter((r) => r !== null), [...new Set(orders.map((o) => o.skill))]],
  );
  const routes = new Map<number, CrewCandidate>();
  for (const order of orders) {
    const crew = chooseCrew(crews, { region: order.region, skill: order.skill });
    if (!crew) continue;
    crew.load++;
    routes.set(order.id, crew);
  }
  return routes;
}
