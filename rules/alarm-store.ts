/**
 * Alarms in the database. The engine's transitions arrive in batches and are applied in one round trip
 * (`alarm_apply`, migration 0008) inside one transaction: a batch of a thousand transitions costs one statement, and
 * the ingest path never waits for it. A batch that raises may carry another context's work in the same transaction
 * (`AlarmWriteHook`). Operators acknowledge and clear through the API; escalation is a periodic statement. Every
 * change is published on `alarmChanges$` after its transaction commits.
 */
import type pg from 'pg';
import { AboneError, isTransient } from '../platform/errors.ts';
import { escapeLiteral, transactionInTwoTrips, withTransaction } from '../platform/db/pool.ts';
import { contextLogger } from '../platform/logger.ts';
import { actorName, audit, type Actor } from '../modules/access/index.ts';
import { publishAlarmChanges, toAlarm, type Alarm, type AlarmChange, type AlarmChangeKind } from './alarm.ts';
import type { MeterLookup, Transition } from './engine.ts';
import type { Severity } from './rule-language.ts';

const log = contextLogger('rules');

/**
 * Work of another context that commits with a raising alarm write (the composition root opens the raised alarms'
 * work orders here), in the write's own two round trips, whose replies wait behind the head-end's busy event loop:
 * - `before` goes with BEGIN and alarm_apply, to read or lock what the work needs; it sees the raise transitions (not
 *   yet which of them are new alarms and which repeats);
 * - `decide` gets the changes and `before`'s rows and returns the statement that goes with COMMIT, and `committed`,
 *   run after the COMMIT (once the alarm changes are published) with that statement's rows.
 * Statements are text with their values inlined (`escapeLiteral`, `jsonbLiteral`): they travel in simple queries.
 */
export interface AlarmWriteHook {
  before(raises: Transition[], meter: MeterLookup): string | undefined;
  decide(changes: AlarmChange[], before: any[] | undefined, meter: MeterLookup): AlarmWriteDecision | Promise<AlarmWriteDecision>;
}
export interface AlarmWriteDecision {
  statement?: string;
  committed?: (rows: any[]) => void;
}

export async function applyTransitions(pool: pg.Pool, transitions: Transition[], holdoffSeconds: number, along?: { hook: AlarmWriteHook; meter: MeterLookup }): Promise<AlarmChange[]> {
  if (!transitions.length) return [];
  const payload = JSON.stringify(transitions.map((t) => ({ ...t, at: new Date(t.at).toISOString() })));
  const raises = transitions.filter((t) => t.kind === 'raise');
  // Only a raise can open something; a batch of clears stays one statement.
  if (along && raises.length) {
    // One view of each meter for the whole write: a directory reload between the trips must not move a meter's region
    // away from the crews its first trip locked.
    const known = new Map<number, ReturnType<MeterLookup>>();
    const meter: MeterLookup = (id) => (known.has(id) ? known.get(id) : known.set(id, along.meter(id)).get(id));
    let written: { result: { changes: AlarmChange[]; committed?: (rows: any[]) => void }; rows: any[][] } | undefined;
    try {
      const before = along.hook.before(raises, meter);
      const apply = `SELECT change, alarm FROM alarm_apply(${escapeLiteral(payload)}::jsonb, make_interval(secs => ${Math.trunc(holdoffSeconds)}))`;
      written = await transactionInTwoTrips(pool, before ? [apply, before] : [apply], async ([applied, read]) => {
        const changes = toChanges(applied);
        const { statement, committed } = await along.hook.decide(changes, read, meter);
        return { statements: statement ? [statement] : [], result: { changes, committed } };
      });
    } catch (err) {
      if (isTransient(err)) throw err; // the caller retries the whole write
      // The hook's work refused (a bug, bad data): the alarms must not wait for it. They are written alone and
      // published, so what listens to alarm changes takes them the way it takes the API's.
      log.warn({ err: (err as Error).message, transitions: transitions.length }, 'work along the alarm write failed; the alarms are written alone');
    }
    if (written) {
      // Outside the try: once committed, nothing may send the write again.
      publishAlarmChanges(written.result.changes);
      written.result.committed?.(written.rows[0] ?? []);
      return written.result.changes;
    }
  }
  const changes = await alarmApply(pool, payload, holdoffSeconds);
  publishAlarmChanges(changes);
  return changes;
}

async function alarmApply(db: pg.Pool | pg.PoolClient, payload: string, holdoffSeconds: number): Promise<AlarmChange[]> {
  const { rows } = await db.query(`SELECT change, alarm FROM alarm_apply($1::jsonb, make_interval(secs => $2))`, [payload, holdoffSeconds]);
  return toChanges(rows);
}

const toChanges = (rows: Array<Record<string, any>>): AlarmChange[] => rows.map((r) => ({ change: r.change as AlarmChangeKind, alarm: toAlarm(r.alarm) }));

/** Escalates active, unacknowledged alarms open longer than their severity allows. */
export async function escalateAlarms(pool: pg.Pool, minutes: Record<Severity, number>): Promise<AlarmChange[]> {
  const { rows } = await pool.query(
    `UPDATE alarm a SET escalated_at = now(), updated_at = now()
     FROM unnest($1::text[], $2::int[]) AS limits(severity, minutes)
     WHERE a.active AND NOT a.acknowledged AND a.escalated_at IS NULL AND a.severity = limits.severity
       AND a.opened_at <= now() - make_interval(mins => limits.minutes)
     RETURNING a.*`,
    [Object.keys(minutes), Object.values(minutes)],
  );
  const changes = rows.map((r) => ({ change: 'escalated' as const, alarm: toAlarm(r) }));
  publishAlarmChanges(changes);
  return changes;
}

export interface CallContext {
  actor: Actor;
  correlationId?: string;
  ip?: string;
}

async function operate(pool: pg.Pool, id: number, ctx: CallContext, action: 'acknowledge' | 'clear'): Promise<Alarm> {
  const name = actorName(ctx.actor);
  const changed = await withTransaction(pool, async (client) => {
    const { rows: found } = await client.query('SELECT active, acknowledged FROM alarm WHERE id = $1 FOR UPDATE', [id]);
    if (!found.length) throw new AboneError('ABONE_ERR_RULES_ALARM_NOT_FOUND', { id });
    if (action === 'clear' && !found[0].active) throw new AboneError('ABONE_ERR_RULES_ALARM_NOT_ACTIVE', { id });
    if (action === 'acknowledge' && found[0].acknowledged) return undefined; // already acknowledged: nothing changes
    const { rows } = await client.query(
      action === 'acknowledge'
        ? `UPDATE alarm SET acknowledged = true, acknowledged_at = now(), acknowledged_by = $2, updated_at = now() WHERE id = $1 RETURNING *`
        : `UPDATE alarm SET active = false, cleared_at = now(), cleared_by = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, name],
    );
    await audit(client, ctx.actor, { action: `alarm.${action}`, entity: 'alarm', entityId: id, correlationId: ctx.correlationId, ip: ctx.ip });
    return toAlarm(rows[0]);
  });
  if (!changed) return (await getAlarm(pool, id))!;
  publishAlarmChanges([{ change: action === 'acknowledge' ? 'acknowledged' : 'cleared', alarm: changed }]);
  return changed;
}

export const acknowledgeAlarm = (pool: pg.Pool, id: number, ctx: CallContext) => operate(pool, id, ctx, 'acknowledge');
export const clearAlarm = (pool: pg.Pool, id: number, ctx: CallContext) => operate(pool, id, ctx, 'clear');

export async function getAlarm(pool: pg.Pool, id: number): Promise<Alarm | undefined> {
  const { rows } = await pool.query('SELECT a.*, m.serial FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE a.id = $1', [id]);
  return rows.length ? toAlarm(rows[0]) : undefined;
}

export interface AlarmFilter {
  state?: 'active' | 'cleared' | 'unacknowledged' | 'acknowledged';
  meter?: string; // serial
  type?: string;
  limit: number;
  before?: number; // id: pages newest first
}

export async function listAlarms(pool: pg.Pool, f: AlarmFilter): Promise<Alarm[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.state === 'active') where.push('a.active');
  if (f.state === 'cleared') where.push('NOT a.active');
  if (f.state === 'unacknowledged') where.push('NOT a.acknowledged');
  if (f.state === 'acknowledged') where.push('a.acknowledged');
  if (f.meter !== undefined) where.push(`m.serial = $${params.push(f.meter)}`);
  if (f.type !== undefined) where.push(`a.type = $${params.push(f.type)}`);
  if (f.before !== undefined) where.push(`a.id < $${params.push(f.before)}`);
  const { rows } = await pool.query(
    `SELECT a.*, m.serial FROM alarm a JOIN meter m ON m.id = a.meter_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY a.id DESC LIMIT $${params.push(f.limit)}`,
    params,
  );
  return rows.map(toAlarm);
}

/** `${meterId}|${type}` of every active alarm: seeds the engine at start so it can clear what is up. */
export async function activeAlarmKeys(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ k: string }>(`SELECT meter_id || '|' || type AS k FROM alarm WHERE active`);
  return rows.map((r) => r.k);
}
