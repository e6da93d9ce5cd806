/** The MQTT collector's door: the embedded broker, the external-broker consumer, the topic scheme and payload parser. */
export { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
export { startBrokerConsumer, type BrokerConsumer } from './broker-consumer.ts';
export { parseMqttMessage, type PayloadLimits } from './payload.ts';
export { topicFor, parseTopic, INGEST_FILTERS, TOPIC_PREFIX } from './topics.ts';
export { mqttSettings } from './settings.ts';
