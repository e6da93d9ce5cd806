/**
 * The trail of a work order: one append-only line per creation, status change, assignment, comment and photo. The
 * table refuses UPDATE and DELETE, so the history an auditor reads is the history that happened.
 */
import type pg from 'pg';
import { doerId, doerName, type Doer } from './doer.ts';

export interface Trail {
  id: number;
  at: Date;
  kind: 'created' | 'status' | 'assignment' | 'comment' | 'photo';
  actor: string;
  fromStatus: string | null;
  toStatus: string | null;
  crew: string | null;
  closingCode: string | null;
  photoId: number | null;
  text: string | null;
}

export interface TrailLine {
  orderId: number;
  kind: Trail['kind'];
  doer: Doer;
  fromStatus?: string;
  toStatus?: string;
  crewId?: number;
  closingCode?: string;
  photoId?: number;
  text?: string;
}

export async function appendEvent(c: pg.PoolClient, e: TrailLine): Promise<number> {
  const { rows } = await c.query<{ id: number }>(
    `INSERT INTO work_order_event (order_id, kind, actor_user_id, actor, from_status, to_status, crew_id, closing_code, photo_id, text)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [e.orderId, e.kind, doerId(e.doer), doerName(e.doer), e.fromStatus ?? null, e.toStatus ?? null, e.crewId ?? null, e.closingCode ?? null, e.photoId ?? null, e.text ?? null],
  );
  return rows[0].id;
}

export async function readTrail(db: pg.Pool | pg.PoolClient, orderId: number): Promise<Trail[]> {
  const { rows } = await db.query<Trail>(
    `SELECT e.id, e.at, e.kind, e.actor, e.from_status AS "fromStatus", e.to_status AS "toStatus", c.code AS crew,
            e.closing_code AS "closingCode", e.photo_id AS "photoId", e.text
     FROM work_order_event e LEFT JOIN crew c ON c.id = e.crew_id WHERE e.order_id = $1 ORDER BY e.id`,
    [orderId],
  );
  return rows;
}
