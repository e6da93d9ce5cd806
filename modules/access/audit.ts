/**
 * The audit trail. `audit_log` is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), so the utility can
 * always answer "who did what to which record, and who looked at this subscriber's personal data".
 */
import type pg from 'pg';
import { actorName, type Actor } from './actor.ts';

export interface AuditEntry {
  action: string;
  entity?: string;
  entityId?: string | number;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
  correlationId?: string;
  ip?: string;
}

export async function audit(db: pg.Pool | pg.PoolClient, actor: Actor | undefined | 'system', entry: AuditEntry): Promise<void> {
  const name = actor === 'system' ? 'system' : actorName(actor);
  const userId = actor === 'system' || !actor ? null : actor.userId;
  await db.query(
    `INSERT INTO audit_log (actor_user_id, actor, action, entity, entity_id, outcome, detail, correlation_id, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [userId, name, entry.action, entry.entity ?? null, entry.entityId === undefined ? null : String(entry.entityId), entry.outcome ?? 'ok', entry.detail ? JSON.stringify(entry.detail) : null, entry.correlationId ?? null, entry.ip ?? null],
  );
}
