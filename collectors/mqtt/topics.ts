/**
 * The MQTT topic scheme (docs/ingest.md):
 *   abone/v1/meters/{serial}/readings   meter -> head-end, a batch of readings (QoS 1)
 *   abone/v1/meters/{serial}/events     meter -> head-end, a batch of events (QoS 1)
 *   abone/v1/meters/{serial}/commands   head-end -> meter (valve, clock sync); a meter subscribes to its own only
 * The serial in the topic is the meter's identity; payloads do not repeat it, so there is nothing to forge inside.
 */
export const TOPIC_PREFIX = 'abone/v1/meters/';
export type TopicKind = 'readings' | 'events' | 'commands';
const SERIAL = /^[A-Za-z0-9_-]{1,64}$/;

export function topicFor(serial: string, kind: TopicKind): string {
  return `${TOPIC_PREFIX}${serial}/${kind}`;
}

export function parseTopic(topic: string): { serial: string; kind: TopicKind } | undefined {
  if (!topic.startsWith(TOPIC_PREFIX)) return undefined;
  const rest = topic.slice(TOPIC_PREFIX.length).split('/');
  if (rest.length !== 2 || !SERIAL.test(rest[0])) return undefined;
  const kind = rest[1];
  if (kind !== 'readings' && kind !== 'events' && kind !== 'commands') return undefined;
  return { serial: rest[0], kind };
}

/** The subscription the head-end takes for everything meters send. */
export const INGEST_FILTERS = [`${TOPIC_PREFIX}+/readings`, `${TOPIC_PREFIX}+/events`];
