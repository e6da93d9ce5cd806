/**
 * `POST /api/v1/meters/:serial/readings` and `/events`: the same payload as MQTT (docs/ingest.md), over HTTP, for
 * integrations that cannot hold an MQTT connection (Node-RED flows, an ERP, hand-entered reads). Unlike a device's
 * MQTT message, a request is answered: it is refused whole, with each problem listed, or stored whole before the
 * answer (the same pipeline, the same commit). Only a process that runs ingest can take readings.
 */
import { z } from 'zod';
import { AboneError } from '../../../platform/errors.ts';
import type { App } from '../app.ts';
import type { DeviceRegistry, IngestPipeline } from '../../../headend/index.ts';
import { parseMqttMessage, topicFor, type PayloadLimits } from '../../../collectors/mqtt/index.ts';

const Serial = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export function readingRoutes(app: App, deps: { registry: DeviceRegistry; pipeline?: IngestPipeline; limits: PayloadLimits }): void {
  for (const kind of ['readings', 'events'] as const) {
    app.post(
      `/api/v1/meters/:serial/${kind}`,
      {
        config: { permission: 'readings.write' },
        bodyLimit: deps.limits.maxBytes,
        schema: {
          summary: kind === 'readings' ? 'Store a batch of readings of one meter (the MQTT payload schema)' : 'Store a batch of meter events (the MQTT payload schema)',
          params: z.object({ serial: Serial }),
          body: z.record(z.string(), z.unknown()),
        },
      },
      async (req, reply) => {
        const { pipeline } = deps;
        if (!pipeline) throw new AboneError('ABONE_ERR_HEADEND_INGEST_NOT_HERE');
        await deps.registry.get(req.params.serial); // 404 for an unknown meter
        // Serialised again so the one payload parser (limits, schema, reasons) is the MQTT one; an integration route's
        // batches are small, and a second parser for HTTP would drift from it.
        const message = parseMqttMessage(topicFor(req.params.serial, kind), Buffer.from(JSON.stringify(req.body)), deps.limits);
        if (message.rejection) throw new AboneError('ABONE_ERR_HEADEND_PAYLOAD_REFUSED', { problems: `${message.rejection.reason}: ${message.rejection.detail}` });
        const refused = await pipeline.refusals(message.envelopes);
        if (refused.length) {
          const problems = refused.slice(0, 20).map((r) => `${kind}[${r.index}] ${r.reason}: ${r.detail}`).join('; ');
          throw new AboneError('ABONE_ERR_HEADEND_PAYLOAD_REFUSED', { problems: refused.length > 20 ? `${problems}; and ${refused.length - 20} more` : problems });
        }
        await pipeline.submit({ ...message, source: 'http' });
        return reply.code(201).send({ stored: message.envelopes.length });
      },
    );
  }
}
