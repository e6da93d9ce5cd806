/**
 * HTTP route for field devices syncing offline payments (permission `collections.field_sync`, the field crew), and
 * the administrator's route that hands a device to another crew member (permission `users.manage`).
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { withTransaction } from '../../platform/db/pool.ts';
import { actorName, actorOf, audit } from '../access/index.ts';
import { assignFieldDevice, MAX_FIELD_BATCH, syncFieldBatch } from './field-sync.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const DeviceId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1 to 64 letters, digits, _ . -');
// Items are checked one by one by the service (a bad item is refused on its own line), so the schema keeps to shape.
const Item = z.object({
  key: z.string().min(1).max(100),
  subscriptionId: z.string().max(64).optional(),
  accountId: z.number().int().positive().optional(),
  amount: z.string().max(40),
  takenAt: z.string().max(40),
  businessDate: z.string().max(10),
  note: z.string().max(200).optional(),
});

export function fieldSyncRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;

  app.post(
    '/api/v1/field-sync',
    {
      config: { permission: 'collections.field_sync' },
      schema: {
        summary: 'Sync payments taken offline on a field device; each item answers taken, replayed or refused (code). Resending a batch never double-posts.',
        body: z.object({ deviceId: DeviceId, items: z.array(Item).min(1).max(MAX_FIELD_BATCH) }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const results = await syncFieldBatch(pool, req.body, actorName(actor), (c, p) =>
        audit(c, actor, { action: 'collections.field.payment', entity: 'payment', entityId: p.id, detail: { deviceId: req.body.deviceId, reference: p.reference, accountId: p.accountId, amount: p.amount }, correlationId: req.id, ip: req.ip }));
      return { deviceId: req.body.deviceId, items: results };
    },
  );

  app.put(
    '/api/v1/field-devices/:deviceId',
    {
      config: { permission: 'users.manage' },
      schema: { summary: 'Bind a field device to a crew user (a tablet handed over); its syncs are then that user\'s only', params: z.object({ deviceId: DeviceId }), body: z.object({ username: z.string().min(1).max(64) }) },
    },
    async (req) => {
      const actor = actorOf(req);
      return withTransaction(pool, async (c) => {
        const former = await assignFieldDevice(c, req.params.deviceId, req.body.username);
        await audit(c, actor, { action: 'collections.field.device.assign', entity: 'field_device', entityId: req.params.deviceId, detail: { from: former, to: req.body.username }, correlationId: req.id, ip: req.ip });
        return { deviceId: req.params.deviceId, username: req.body.username, formerUsername: former };
      });
    },
  );
}
