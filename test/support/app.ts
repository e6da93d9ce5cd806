/** The whole HTTP app on a test database, built exactly as the server builds it (server/http/routes/index.ts). */
import { createApp, registerRoutes, type App, type RouteDeps } from '../../server/index.ts';
import { LoginThrottle, syncCatalogue } from '../../modules/access/index.ts';
import type { Pool } from '../../platform/db/pool.ts';

export const TEST_LOGIN_POLICY = { maxFailures: 5, lockMinutes: 15, maxFailuresPerIp: 20, ipWindowMinutes: 15 };

export async function buildTestApp(pool: Pool, onRoute?: (route: { method: string | string[]; url: string; config?: unknown }) => void, extra: Partial<RouteDeps> = {}): Promise<App> {
  await syncCatalogue(pool);
  const app = await createApp(pool);
  if (onRoute) app.addHook('onRoute', onRoute);
  registerRoutes(app, { pool, throttle: new LoginThrottle(TEST_LOGIN_POLICY), sessionHours: 1, cookieSecure: true, ...extra });
  await app.ready();
  return app;
}
