/**
 * `GET /api/v1/feed`: Server-Sent Events of the live feed for the browser (EventSource) and scripts.
 *
 * Any logged-in user may open it; each stream is served only to those holding its permission (an explicit request
 * for a stream one may not read is refused with 403). Clients must ask for `text/event-stream` (EventSource does):
 * anything else gets 406 rather than a response that never ends. A heartbeat comment every 15 s keeps proxies from
 * closing an idle stream; a client that stops reading is disconnected once 1 MB waits for it. Streams end when the
 * server closes.
 */
import { z } from 'zod';
import { AboneError } from '../../../platform/errors.ts';
import { actorOf, can } from '../../../modules/access/index.ts';
import type { App } from '../app.ts';
import type { LiveFeed } from '../../live-feed.ts';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1_000_000;

export function feedRoutes(app: App, deps: { feed: LiveFeed }): void {
  const { feed } = deps;
  // A stream never ends by itself: without this, closing the server would wait for every open browser tab.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });
  app.get(
    '/api/v1/feed',
    {
      config: { permission: 'authenticated' }, // per stream below
      schema: {
        summary: 'Live feed of alarms and work-order changes (Server-Sent Events)',
        querystring: z.object({ streams: z.string().max(200).optional().describe('comma-separated; default: every stream you may read') }),
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const known = Object.keys(feed.streams);
      const asked = req.query.streams ? req.query.streams.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const unknown = asked?.filter((s) => !known.includes(s)) ?? [];
      if (unknown.length) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: `unknown feed stream(s): ${unknown.join(', ')}; known: ${known.join(', ')}` });
      const permitted = known.filter((s) => can(actor, feed.streams[s]));
      const denied = asked?.filter((s) => !permitted.includes(s)) ?? [];
      if (denied.length) throw new AboneError('ABONE_ERR_AUTH_FORBIDDEN', { permission: denied.map((s) => feed.streams[s]).join(', ') });
      const streams = new Set(asked ?? permitted);
      if (!streams.size) throw new AboneError('ABONE_ERR_AUTH_FORBIDDEN', { permission: known.map((s) => feed.streams[s]).join(' or ') });
      if (!String(req.headers.accept ?? '').includes('text/event-stream')) throw new AboneError('ABONE_ERR_HTTP_NOT_ACCEPTABLE', { expected: 'text/event-stream' });

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`: streams ${[...streams].join(',')}\n\n`);
      let seq = 0;
      const close = () => {
        open.delete(close);
        unsubscribe();
        clearInterval(heartbeat);
        res.end();
      };
      open.add(close);
      const unsubscribe = feed.subscribe((e) => {
        if (!streams.has(e.stream)) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) return close();
        res.write(`id: ${++seq}\nevent: ${e.stream}.${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      req.raw.on('close', close);
    },
  );
}
