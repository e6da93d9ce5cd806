/**
 * The embedded MQTT broker (aedes) with the head-end inside it.
 *
 * Devices authenticate as themselves: username = meter serial, password = the meter's secret from the device
 * registry, and the client id must be the serial too (so no device can take over another's session). A meter may
 * publish only on its own `readings` and `events` topics and subscribe only to its own `commands`.
 *
 * Services (SCADA, Node-RED) connect with username `token`, an API token as password and a client id starting with
 * `svc-` (so they can never take over a meter's session); they publish nothing and subscribe only where the
 * `services` hook allows (the live feed topics their token's permissions cover).
 *
 * Ingest happens in `authorizePublish`, which aedes calls before it writes the PUBACK: the callback is held until
 * the message's batch has committed. So a device's QoS 1 message is acknowledged only once it is in PostgreSQL, and
 * while the database is slow aedes stops reading from the device's socket — back-pressure all the way to the meter.
 */
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import net from 'node:net';
import { contextLogger } from '../../platform/logger.ts';
import { choosePort } from '../../platform/net.ts';
import type { DeviceRegistry, IngestPipeline } from '../../headend/index.ts';
import { parseMqttMessage, type PayloadLimits } from './payload.ts';
import { parseTopic, topicFor } from './topics.ts';

const log = contextLogger('mqtt-broker');

export interface EmbeddedBroker {
  port: number;
  /** Publishes from the broker itself (QoS 1, not retained): the live feed. */
  publish(topic: string, payload: string): Promise<void>;
  connectedClients(): number;
  aclDenied(): number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: {
  registry: DeviceRegistry;
  pipeline: IngestPipeline;
  limits: PayloadLimits;
  port: number;
  host: string;
  /** Authenticates a service by API token; returns which subscription topics it may use, or undefined. */
  services?: { authenticate(secret: string): Promise<((topic: string) => boolean) | undefined> };
}): Promise<EmbeddedBroker> {
  const { registry, pipeline, limits } = opts;
  let denied = 0;
  const serviceTopics = new Map<string, (topic: string) => boolean>(); // client id -> what it may subscribe to
  const broker = await Aedes.createBroker({
    maxClientsIdLength: 64,
    authenticate: (client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean) => void) => {
      const fail = () => {
        const err = new Error('bad username or password') as AuthenticateError;
        err.returnCode = 4;
        done(err, false);
      };
      if (!username || !password || password.length > 256) return fail();
      if (username === 'token' && client.id.startsWith('svc-')) {
        if (!opts.services) return fail();
        return void opts.services.authenticate(password.toString('utf8')).then(
          (may) => {
            if (!may) return fail();
            serviceTopics.set(client.id, may);
            done(null, true);
          },
          (err) => {
            log.warn({ err: err.message }, 'service credential check failed');
            fail();
          },
        );
      }
      if (client.id !== username) return fail();
      registry.verifyCredential(username, password.toString('utf8')).then(
        (ok) => (ok ? done(null, true) : fail()),
        (err) => {
          log.warn({ err: err.message }, 'credential check failed');
          const e = new Error('server unavailable') as AuthenticateError;
          e.returnCode = 3;
          done(e, false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      if (!client) return done(null); // the broker's own publishes (commands from the head-end)
      const t = parseTopic(packet.topic);
      if (!t || t.serial !== client.id || t.kind === 'commands') {
        denied++;
        pipeline.metrics.reject('acl_denied');
        log.warn({ clientId: client.id, topic: packet.topic.slice(0, 200) }, 'publish refused: not the client\'s own topic');
        return done(new Error(`client ${client.id} may not publish on ${packet.topic.slice(0, 200)}`));
      }
      // Parsed only when the pipeline has room: under back-pressure the held messages stay raw bytes, not envelopes.
      pipeline.whenSpace(() => {
        let submitted: Promise<void>;
        try {
          submitted = pipeline.submit(parseMqttMessage(packet.topic, packet.payload as Buffer, limits));
        } catch (err) {
          submitted = Promise.reject(err);
        }
        submitted.then(
          () => done(null),
          (err) => done(err), // no PUBACK: the device sends again after reconnecting
        );
      });
    },
    authorizeSubscribe: (client, sub, done) => {
      const service = serviceTopics.get(client.id);
      if (service ? service(sub.topic) : sub.topic === topicFor(client.id, 'commands')) return done(null, sub);
      denied++;
      log.warn({ clientId: client.id, topic: sub.topic.slice(0, 200) }, 'subscription refused');
      done(null, null);
    },
  });
  broker.on('clientDisconnect', (client) => serviceTopics.delete(client.id));
  broker.on('clientError', (client, err) => log.debug({ clientId: client?.id, err: err.message }, 'client error'));
  const port = await choosePort(opts.port, (chosen) =>
    log.warn({ preferred: opts.port, port: chosen }, `port ${opts.port} is busy; the embedded MQTT broker takes ${chosen} (set ABONE_MQTT_PORT to choose)`),
    opts.host,
  );
  const server = net.createServer(broker.handle as (s: net.Socket) => void);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host, resolve);
  });
  log.info({ port, host: opts.host }, 'embedded MQTT broker listening');
  return {
    port,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
      ),
    connectedClients: () => broker.connectedClients,
    aclDenied: () => denied,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
