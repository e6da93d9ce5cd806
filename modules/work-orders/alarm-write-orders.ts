/**
 * The orders of alarms being raised, written inside the alarm write's own transaction, in the two round trips the
 * rules engine makes for it (rules/alarm-store.ts), so an alarm and its routed order commit together:
 *   1. with BEGIN and alarm_apply, `alarmOrderCrews`: the active crews of the regions the raising meters are in,
 *      locked in id order (as single routings and order batches lock them, so they never deadlock) with their loads,
 *      every type's required skill, and one order id per raise (a raise may turn out a repeat: its id goes unused);
 *   2. with COMMIT, `alarmOrdersStatement`: the routing rule applied in memory per new order in id order, each choice
 *      adding to the chosen crew's load, then one statement inserting the orders already routed, their trail lines
 *      (created, then the assignment) and their feed events.
 * Statements go as text with their values inlined as one jsonb literal: several travel in one simple query. One order
 * per alarm still holds: the insert skips alarms that already have one, and their trail lines and feed events with
 * them. In-process listeners are told by `committed`, which the caller runs after the COMMIT and only then.
 */
import { jsonbLiteral } from '../../platform/db/pool.ts';
import { FEED_CHANNEL } from '../../platform/feed.ts';
import { Changes } from './events.ts';
import { checkAlarm, type AlarmForOrder } from './alarms.ts';
import { chooseCrew, type CrewCandidate } from './crew-choice.ts';
import { CARRIED } from './order-view.ts';

const ROUTED_BY = 'system:alarm';

/** What the first trip reads: the crews that may take the orders, locked; each type's skill; the orders' ids. */
export interface AlarmOrderCrews {
  crews: CrewCandidate[];
  skills: Record<string, string>;
  ids: number[];
}

/** The first trip's statement for `raises` alarms about to be raised in these regions (null: a meter without one). */
export function alarmOrderCrews(regions: Array<string | null | undefined>, raises: number): string {
  const known = [...new Set(regions.filter((r): r is string => typeof r === 'string'))];
  const anyRegion = regions.some((r) => typeof r !== 'string');
  return `WITH crews AS (
      SELECT c.id, c.code, c.region, c.skills, c.capacity, c.active,
             (SELECT count(*)::int FROM work_order o WHERE o.crew_id = c.id AND o.status IN (SELECT jsonb_array_elements_text(${jsonbLiteral(CARRIED)}))) AS load
      FROM crew c WHERE c.active AND (${anyRegion ? 'true' : 'false'} OR c.region IN (SELECT jsonb_array_elements_text(${jsonbLiteral(known)})))
      ORDER BY c.id FOR UPDATE OF c
    )
    SELECT (SELECT coalesce(json_agg(crews ORDER BY id), '[]') FROM crews) AS crews,
           (SELECT json_object_agg(code, required_skill) FROM work_order_type) AS skills,
           (SELECT coalesce(json_agg(nextval(pg_get_serial_sequence('work_order', 'id'))), '[]') FROM generate_series(1, ${Math.trunc(raises)})) AS ids`;
}

/**
 * The second trip's statement for the alarms raised (all valid, or it throws and writes nothing), from the first
 * trip's row. `committed` gets the statement's rows once the COMMIT is through and tells this process's listeners
 * about the orders it opened.
 */
export function alarmOrdersStatement(alarms: AlarmForOrder[], first: AlarmOrderCrews): { statement: string | undefined; committed: (rows: Array<{ opened: number[] }>) => void } {
  const inputs = alarms.map(checkAlarm);
  if (!inputs.length) return { statement: undefined, committed: () => undefined };
  if (inputs.length > first.ids.length) throw new Error(`alarm orders: ${inputs.length} alarms raised, ids reserved for ${first.ids.length}`);
  const orders = inputs.map((i, n) => {
    const skill = first.skills[i.type];
    const crew = skill === undefined ? undefined : chooseCrew(first.crews, { region: i.region ?? null, skill });
    if (crew) crew.load++;
    return { id: first.ids[n], ...i, region: i.region ?? null, crew };
  });
  const routed = orders.filter((o) => o.crew);
  const trail = [
    ...orders.map((o) => ({ order_id: o.id, kind: 'created', from_status: null, to_status: 'open', crew_id: null, text: `alarm ${o.sourceRef}` })),
    ...routed.map((o) => ({ order_id: o.id, kind: 'assignment', from_status: 'open', to_status: 'assigned', crew_id: o.crew!.id, text: 'routed' })),
  ];
  const events = [
    ...orders.map((o) => ({ kind: 'created' as const, orderId: o.id, type: o.type, status: 'open', region: o.region, crew: null })),
    ...routed.map((o) => ({ kind: 'assigned' as const, orderId: o.id, type: o.type, status: 'assigned', region: o.region, crew: o.crew!.code })),
  ];
  const changes = new Changes();
  const payloads = changes.recordMany(events);
  const values = {
    orders: orders.map((o) => ({
      id: o.id, type: o.type, priority: o.priority, ref: o.sourceRef, serial: o.meterSerial ?? null, meter_id: o.meterId ?? null, region: o.region,
      descr: o.description, clock: o.clockFrom.toISOString(), crew: o.crew?.id ?? null,
    })),
    trail: trail.map((t, n) => ({ ...t, n })),
    feed: events.map((e, n) => ({ order_id: e.orderId, text: payloads[n], n })),
  };
  // CTE rows count only when read: the last SELECT reads the feed's, so its NOTIFYs are sent.
  const statement = `WITH v AS (SELECT ${jsonbLiteral(values)} AS j),
    ins AS (
      INSERT INTO work_order (id, type, priority, source, source_ref, meter_serial, meter_id, region, description, sla_due_at, crew_id, status)
      OVERRIDING SYSTEM VALUE
      SELECT x.id, x.type, x.priority, 'alarm', x.ref, x.serial, x.meter_id, x.region, x.descr, x.clock + t.sla_hours * interval '1 hour',
             x.crew, CASE WHEN x.crew IS NULL THEN 'open' ELSE 'assigned' END
      FROM v, jsonb_to_recordset(v.j->'orders') AS x(id bigint, type text, priority text, ref text, serial text, meter_id int, region text, descr text, clock timestamptz, crew bigint)
      JOIN work_order_type t ON t.code = x.type ORDER BY x.id
      ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
      RETURNING id
    ), trail AS (
      INSERT INTO work_order_event (order_id, kind, actor, from_status, to_status, crew_id, text)
      SELECT e.order_id, e.kind, '${ROUTED_BY}', e.from_status, e.to_status, e.crew_id, e.text
      FROM v, jsonb_to_recordset(v.j->'trail') AS e(order_id bigint, kind text, from_status text, to_status text, crew_id bigint, text text, n int)
      WHERE e.order_id IN (SELECT id FROM ins) ORDER BY e.n
    ), feed AS (
      SELECT pg_notify('${FEED_CHANNEL}', f.text)
      FROM v, jsonb_to_recordset(v.j->'feed') AS f(order_id bigint, text text, n int)
      WHERE f.order_id IN (SELECT id FROM ins) ORDER BY f.n
    )
    SELECT (SELECT coalesce(json_agg(id ORDER BY id), '[]') FROM ins) AS opened, (SELECT count(*) FROM feed) AS announced`;
  return {
    statement,
    committed: (rows) => changes.tell(new Set(rows[0]?.opened ?? [])),
  };
}
