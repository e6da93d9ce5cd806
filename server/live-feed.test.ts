/**
 * The live feed end to end: an announcement in a committed transaction reaches Server-Sent Events clients and MQTT
 * service subscribers holding the stream's permission, and nobody else; a rolled-back one reaches no one.
 * Real PostgreSQL (LISTEN/NOTIFY), a real HTTP socket, the real embedded broker.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { buildTestApp } from '../test/support/app.ts';
import { sessionAs } from '../test/support/auth.ts';
import { announce, type FeedEvent } from '../platform/feed.ts';
import { withTransaction } from '../platform/db/pool.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../collectors/mqtt/index.ts';
import { actorForToken, can, createToken, createUser, syncCatalogue } from '../modules/access/index.ts';
import { LiveFeed } from './live-feed.ts';
import type { App } from './index.ts';

// Streams of this test, gated by permissions the default roles hold differently: billing_clerk reads `meters` only,
// auditor reads both, cashier neither.
const STREAMS = { meters: 'meters.read', audit: 'audit.read' } as const;

interface SseClient {
  status: number;
  /** Resolves true when the server ends the stream. */
  ended: Promise<boolean>;
  events: FeedEvent[];
  next(): Promise<FeedEvent>;
  close(): void;
}

function openSse(port: number, path: string, cookie: string, accept = 'text/event-stream'): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { cookie, accept } }, (res) => {
      const events: FeedEvent[] = [];
      const waiting: Array<(e: FeedEvent) => void> = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const e = JSON.parse(data.slice(6)) as FeedEvent;
          const w = waiting.shift();
          if (w) w(e);
          else events.push(e);
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        ended: new Promise((r) => res.once('end', () => r(true))),
        events,
        next: () => (events.length ? Promise.resolve(events.shift()!) : new Promise((r) => waiting.push(r))),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

describe('live feed: committed changes to SSE and MQTT readers with the permission', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let feed: LiveFeed;
  let app: App;
  let port: number;
  const say = (stream: string, id: string) => withTransaction(db.pool, (c) => announce(c, { stream, kind: 'changed', id, data: { note: `event ${id}` } }));

  before(async () => {
    db = await createTestDatabase();
    feed = new LiveFeed(STREAMS);
    await feed.start(db.url);
    app = await buildTestApp(db.pool, undefined, { feed });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  after(async () => {
    await app.close();
    await feed.stop();
    await db.drop();
  });

  describe('Server-Sent Events', () => {
    it('delivers committed events of the streams the reader may see, never a rolled-back one', async () => {
      const { cookie } = await sessionAs(app, db.pool, [{ role: 'billing_clerk' }]);
      const sse = await openSse(port, '/api/v1/feed', cookie);
      assert.equal(sse.status, 200);
      await withTransaction(db.pool, async (c) => {
        await announce(c, { stream: 'meters', kind: 'changed', id: 'rolled-back', data: {} });
        throw new Error('abandon');
      }).catch(() => undefined);
      await say('audit', 'not-for-a-clerk');
      await say('meters', 'm-1');
      const first = await sse.next();
      assert.deepEqual({ stream: first.stream, id: first.id, data: first.data }, { stream: 'meters', id: 'm-1', data: { note: 'event m-1' } });
      assert.match(first.at, /^\d{4}-\d\d-\d\dT/);
      sse.close();
    });

    it('serves a reader every stream it may read, in commit order', async () => {
      const { cookie } = await sessionAs(app, db.pool, [{ role: 'auditor' }]);
      const sse = await openSse(port, '/api/v1/feed', cookie);
      await say('audit', 'a-1');
      await say('meters', 'm-2');
      assert.deepEqual([(await sse.next()).id, (await sse.next()).id], ['a-1', 'm-2']);
      sse.close();
    });

    it('ends open streams when the server closes, so a browser tab never holds a shutdown', async () => {
      const other = await buildTestApp(db.pool, undefined, { feed });
      await other.listen({ port: 0, host: '127.0.0.1' });
      const { cookie } = await sessionAs(other, db.pool, [{ role: 'auditor' }]);
      const sse = await openSse((other.server.address() as { port: number }).port, '/api/v1/feed', cookie);
      assert.equal(sse.status, 200);
      await other.close(); // would wait for the stream forever without the preClose hook
      assert.equal(await sse.ended, true);
    });

    it('refuses streams not permitted (403), unknown (400), no stream at all (403) and a non-SSE client (406)', async () => {
      const clerk = (await sessionAs(app, db.pool, [{ role: 'billing_clerk' }])).cookie;
      const cashier = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
      const ask = (url: string, cookie: string, accept = 'text/event-stream') => app.inject({ method: 'GET', url, headers: { cookie, accept } });
      const forbidden = await ask('/api/v1/feed?streams=audit', clerk);
      assert.equal(forbidden.statusCode, 403);
      assert.equal(forbidden.json().code, 'ABONE_ERR_AUTH_FORBIDDEN');
      const unknown = await ask('/api/v1/feed?streams=meters,nope', clerk);
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json().message, /nope/);
      assert.equal((await ask('/api/v1/feed', cashier)).statusCode, 403);
      const notSse = await ask('/api/v1/feed', clerk, 'application/json');
      assert.equal(notSse.statusCode, 406);
      assert.equal(notSse.json().code, 'ABONE_ERR_HTTP_NOT_ACCEPTABLE');
    });
  });

  describe('MQTT for services (API token as password)', () => {
    let headend: Headend;
    let broker: EmbeddedBroker;
    const clients: MqttClient[] = [];
    const tokenFor = async (role: string) => {
      await syncCatalogue(db.pool);
      const userId = await createUser(db.pool, { username: `svc.${role}.${Date.now() % 100000}`, displayName: role, password: 'correct horse battery staple', roles: [{ role }] });
      return (await createToken(db.pool, userId, `scada ${role}`)).secret;
    };
    const connect = (opts: mqtt.IClientOptions) =>
      new Promise<MqttClient>((resolve, reject) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
        clients.push(c);
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      });

    before(async () => {
      headend = await startHeadend(db.pool, db.url, { batchDelayMs: 10 });
      const services = {
        authenticate: async (secret: string) => {
          const actor = await actorForToken(db.pool, secret);
          return actor && feed.subscriptionFilter((p) => can(actor, p));
        },
      };
      broker = await startEmbeddedBroker({ registry: headend.registry, pipeline: headend.pipeline, limits: { maxBytes: 65_536, maxItems: 100 }, port: 0, host: '127.0.0.1', services });
      feed.subscribe((e) => void broker.publish(LiveFeed.topicOf(e), JSON.stringify(e)));
    });
    after(async () => {
      for (const c of clients) c.end(true);
      await broker.close();
      await headend.stop();
    });

    it('publishes each committed event on abone/v1/feed/{stream}/{kind} to a permitted subscriber', async () => {
      const c = await connect({ clientId: 'svc-scada-1', username: 'token', password: await tokenFor('auditor') });
      const granted = await c.subscribeAsync('abone/v1/feed/#', { qos: 1 });
      assert.equal(granted[0].qos, 1);
      const got = new Promise<{ topic: string; event: FeedEvent }>((resolve) => c.once('message', (topic, payload) => resolve({ topic, event: JSON.parse(payload.toString()) })));
      await say('audit', 'mq-1');
      const { topic, event } = await got;
      assert.equal(topic, 'abone/v1/feed/audit/changed');
      assert.equal(event.id, 'mq-1');
    });

    it('grants a subscription only for the streams the token may read', async () => {
      const c = await connect({ clientId: 'svc-scada-2', username: 'token', password: await tokenFor('billing_clerk') });
      // The SUBACK's return code per filter: 1 granted at QoS 1, 128 refused (mqtt.js reports a refusal as an error).
      const granted = (topic: string) =>
        c.subscribeAsync(topic, { qos: 1 }).then(
          (g) => g[0].qos,
          (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0],
        );
      assert.deepEqual([await granted('abone/v1/feed/#'), await granted('abone/v1/feed/audit/#'), await granted('abone/v1/feed/meters/#')], [128, 128, 1]);
    });

    it('refuses a bad token, a token login without the svc- client id, and service publishes', async () => {
      await assert.rejects(connect({ clientId: 'svc-x', username: 'token', password: 'a'.repeat(43) }), /Bad username or password|Not authorized/i);
      const secret = await tokenFor('auditor');
      await assert.rejects(connect({ clientId: 'scada', username: 'token', password: secret }), /Bad username or password|Not authorized/i);
      const c = await connect({ clientId: 'svc-scada-3', username: 'token', password: secret });
      const before = broker.aclDenied();
      await c.publishAsync('abone/v1/meters/ANY/readings', '{"readings":[]}', { qos: 0 });
      await new Promise((r) => setTimeout(r, 200)); // QoS 0 has no acknowledgement to wait for
      assert.equal(broker.aclDenied(), before + 1);
    });
  });
});
