/**
 * The Node-RED nodes in a real Node-RED runtime (node-red-node-test-helper), against a real Abone server on a real
 * port: readings in through the API, refusals surfacing as node errors, and the live feed delivering what the server
 * commits.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { buildTestApp } from './support/app.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { provisionDemoFleet, type ProvisionedMeter } from '../simulators/index.ts';
import { createToken, createUser, syncCatalogue } from '../modules/access/index.ts';
import { saveRule, startRules, type Rules } from '../rules/index.ts';
import { LiveFeed, FEED_STREAMS, wireAlarmOrders, type App, type AlarmOrders } from '../server/index.ts';

const require = createRequire(import.meta.url);
const helper = require('node-red-node-test-helper');
const NODES = ['abone-server', 'abone-reading-in', 'abone-feed', 'abone-work-order'].map((n) => require(`../integrations/node-red/nodes/${n}.js`));
helper.init(require.resolve('node-red'));

interface NodeRedNode {
  receive(msg: object): void;
  on(event: string, listener: (msg: any) => void): void;
}

describe('Node-RED nodes against a running Abone', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let headend: Headend;
  let feed: LiveFeed;
  let app: App;
  let url: string;
  let meter: ProvisionedMeter;
  let rules: Rules;
  let wiring: AlarmOrders;
  const tokens = new Map<string, string>();

  const load = (flow: object[], role: string) =>
    helper.load(NODES, [{ id: 'srv', type: 'abone-server', url }, ...flow], { srv: { token: tokens.get(role) } }) as Promise<void>;
  const next = (node: NodeRedNode, event = 'input') => new Promise<any>((resolve) => node.on(event, resolve));

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5 });
    [meter] = await provisionDemoFleet(headend.registry, 1, `NR${randomBytes(2).toString('hex')}`);
    feed = new LiveFeed(FEED_STREAMS);
    await feed.start(db.url);
    await saveRule(db.pool, { code: 'gas-pressure', name: 'Gas pressure out of band', severity: 'critical', condition: { kind: 'out_of_band', channel: 'pressure', low: 0.015, high: 0.03 } }, 'system');
    wiring = wireAlarmOrders(db.pool, headend.registry);
    rules = await startRules(db.pool, headend.pipeline, { flushMs: 10, reloadMs: 600_000, sweepMs: 3_600_000, rebuildHours: 0, escalateEveryMs: 3_600_000 });
    app = await buildTestApp(db.pool, undefined, { registry: headend.registry, pipeline: headend.pipeline, feed });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await syncCatalogue(db.pool);
    for (const role of ['ami_operator', 'cashier']) {
      const userId = await createUser(db.pool, { username: `nodered.${role}.${randomBytes(2).toString('hex')}`, displayName: 'Node-RED', password: 'correct horse battery staple', roles: [{ role }] });
      tokens.set(role, (await createToken(db.pool, userId, `node-red ${role}`)).secret);
    }
    await new Promise<void>((resolve) => helper.startServer(resolve));
  });
  afterEach(() => helper.unload());
  after(async () => {
    await new Promise<void>((resolve) => helper.stopServer(resolve));
    await app.close();
    wiring.stop();
    await rules.stop();
    await feed.stop();
    await headend.stop();
    await db.drop();
  });

  it('stores readings from a message and passes on the answer after commit', async () => {
    await load([{ id: 'in', type: 'abone-reading-in', server: 'srv', wires: [['out']] }, { id: 'out', type: 'helper' }], 'ami_operator');
    const out = next(helper.getNode('out'));
    const readings = [0, 1].map((h) => ({ ts: `2026-11-03T0${h}:00:00Z`, ch: 'consumption', v: 1.5 + h, u: 'm3' }));
    helper.getNode('in').receive({ serial: meter.serial, payload: readings });
    assert.deepEqual((await out).payload, { stored: 2 });
    const { rows } = await db.pool.query(`SELECT value::float8 AS v FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = $1 ORDER BY ts`, [meter.serial]);
    assert.deepEqual(rows.map((r) => r.v), [1.5, 2.5]);
  });

  it('raises a node error with the stable code when the server refuses, and sends nothing on', async () => {
    await load([{ id: 'in', type: 'abone-reading-in', server: 'srv', wires: [['out']] }, { id: 'out', type: 'helper' }], 'cashier');
    let forwarded = 0;
    helper.getNode('out').on('input', () => forwarded++);
    const error = next(helper.getNode('in'), 'call:error');
    helper.getNode('in').receive({ serial: meter.serial, payload: { ch: 'consumption', v: 1, u: 'm3' } });
    assert.match(String((await error).args[0]), /ABONE_ERR_AUTH_FORBIDDEN/);
    assert.equal(forwarded, 0);
  });

  it('opens a work order from a message and passes on the created order', async () => {
    await load([{ id: 'wo', type: 'abone-work-order', server: 'srv', orderType: 'inspection', wires: [['out']] }, { id: 'out', type: 'helper' }], 'ami_operator');
    const out = next(helper.getNode('out'));
    helper.getNode('wo').receive({ serial: meter.serial, payload: 'Index photo does not match the register' });
    const order = (await out).payload;
    const { rows } = await db.pool.query('SELECT type, source, description FROM work_order WHERE id = $1', [order.id]);
    assert.deepEqual(rows[0], { type: 'inspection', source: 'api', description: 'Index photo does not match the register' });
  });

  it('feeds a reading in and receives the alarm it causes from the live feed', async () => {
    const flow = [
      { id: 'in', type: 'abone-reading-in', server: 'srv', wires: [[]] },
      { id: 'feed', type: 'abone-feed', server: 'srv', streams: 'alarms', wires: [['alarms']] },
      { id: 'alarms', type: 'helper' },
    ];
    await load(flow, 'ami_operator');
    // The feed node shows 'connecting', then 'connected' once the stream is open: only then can it miss nothing.
    await new Promise<void>((resolve) => helper.getNode('feed').on('call:status', (call: { args: Array<{ text: string }> }) => call.args[0].text === 'connected' && resolve()));
    const alarm = next(helper.getNode('alarms'));
    // 4.2 bar on a low-pressure gas line: out of the 0.015-0.03 bar band of the rule set up in before()
    helper.getNode('in').receive({ serial: meter.serial, payload: { ts: new Date(Date.now() - 60_000).toISOString(), ch: 'pressure', v: 4.2, u: 'bar' } });
    const msg = await alarm;
    assert.equal(msg.topic, 'alarms.raised');
    const { rows } = await db.pool.query('SELECT id FROM meter WHERE serial = $1', [meter.serial]);
    assert.equal(msg.payload.data.meterId, rows[0].id);
    assert.equal(msg.payload.data.type, 'gas-pressure');
    assert.equal(msg.payload.data.severity, 'critical');
  });
});
