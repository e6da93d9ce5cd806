/** What the tests that wire alarms to work orders (as `abone start` does) share: the engine's timings, a dispatcher. */
import { PERMISSIONS, type Actor, type Permission } from '../../modules/access/index.ts';

/** Message limits of the MQTT parser under test. */
export const LIMITS = { maxBytes: 65_536, maxItems: 1_000 };
/** The rules engine flushing every 10 ms, with nothing periodic (reload, sweep, escalation) during a test. */
export const ENGINE = { flushMs: 10, reloadMs: 600_000, sweepMs: 3_600_000, rebuildHours: 0, escalateEveryMs: 3_600_000 };
/** A dispatcher holding every permission, everywhere. */
export const dispatcher: Actor = {
  userId: 1,
  username: 'test-dispatcher',
  via: 'session',
  permissions: new Map(Object.keys(PERMISSIONS).map((p) => [p as Permission, { regions: null, warehouses: null }])),
};
