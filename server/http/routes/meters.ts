/** Meters, their latest values and their series at raw/hour/day/month resolution (served from rollups). */
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../app.ts';
import { AboneError } from '../../../platform/errors.ts';
import { actorOf, audit } from '../../../modules/access/index.ts';
import { CHANNEL_BY_CODE, CHANNEL_BY_ID, querySeries, RESOLUTIONS, type DeviceRegistry } from '../../../headend/index.ts';

const Serial = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export function meterRoutes(app: App, deps: { pool: pg.Pool; registry: DeviceRegistry }): void {
  const { pool, registry } = deps;

  app.get(
    '/api/v1/meters',
    {
      config: { permission: 'meters.read' },
      schema: {
        summary: 'List meters',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0), commodity: z.enum(['gas', 'water', 'electricity']).optional() }),
      },
    },
    async (req) => {
      const { limit, offset, commodity } = req.query;
      const { rows } = await pool.query(
        `SELECT m.serial, mm.code AS model, m.commodity, m.status, m.created_at AS "createdAt"
         FROM meter m JOIN meter_model mm ON mm.id = m.model_id
         WHERE ($3::text IS NULL OR m.commodity = $3) ORDER BY m.serial LIMIT $1 OFFSET $2`,
        [limit, offset, commodity ?? null],
      );
      const { rows: total } = await pool.query('SELECT count(*) AS n FROM meter WHERE ($1::text IS NULL OR commodity = $1)', [commodity ?? null]);
      return { total: total[0].n, items: rows };
    },
  );

  app.get('/api/v1/meters/:serial', { config: { permission: 'meters.read' }, schema: { summary: 'One meter with the channels its model reports', params: z.object({ serial: Serial }) } }, async (req) => {
    const meter = await registry.get(req.params.serial);
    const { rows } = await pool.query(`SELECT code, register_digits AS "registerDigits", register_decimals AS "registerDecimals" FROM meter_model WHERE id = $1`, [meter.modelId]);
    return {
      serial: meter.serial,
      model: rows[0]?.code,
      commodity: meter.commodity,
      status: meter.status,
      registerDigits: rows[0]?.registerDigits,
      channels: [...meter.channelIds].map((id) => CHANNEL_BY_ID.get(id)!).map((c) => ({ code: c.code, kind: c.kind, unit: c.unit })),
    };
  });

  app.get('/api/v1/meters/:serial/latest', { config: { permission: 'meters.read' }, schema: { summary: 'Latest value of each channel of a meter', params: z.object({ serial: Serial }) } }, async (req) => {
    const meter = await registry.get(req.params.serial);
    const { rows } = await pool.query(
      `SELECT c.code AS channel, c.unit, r.ts, r.value, r.received_at AS "receivedAt"
       FROM unnest($2::smallint[]) AS ch(id) JOIN channel c ON c.id = ch.id
       CROSS JOIN LATERAL (SELECT ts, value, received_at FROM reading WHERE meter_id = $1 AND channel_id = ch.id ORDER BY ts DESC LIMIT 1) r
       ORDER BY c.id`,
      [meter.id, [...meter.channelIds]],
    );
    return { serial: meter.serial, channels: rows };
  });

  app.get(
    '/api/v1/meters/:serial/series',
    {
      config: { permission: 'meters.read' },
      schema: {
        summary: 'A channel of a meter over time; hour/day/month come from rollups (days and months are Europe/Istanbul)',
        params: z.object({ serial: Serial }),
        querystring: z.object({
          channel: z.string().max(32),
          resolution: z.enum(RESOLUTIONS).default('hour'),
          from: z.iso.datetime({ offset: true }),
          to: z.iso.datetime({ offset: true }),
          limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
        }),
      },
    },
    async (req) => {
      const { channel, resolution, from, to, limit } = req.query;
      const ch = CHANNEL_BY_CODE.get(channel);
      if (!ch) throw new AboneError('ABONE_ERR_HEADEND_CHANNEL_UNKNOWN', { channel });
      const fromDate = new Date(from);
      const toDate = new Date(to);
      if (!(fromDate < toDate)) throw new AboneError('ABONE_ERR_HEADEND_RANGE_INVALID', { detail: 'from must be before to' });
      const meter = await registry.get(req.params.serial);
      const { rows: model } = await pool.query('SELECT register_digits FROM meter_model WHERE id = $1', [meter.modelId]);
      const points = await querySeries(pool, { meterId: meter.id, channel: ch, resolution, from: fromDate, to: toDate, limit, registerDigits: model[0]?.register_digits });
      return { serial: meter.serial, channel: ch.code, unit: ch.unit, kind: ch.kind, resolution, points };
    },
  );

  app.get(
    '/api/v1/dead-letters',
    {
      config: { permission: 'ingest.dead_letters.read' },
      schema: {
        summary: 'Recently rejected payloads with their reason (raw bytes are not returned, only size and SHA-256)',
        querystring: z.object({ reason: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (req) => {
      const { rows } = await pool.query(
        `SELECT id, received_at AS "receivedAt", source, topic, reason, detail, raw_size AS "rawSize", encode(raw_sha256, 'hex') AS "rawSha256"
         FROM dead_letter WHERE ($1::text IS NULL OR reason = $1) ORDER BY id DESC LIMIT $2`,
        [req.query.reason ?? null, req.query.limit],
      );
      return { items: rows };
    },
  );

  app.post(
    '/api/v1/meters/:serial/credentials',
    { config: { permission: 'devices.credentials' }, schema: { summary: 'Issue (or rotate) a meter\'s MQTT secret; the old one stops working; the new one is shown once', params: z.object({ serial: Serial }) } },
    async (req, reply) => {
      const secret = await registry.issueCredential(req.params.serial);
      await audit(pool, actorOf(req), { action: 'device.credential.issue', entity: 'meter', entityId: req.params.serial, correlationId: req.id, ip: req.ip });
      return reply.status(201).send({ serial: req.params.serial, username: req.params.serial, clientId: req.params.serial, password: secret });
    },
  );

  app.delete(
    '/api/v1/meters/:serial/credentials',
    { config: { permission: 'devices.credentials' }, schema: { summary: 'Revoke a meter\'s MQTT secret: it can no longer connect', params: z.object({ serial: Serial }) } },
    async (req) => {
      await registry.revokeCredential(req.params.serial);
      await audit(pool, actorOf(req), { action: 'device.credential.revoke', entity: 'meter', entityId: req.params.serial, correlationId: req.id, ip: req.ip });
      return { serial: req.params.serial, revoked: true };
    },
  );
}
