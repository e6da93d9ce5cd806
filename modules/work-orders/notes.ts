/**
 * Comments and photos on an order's trail. A photo is stored whole (bytea) with its SHA-256; its type is read from
 * its first bytes, not taken from the sender, so a file that is not a JPEG, PNG or WebP image is refused.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { CallContext } from './doer.ts';
import { changeTransaction } from './events.ts';
import { FreeText } from './orders.ts';
import { auditingRefusal, reachOrder } from './reach.ts';
import { appendEvent } from './trail.ts';

export const CommentSchema = z.object({ text: FreeText(2000) });
export const PhotoSchema = z.object({
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']).optional(),
  dataBase64: z.string().min(4).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
  caption: FreeText(500).optional(),
});
export type PhotoInput = z.infer<typeof PhotoSchema>;

export interface PhotoMeta {
  id: number;
  orderId: number;
  contentType: string;
  sha256: string;
  sizeBytes: number;
  at: Date;
}

export async function addComment(pool: pg.Pool, id: number, text: string, ctx: CallContext): Promise<{ trailId: number }> {
  return auditingRefusal(pool, ctx, 'workorder.comment', id, () =>
    changeTransaction(pool, async (c, changes) => {
      const { order } = await reachOrder(c, id, ctx, 'field');
      const trailId = await appendEvent(c, { orderId: id, kind: 'comment', doer: ctx.actor, text });
      await changes.add(c, { kind: 'comment', orderId: id, type: order.type, status: order.status, region: order.region, crew: order.crew });
      return { trailId };
    }),
  );
}

/** The image type by its magic bytes, or undefined. */
export function sniffImage(bytes: Buffer): PhotoMeta['contentType'] | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export async function addPhoto(pool: pg.Pool, id: number, input: PhotoInput, maxBytes: number, ctx: CallContext): Promise<PhotoMeta> {
  const bytes = Buffer.from(input.dataBase64, 'base64');
  if (bytes.length > maxBytes) throw new AboneError('ABONE_ERR_WORKORDER_PHOTO_INVALID', { reason: `${bytes.length} bytes, more than the ${maxBytes} allowed` });
  const type = sniffImage(bytes);
  if (!type) throw new AboneError('ABONE_ERR_WORKORDER_PHOTO_INVALID', { reason: 'not a JPEG, PNG or WebP image' });
  if (input.contentType && input.contentType !== type) throw new AboneError('ABONE_ERR_WORKORDER_PHOTO_INVALID', { reason: `declared ${input.contentType} but the bytes are ${type}` });
  const sha256 = createHash('sha256').update(bytes).digest();
  return auditingRefusal(pool, ctx, 'workorder.photo', id, () =>
    changeTransaction(pool, async (c, changes) => {
      const { order } = await reachOrder(c, id, ctx, 'field');
      const { rows } = await c.query<PhotoMeta & { sha256: Buffer }>(
        `INSERT INTO work_order_photo (order_id, content_type, sha256, size_bytes, bytes) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, order_id AS "orderId", content_type AS "contentType", sha256, size_bytes AS "sizeBytes", at`,
        [id, type, sha256, bytes.length, bytes],
      );
      await appendEvent(c, { orderId: id, kind: 'photo', doer: ctx.actor, photoId: rows[0].id, text: input.caption });
      await changes.add(c, { kind: 'photo', orderId: id, type: order.type, status: order.status, region: order.region, crew: order.crew });
      return { ...rows[0], sha256: rows[0].sha256.toString('hex') };
    }),
  );
}

export async function listPhotos(db: pg.Pool, orderId: number): Promise<PhotoMeta[]> {
  const { rows } = await db.query(
    `SELECT id, order_id AS "orderId", content_type AS "contentType", encode(sha256, 'hex') AS sha256, size_bytes AS "sizeBytes", at
     FROM work_order_photo WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
  return rows;
}

export async function readPhoto(db: pg.Pool, orderId: number, photoId: number): Promise<{ contentType: string; bytes: Buffer } | undefined> {
  const { rows } = await db.query('SELECT content_type AS "contentType", bytes FROM work_order_photo WHERE order_id = $1 AND id = $2', [orderId, photoId]);
  return rows[0];
}
