import { z } from 'zod';
import { bool, defineSettings, int, setting } from '../../platform/config.ts';

export const accessSettings = defineSettings('access', {
  sessionHours: setting('ABONE_SESSION_HOURS', int(1, 24 * 30), 8, 'how long a browser session lasts'),
  cookieSecure: setting('ABONE_COOKIE_SECURE', bool(), true, 'send the session cookie only over HTTPS (browsers treat http://localhost as secure)'),
  maxFailures: setting('ABONE_LOGIN_MAX_FAILURES', int(1, 100), 5, 'wrong passwords in a row that lock a user'),
  lockMinutes: setting('ABONE_LOGIN_LOCK_MINUTES', int(1, 24 * 60), 15, 'how long a locked user waits'),
  maxFailuresPerIp: setting('ABONE_LOGIN_MAX_FAILURES_PER_IP', int(1, 10_000), 20, 'failed logins from one address, any usernames, before it is refused for the window'),
  ipWindowMinutes: setting('ABONE_LOGIN_IP_WINDOW_MINUTES', int(1, 24 * 60), 15, 'window of the per-address limit'),
  adminPasswordFile: setting('ABONE_ADMIN_PASSWORD_FILE', z.string().min(1), '.data/initial-admin-password', 'where the first start writes the generated password of user admin (mode 0600; never logged)'),
});
