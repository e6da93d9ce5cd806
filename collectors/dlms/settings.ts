import { z } from 'zod';
import { defineSettings, setting, int, port } from '../../platform/config.ts';

export const dlmsSettings = defineSettings('dlms', {
  pushPort: setting('ABONE_DLMS_PUSH_PORT', port(), 4059, 'TCP port (IEC 62056-47 wrapper) receiving DLMS push DataNotifications; another free one is taken (and logged) when it is busy'),
  pushHost: setting('ABONE_DLMS_PUSH_HOST', z.string().min(1), '0.0.0.0', 'address the DLMS push receiver listens on'),
  pollSeconds: setting('ABONE_DLMS_POLL_SECONDS', int(1, 86_400), 900, 'poll period of a DLMS meter whose communication sets no pollSeconds'),
  timeoutMs: setting('ABONE_DLMS_TIMEOUT_MS', int(100, 120_000), 5000, 'connect and request timeout of a DLMS meter whose communication sets no timeoutMs'),
  backfillHours: setting('ABONE_DLMS_BACKFILL_HOURS', int(1, 24 * 366), 48, 'load profile hours read back at a meter\'s first poll after start (storage keeps a reading once)'),
  profileChunkHours: setting('ABONE_DLMS_PROFILE_CHUNK_HOURS', int(1, 24 * 31), 168, 'most load profile hours asked for in one request and stored in one message'),
});
