/**
 * The head-end as a client of an external broker (Mosquitto, EMQX, a cluster).
 *
 * It keeps a persistent session (fixed client id, clean start off), so the broker holds QoS 1 messages while the
 * head-end is down and redelivers whatever was not acknowledged. It acknowledges a message only after its batch has
 * committed.
 *
 * mqtt.js sends the PUBACK when `handleMessage` calls back, and reads the next packet only after that, which would
 * allow one message per commit. So this consumer calls back at once and holds the PUBACK instead: it wraps the
 * client's packet writer and lets a PUBACK through only when the message's batch has committed. Batches commit in
 * order, so PUBACKs still leave in the order the messages arrived, as MQTT requires.
 */
import mqtt, { type MqttClient, type IPublishPacket, type Packet } from 'mqtt';
import { contextLogger } from '../../platform/logger.ts';
import type { IngestPipeline } from '../../headend/index.ts';
import { parseMqttMessage, type PayloadLimits } from './payload.ts';
import { INGEST_FILTERS } from './topics.ts';

const log = contextLogger('mqtt-consumer');

export interface BrokerConsumer {
  connected(): boolean;
  /** Publishes on the same connection (QoS 1, not retained): the live feed. */
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBrokerConsumer(opts: {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  sharedGroup: string;
  pipeline: IngestPipeline;
  limits: PayloadLimits;
}): Promise<BrokerConsumer> {
  const committed = new Map<number, Promise<void>>();
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  client.handleMessage = (packet: IPublishPacket, callback: (err?: Error) => void) => {
    const message = parseMqttMessage(packet.topic, packet.payload as Buffer, opts.limits);
    const done = opts.pipeline.submit(message);
    if (packet.qos > 0 && packet.messageId !== undefined) committed.set(packet.messageId, done);
    done.catch((err) => log.warn({ err: err.message }, 'message not stored; the broker will redeliver it'));
    // Back-pressure: while the pipeline is full, the next packet is not read.
    opts.pipeline.waitForSpace().then(() => callback(), () => callback());
  };
  const send = (client as any)._sendPacket.bind(client) as (packet: Packet, cb?: () => void) => void;
  (client as any)._sendPacket = (packet: Packet, cb?: () => void) => {
    if (packet.cmd !== 'puback' || packet.messageId === undefined) return send(packet, cb);
    const done = committed.get(packet.messageId);
    committed.delete(packet.messageId);
    cb?.();
    // Not stored: no PUBACK. The broker redelivers on the next session.
    done?.then(() => send(packet), () => client.end(true));
    if (!done) send(packet);
  };
  client.on('connect', (ack) => {
    log.info({ url: redact(opts.url), sessionPresent: ack.sessionPresent }, 'connected to external broker');
    const filters = INGEST_FILTERS.map((f) => (opts.sharedGroup ? `$share/${opts.sharedGroup}/${f}` : f));
    client.subscribe(filters, { qos: 1 }, (err) => err && log.error({ err: err.message }, 'subscribe failed'));
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'broker connection error'));
  client.on('offline', () => log.warn('external broker offline; reconnecting'));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no connection to ${redact(opts.url)} within 15 s`)), 15_000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return {
    connected: () => client.connected,
    publish: (topic, payload) => new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
