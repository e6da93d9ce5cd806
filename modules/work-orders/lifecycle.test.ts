/**
 * The lifecycle: only the changes in the transition table happen, completing needs a fitting closing code, and the
 * SLA clock gives numbers one can check by hand (due = start + target hours, pushed by time on hold).
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { AboneError } from '../../platform/errors.ts';
import { openWorkOrderFromAlarm } from './alarms.ts';
import { createOrder, findOrder, listOrders } from './orders.ts';
import { transition } from './lifecycle.ts';
import { readTrail } from './trail.ts';
import { crew, dispatcher, snapshot } from './test-fixtures.ts';

const ctx = { actor: dispatcher };
const HOUR = 3_600_000;
const code = (err: unknown) => (err as AboneError).code;

describe('work orders: lifecycle and SLA', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await crew(db.pool, 'ANK-1', 'ANK', ['leak', 'metering'], 50);
  });
  after(() => db.drop());

  const go = (id: number, to: string, closingCode?: string) => transition(db.pool, id, { to: to as 'open', closingCode }, ctx, 'manage');

  it('starts the SLA clock at the alarm: a leak raised 10 h ago was due 4 h after it and is breached', async () => {
    const raisedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * HOUR);
    const order = await openWorkOrderFromAlarm(db.pool, { alarmId: 'A-100', meterId: 'G-1', alarmType: 'leak', severity: 'critical', raisedAt, region: 'ANK' });
    assert.equal(order.slaDueAt.getTime(), raisedAt.getTime() + 4 * HOUR);
    assert.equal(order.breached, true);
    assert.equal(order.priority, 'critical');
    // An inspection opened now has 48 h: due exactly 48 h after it was created, not breached.
    const insp = await createOrder(db.pool, { type: 'inspection', priority: 'normal', meterSerial: 'G-2', region: 'ANK', route: true }, ctx);
    assert.equal(insp.slaDueAt.getTime() - insp.createdAt.getTime(), 48 * HOUR);
    assert.equal(insp.breached, false);
    const breached = await listOrders(db.pool, { breached: 'true', limit: 100 }, dispatcher);
    assert.deepEqual(breached.map((o) => o.id), [order.id]);
  });

  it('refuses changes outside the table and changes nothing', async () => {
    const open = await createOrder(db.pool, { type: 'inspection', priority: 'normal', address: 'Çankaya', region: 'ANK', route: false }, ctx);
    const assigned = await createOrder(db.pool, { type: 'inspection', priority: 'normal', address: 'Keçiören', region: 'ANK', route: true }, ctx);
    assert.deepEqual([open.status, assigned.status], ['open', 'assigned']);
    const before = await snapshot(db.pool);
    for (const [id, to] of [[open.id, 'in_progress'], [open.id, 'completed'], [open.id, 'assigned'], [assigned.id, 'completed'], [assigned.id, 'open'], [assigned.id, 'assigned'], [assigned.id, 'bogus']] as const) {
      await assert.rejects(go(id, to, 'FIXED'), (e) => code(e) === 'ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL', `${id} -> ${to}`);
    }
    await assert.rejects(go(999_999, 'cancelled'), (e) => code(e) === 'ABONE_ERR_WORKORDER_NOT_FOUND');
    assert.deepEqual(await snapshot(db.pool), before);
  });

  it('refuses to complete without a closing code, or with one for another type, then completes and stays closed', async () => {
    const o = await createOrder(db.pool, { type: 'inspection', priority: 'normal', address: 'Mamak', region: 'ANK', route: true }, ctx);
    await go(o.id, 'in_progress');
    const before = await snapshot(db.pool);
    await assert.rejects(go(o.id, 'completed'), (e) => code(e) === 'ABONE_ERR_WORKORDER_CLOSING_CODE_REQUIRED');
    await assert.rejects(go(o.id, 'completed', 'LEAK_SEALED'), (e) => code(e) === 'ABONE_ERR_WORKORDER_CLOSING_CODE_UNKNOWN'); // leak only
    await assert.rejects(go(o.id, 'completed', 'NOPE'), (e) => code(e) === 'ABONE_ERR_WORKORDER_CLOSING_CODE_UNKNOWN');
    assert.deepEqual(await snapshot(db.pool), before);
    const done = await go(o.id, 'completed', 'NO_FAULT');
    assert.deepEqual([done.status, done.closingCode, done.breached], ['completed', 'NO_FAULT', false]);
    assert.ok(done.closedAt);
    for (const to of ['in_progress', 'cancelled', 'on_hold', 'completed']) {
      await assert.rejects(go(o.id, to, 'FIXED'), (e) => code(e) === 'ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL');
    }
    assert.deepEqual((await readTrail(db.pool, o.id)).map((t) => [t.kind, t.toStatus, t.closingCode]), [
      ['created', 'open', null], ['assignment', 'assigned', null], ['status', 'in_progress', null], ['status', 'completed', 'NO_FAULT'],
    ]);
  });

  it('stops the SLA clock on hold: resuming pushes the due time by exactly the time on hold', async () => {
    const o = await createOrder(db.pool, { type: 'leak', priority: 'high', address: 'Ulus', region: 'ANK', route: true }, ctx);
    await go(o.id, 'in_progress');
    await go(o.id, 'on_hold');
    // Pretend the hold began 3 hours ago (the clock table is ours to shape in a test; the trail is not touched).
    await db.pool.query(`UPDATE work_order SET hold_started_at = hold_started_at - interval '3 hours' WHERE id = $1`, [o.id]);
    const held = (await findOrder(db.pool, o.id))!;
    assert.equal(held.slaDueAt.getTime(), o.slaDueAt.getTime(), 'due unchanged while on hold');
    // Read in SQL at full (microsecond) precision: JavaScript dates would round each side to milliseconds.
    const { rows: [clock] } = await db.pool.query('SELECT sla_due_at::text AS due, hold_started_at::text AS hold FROM work_order WHERE id = $1', [o.id]);
    const resumed = await go(o.id, 'in_progress');
    const { rows: [check] } = await db.pool.query(
      `SELECT (w.sla_due_at - $2::timestamptz) = (e.at - $3::timestamptz) AS exact, extract(epoch FROM w.sla_due_at - $2::timestamptz)::float8 AS pushed
       FROM work_order w, (SELECT at FROM work_order_event WHERE order_id = $1 ORDER BY id DESC LIMIT 1) e WHERE w.id = $1`,
      [o.id, clock.due, clock.hold],
    );
    assert.equal(check.exact, true, 'due moved by (resume time - hold start)');
    assert.ok(check.pushed >= 3 * 3600 && check.pushed < 4 * 3600, String(check.pushed));
    assert.equal(resumed.onHoldSince, null);
  });

  it('judges a held order by when the clock stopped: on hold since before its due time is not breached', async () => {
    const o = await createOrder(db.pool, { type: 'leak', priority: 'high', address: 'Sincan', region: 'ANK', route: true }, ctx);
    await go(o.id, 'on_hold');
    await db.pool.query(`UPDATE work_order SET sla_due_at = now() - interval '1 hour', hold_started_at = now() - interval '2 hours' WHERE id = $1`, [o.id]);
    assert.equal((await findOrder(db.pool, o.id))!.breached, false);
    await db.pool.query(`UPDATE work_order SET hold_started_at = now() - interval '30 minutes' WHERE id = $1`, [o.id]);
    assert.equal((await findOrder(db.pool, o.id))!.breached, true);
  });

  it('keeps the trail append-only', async () => {
    await assert.rejects(db.pool.query('UPDATE work_order_event SET text = $1', ['rewritten']), /append-only/);
    await assert.rejects(db.pool.query('DELETE FROM work_order_event'), /append-only/);
  });
});
