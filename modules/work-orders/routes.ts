/**
 * HTTP routes of work orders, crews, notices and calibrations. The guard checks the permission; the services check
 * the rest (a crew member acts only on their own crew's orders, region scopes), so every route is safe to call with
 * any id. Dispatchers (workorders.manage) use /transitions and /assignment; crews use /start, /complete, /comments
 * and /photos (a role holding both, like admin, may use either; a dispatcher there is not bound to a crew).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { loadSettings } from '../../platform/config.ts';
import { AboneError } from '../../platform/errors.ts';
import { actorOf } from '../access/index.ts';
import { assignOrder, AssignSchema, CrewCode } from './assignment.ts';
import { CalibrationSchema, listCalibrations, recordCalibration, type MeterFacts } from './calibration.ts';
import { CrewChangeSchema, createCrew, listCrews, NewCrewSchema, updateCrew } from './crews.ts';
import type { CallContext } from './doer.ts';
import { ClosingCode, transition, TransitionSchema } from './lifecycle.ts';
import { addComment, addPhoto, CommentSchema, listPhotos, PhotoSchema, readPhoto } from './notes.ts';
import { createNotice, NoticeSchema } from './notices.ts';
import { createOrder, FreeText, listOrders, NewOrderSchema, OrderFilterSchema, readOrder, Region, Serial } from './orders.ts';
import { workOrderSettings } from './settings.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ById = z.object({ id: Id });
const Note = z.object({ note: FreeText(2000).optional() });
// A notice's body holds the reporter's phone: the request log names the path only (it never logs bodies anyway).
const pathOnly = { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }) };

export function workOrderRoutes(app: App, deps: { pool: pg.Pool; meters: MeterFacts }): void {
  const { pool, meters } = deps;
  const settings = loadSettings(workOrderSettings);
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });

  app.get(
    '/api/v1/work-orders',
    { config: { permission: 'workorders.read' }, schema: { summary: 'Work orders, newest first, filtered by region, status, type, crew or SLA breach (page with ?before=<id>)', querystring: OrderFilterSchema } },
    async (req) => ({ items: await listOrders(pool, req.query, actorOf(req)) }),
  );

  app.get(
    '/api/v1/work-orders/:id',
    { config: { permission: 'workorders.read' }, schema: { summary: 'A work order with its SLA state, trail and photo list', params: ById } },
    async (req) => ({ ...(await readOrder(pool, req.params.id, actorOf(req))), photos: await listPhotos(pool, req.params.id) }),
  );

  app.get(
    '/api/v1/work-orders/:id/photos/:photoId',
    { config: { permission: 'workorders.read' }, schema: { summary: 'The bytes of one photo of a work order', params: z.object({ id: Id, photoId: Id }) } },
    async (req, reply) => {
      await readOrder(pool, req.params.id, actorOf(req)); // existence and region scope
      const photo = await readPhoto(pool, req.params.id, req.params.photoId);
      if (!photo) throw new AboneError('ABONE_ERR_WORKORDER_NOT_FOUND', { id: `${req.params.id} photo ${req.params.photoId}` });
      return reply.type(photo.contentType).send(photo.bytes);
    },
  );

  app.post(
    '/api/v1/work-orders',
    { config: { permission: 'workorders.manage' }, schema: { summary: 'Open a work order (routed to a crew at once unless route=false)', body: NewOrderSchema } },
    async (req, reply) => reply.status(201).send(await createOrder(pool, req.body, ctx(req))),
  );

  app.post(
    '/api/v1/work-orders/:id/assignment',
    { config: { permission: 'workorders.manage' }, schema: { summary: 'Assign or reassign to a named crew, or by the routing rule when crew is omitted; a reassignment needs a reason', params: ById, body: AssignSchema } },
    async (req) => assignOrder(pool, req.params.id, req.body, ctx(req)),
  );

  app.post(
    '/api/v1/work-orders/:id/transitions',
    { config: { permission: 'workorders.manage' }, schema: { summary: 'Move a work order to another status allowed by the lifecycle table (completed needs a closing code)', params: ById, body: TransitionSchema } },
    async (req) => transition(pool, req.params.id, req.body, ctx(req), 'manage'),
  );

  app.post(
    '/api/v1/work-orders/:id/start',
    { config: { permission: 'workorders.field' }, schema: { summary: 'Start (or resume) work on an order of my crew', params: ById, body: Note.optional() } },
    async (req) => transition(pool, req.params.id, { to: 'in_progress', note: req.body?.note }, ctx(req), 'field'),
  );

  app.post(
    '/api/v1/work-orders/:id/complete',
    { config: { permission: 'workorders.field' }, schema: { summary: 'Complete an order of my crew with a closing code', params: ById, body: Note.extend({ closingCode: ClosingCode.optional() }) } },
    async (req) => transition(pool, req.params.id, { to: 'completed', closingCode: req.body.closingCode, note: req.body.note }, ctx(req), 'field'),
  );

  app.post(
    '/api/v1/work-orders/:id/comments',
    { config: { permission: 'workorders.field' }, schema: { summary: 'Comment on an order of my crew', params: ById, body: CommentSchema } },
    async (req, reply) => reply.status(201).send(await addComment(pool, req.params.id, req.body.text, ctx(req))),
  );

  app.post(
    '/api/v1/work-orders/:id/photos',
    {
      config: { permission: 'workorders.field' },
      // base64 is 4/3 of the bytes; the service checks the decoded size against the setting.
      bodyLimit: Math.ceil((settings.photoMaxBytes * 4) / 3) + 64 * 1024,
      schema: { summary: `Attach a photo (JPEG, PNG or WebP, base64, at most ${settings.photoMaxBytes} bytes) to an order of my crew`, params: ById, body: PhotoSchema },
    },
    async (req, reply) => reply.status(201).send(await addPhoto(pool, req.params.id, req.body, settings.photoMaxBytes, ctx(req))),
  );

  app.get(
    '/api/v1/crews',
    { config: { permission: 'workorders.read' }, schema: { summary: 'Crews with region, skills, capacity, members and current load', querystring: z.object({ region: Region.optional() }) } },
    async (req) => ({ items: await listCrews(pool, actorOf(req), req.query.region) }),
  );

  app.post(
    '/api/v1/crews',
    { config: { permission: 'workorders.manage' }, schema: { summary: 'Create a crew (members are user ids)', body: NewCrewSchema } },
    async (req, reply) => reply.status(201).send(await createCrew(pool, req.body, ctx(req))),
  );

  app.patch(
    '/api/v1/crews/:code',
    { config: { permission: 'workorders.manage' }, schema: { summary: 'Change a crew: name, skills, capacity, active, or its whole member list', params: z.object({ code: CrewCode }), body: CrewChangeSchema } },
    async (req) => updateCrew(pool, req.params.code, req.body, ctx(req)),
  );

  app.post(
    '/api/v1/notices',
    { config: { permission: 'notices.create' }, logSerializers: pathOnly, schema: { summary: 'Take a call-centre notice (ihbar); opens a routed work order; the phone is answered masked', body: NoticeSchema } },
    async (req, reply) => reply.status(201).send(await createNotice(pool, req.body, ctx(req))),
  );

  app.post(
    '/api/v1/calibrations',
    { config: { permission: 'calibration.record' }, schema: { summary: 'Record a calibration; a failed one opens a meter replacement order in the same transaction', body: CalibrationSchema } },
    async (req, reply) => reply.status(201).send(await recordCalibration(pool, meters, req.body, ctx(req))),
  );

  app.get(
    '/api/v1/calibrations',
    { config: { permission: 'workorders.read' }, schema: { summary: 'Calibrations of a meter, newest first', querystring: z.object({ meter: Serial }) } },
    async (req) => ({ items: await listCalibrations(pool, req.query.meter) }),
  );
}
