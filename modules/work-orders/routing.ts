/**
 * Routing in the database: the candidate crews are read with their current load and locked (in id order, so two
 * routings never deadlock), so two orders routed at the same moment queue and the second sees the first's load.
 */
import type pg from 'pg';
import { chooseCrew, unfitReason, type CrewCandidate, type RoutingNeed } from './crew-choice.ts';
import { CARRIED, type WorkOrder } from './order-view.ts';

const CANDIDATE_COLUMNS = `c.id, c.code, c.region, c.skills, c.capacity, c.active,
  (SELECT count(*)::int FROM work_order o WHERE o.crew_id = c.id AND o.status = ANY($1::text[]) AND o.id <> $2) AS load`;

export async function needOf(c: pg.PoolClient, order: Pick<WorkOrder, 'type' | 'region'>): Promise<RoutingNeed> {
  const { rows } = await c.query<{ required_skill: string }>('SELECT required_skill FROM work_order_type WHERE code = $1', [order.type]);
  return { region: order.region, skill: rows[0].required_skill };
}

/** The crew an order goes to, or undefined when none fits; `except` leaves out the crew it is taken from. */
export async function routeOrder(c: pg.PoolClient, order: Pick<WorkOrder, 'id' | 'type' | 'region'>, except?: number): Promise<CrewCandidate | undefined> {
  const need = await needOf(c, order);
  const { rows } = await c.query<CrewCandidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM crew c
     WHERE c.active AND ($3::text IS NULL OR c.region = $3) AND $4 = ANY(c.skills) AND c.id IS DISTINCT FROM $5
     ORDER BY c.id FOR UPDATE OF c`,
    [CARRIED, order.id, need.region, need.skill, except ?? null],
  );
  return chooseCrew(rows, need);
}

/** A crew named by hand, locked, with the reason it cannot take the order (if any). */
export async function checkCrew(c: pg.PoolClient, order: Pick<WorkOrder, 'id' | 'type' | 'region'>, code: string): Promise<{ crew?: CrewCandidate; unfit?: string }> {
  const need = await needOf(c, order);
  const { rows } = await c.query<CrewCandidate>(`SELECT ${CANDIDATE_COLUMNS} FROM crew c WHERE c.code = $3 FOR UPDATE OF c`, [CARRIED, order.id, code]);
  if (!rows.length) return {};
  return { crew: rows[0], unfit: unfitReason(rows[0], need) };
}
