import { z } from 'zod';
import { defineSettings, setting, int, port, optionalString } from '../../platform/config.ts';

export const mqttSettings = defineSettings('mqtt', {
  url: setting('MQTT_URL', optionalString(), undefined as string | undefined, 'external broker URL (mqtt://host:1883); unset runs the embedded broker'),
  port: setting('ABONE_MQTT_PORT', port(), 1883, 'port of the embedded broker; another free one is taken (and logged) when it is busy'),
  host: setting('ABONE_MQTT_HOST', z.string().min(1), '0.0.0.0', 'address the embedded broker listens on'),
  username: setting('ABONE_MQTT_USERNAME', optionalString(), undefined as string | undefined, 'the head-end\'s user on an external broker'),
  password: setting('ABONE_MQTT_PASSWORD', optionalString(), undefined as string | undefined, 'the head-end\'s password on an external broker'),
  clientId: setting('ABONE_MQTT_CLIENT_ID', z.string().min(1).max(64), 'abone-headend', 'client id (and persistent session) of the head-end on an external broker'),
  sharedGroup: setting('ABONE_MQTT_SHARED_GROUP', z.string().max(64), '', 'when set, subscribe as $share/<group>/... so several head-ends split the load'),
  maxPayloadBytes: setting('ABONE_MQTT_MAX_PAYLOAD_BYTES', int(1024, 64 * 1024 * 1024), 262_144, 'larger payloads are refused (payload_too_large)'),
  maxItems: setting('ABONE_MQTT_MAX_ITEMS', int(1, 1_000_000), 10_000, 'most readings or events in one message (batch_too_large)'),
});
