/**
 * Crews (ekip): a region, the skills they hold, how many orders they carry at once, and their members (access's
 * users, by id). Skills are the `required_skill` values of `work_order_type`, so a crew can only be given skills some
 * order type asks for.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { assertScope, audit, type Actor } from '../access/index.ts';
import type { CallContext } from './doer.ts';
import { CrewCode } from './assignment.ts';
import { CARRIED } from './order-view.ts';
import { FreeText, Region } from './orders.ts';

export const NewCrewSchema = z.object({
  code: CrewCode,
  name: FreeText(200),
  region: Region,
  skills: z.array(z.string().regex(/^[a-z_]{1,32}$/)).min(1).max(20),
  capacity: z.number().int().min(1).max(1000),
  members: z.array(z.number().int().positive().max(2_147_483_647)).max(100).default([]),
});
export type NewCrew = z.input<typeof NewCrewSchema>;

export interface Crew {
  id: number;
  code: string;
  name: string;
  region: string;
  skills: string[];
  capacity: number;
  active: boolean;
  members: number[];
  load: number;
}

const CREW_COLUMNS = `c.id, c.code, c.name, c.region, c.skills, c.capacity, c.active,
  coalesce((SELECT array_agg(m.user_id ORDER BY m.user_id) FROM crew_member m WHERE m.crew_id = c.id), '{}') AS members,
  (SELECT count(*)::int FROM work_order o WHERE o.crew_id = c.id AND o.status = ANY($1::text[])) AS load`;

export async function createCrew(pool: pg.Pool, input: z.output<typeof NewCrewSchema>, ctx: CallContext): Promise<Crew> {
  assertScope(ctx.actor, 'workorders.manage', { region: input.region });
  return withTransaction(pool, async (c) => {
    await checkSkills(c, input.skills);
    const { rows } = await c.query<{ id: number }>(
      'INSERT INTO crew (code, name, region, skills, capacity) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id',
      [input.code, input.name, input.region, [...new Set(input.skills)].sort(), input.capacity],
    );
    if (!rows.length) throw new AboneError('ABONE_ERR_WORKORDER_CREW_EXISTS', { crew: input.code });
    await c.query('INSERT INTO crew_member (crew_id, user_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', [rows[0].id, input.members]);
    await audit(c, ctx.actor, { action: 'crew.create', entity: 'crew', entityId: input.code, detail: { region: input.region, skills: input.skills, capacity: input.capacity, members: input.members }, correlationId: ctx.correlationId, ip: ctx.ip });
    return (await readCrews(c, { code: input.code }))[0];
  });
}

export const CrewChangeSchema = z
  .object({
    name: FreeText(200).optional(),
    skills: NewCrewSchema.shape.skills.optional(),
    capacity: NewCrewSchema.shape.capacity.optional(),
    active: z.boolean().optional(),
    /** The whole member list (replaces the old one). */
    members: z.array(z.number().int().positive().max(2_147_483_647)).max(100).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'nothing to change' });
export type CrewChange = z.infer<typeof CrewChangeSchema>;

/**
 * Changes a crew. Lowering the capacity below what the crew carries, or deactivating it, takes no order away: it
 * only stops routing from giving it more; a dispatcher reassigns what should move.
 */
export async function updateCrew(pool: pg.Pool, code: string, change: CrewChange, ctx: CallContext): Promise<Crew> {
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ id: number; region: string }>('SELECT id, region FROM crew WHERE code = $1 FOR UPDATE', [code]);
    if (!rows.length) throw new AboneError('ABONE_ERR_WORKORDER_CREW_NOT_FOUND', { crew: code });
    assertScope(ctx.actor, 'workorders.manage', { region: rows[0].region });
    if (change.skills) await checkSkills(c, change.skills);
    await c.query(
      `UPDATE crew SET name = coalesce($2, name), skills = coalesce($3, skills), capacity = coalesce($4, capacity), active = coalesce($5, active) WHERE id = $1`,
      [rows[0].id, change.name ?? null, change.skills ? [...new Set(change.skills)].sort() : null, change.capacity ?? null, change.active ?? null],
    );
    if (change.members) {
      await c.query('DELETE FROM crew_member WHERE crew_id = $1', [rows[0].id]);
      await c.query('INSERT INTO crew_member (crew_id, user_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', [rows[0].id, change.members]);
    }
    await audit(c, ctx.actor, { action: 'crew.update', entity: 'crew', entityId: code, detail: change, correlationId: ctx.correlationId, ip: ctx.ip });
    return (await readCrews(c, { code }))[0];
  });
}

async function checkSkills(c: pg.PoolClient, skills: string[]): Promise<void> {
  const { rows: known } = await c.query<{ skill: string }>('SELECT DISTINCT required_skill AS skill FROM work_order_type');
  const unknown = skills.filter((s) => !known.some((k) => k.skill === s));
  if (unknown.length) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: `skills: unknown ${unknown.join(', ')} (known: ${known.map((k) => k.skill).sort().join(', ')})` });
}

/** Crews with their members and current load; a region-limited reader sees its regions' crews only. */
export async function listCrews(pool: pg.Pool, actor: Actor, region?: string): Promise<Crew[]> {
  assertScope(actor, 'workorders.read', {});
  const regions = actor.permissions.get('workorders.read')!.regions;
  return readCrews(pool, { region, regions: regions && [...regions] });
}

async function readCrews(db: pg.Pool | pg.PoolClient, f: { code?: string; region?: string; regions?: string[] | null }): Promise<Crew[]> {
  const { rows } = await db.query<Crew>(
    `SELECT ${CREW_COLUMNS} FROM crew c WHERE ($2::text IS NULL OR c.code = $2) AND ($3::text IS NULL OR c.region = $3) AND ($4::text[] IS NULL OR c.region = ANY($4)) ORDER BY c.code`,
    [CARRIED, f.code ?? null, f.region ?? null, f.regions ?? null],
  );
  return rows;
}
