/** The server's door: the composition root and the HTTP app as production builds it (tests build it the same way). */
export { startSystem, type System } from './start.ts';
export { createApp, type App } from './http/app.ts';
export { registerRoutes, type RouteDeps } from './http/routes/index.ts';
export { LiveFeed, FEED_STREAMS } from './live-feed.ts';
export { wireAlarmOrders, type AlarmOrders } from './alarm-orders.ts';
export { startAlarmWork, type AlarmWork } from './alarm-work.ts';
export { seedDemoBusiness, demoPeriods, type DemoBusinessReport } from './demo-business.ts';
