/**
 * What an operator sees on a first `npm start` with nothing set: an embedded PostgreSQL, the embedded broker, a demo
 * fleet publishing, and an HTTP server whose /health is ok and whose API shows readings arriving. Then a clean stop.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { startAbone, type AboneProcess } from './support/process.ts';

describe('first run: abone start on embedded defaults', function () {
  this.timeout(180_000);
  const dataDir = `.data/first-run-${randomBytes(4).toString('hex')}`;
  let abone: AboneProcess;
  let base: string;

  const env = () => ({
    DATABASE_URL: '',
    MQTT_URL: '',
    ABONE_EMBEDDED_PG_DIR: dataDir,
    ABONE_EMBEDDED_PG_PORT: '0',
    ABONE_HTTP_PORT: '0',
    ABONE_HTTP_HOST: '127.0.0.1',
    ABONE_MQTT_PORT: '0',
    ABONE_MQTT_HOST: '127.0.0.1',
    ABONE_DEMO_METERS: '6',
    ABONE_DEMO_MODBUS_DEVICES: '1',
    ABONE_DEMO_DLMS_DEVICES: '1',
    ABONE_DEMO_INTERVAL_MS: '200',
    ABONE_ROLLUP_INTERVAL_MS: '500',
    ABONE_ADMIN_PASSWORD_FILE: `${dataDir}-admin-password`,
  });

  before(async () => {
    abone = startAbone(['start'], env());
    const running = await abone.waitForLog((l) => l.msg === 'Abone is running');
    base = running.http;
  });
  after(async () => {
    await abone?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.secret`, { force: true });
    await rm(`${dataDir}.port`, { force: true });
    await rm(`${dataDir}-admin-password`, { force: true });
  });

  let cookie = '';
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: { cookie } });
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
  };
  const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error('not reached in time');
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('reports healthy database and broker on /health', async () => {
    const { status, body } = await get('/health');
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.database.ok, true);
    assert.equal(body.broker.mode, 'embedded');
  });

  it('creates the first administrator with a password in a private file, never in the log', async () => {
    const password = (await readFile(`${dataDir}-admin-password`, 'utf8')).trim();
    assert.ok(password.length >= 20);
    assert.ok(!abone.logs.some((l) => JSON.stringify(l).includes(password)));
    assert.equal((await get('/api/v1/meters')).status, 401);
    const res = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    cookie = setCookie.split(';')[0];
  });

  it('shows demo readings arriving through the API and metrics', async () => {
    const meters = (await get('/api/v1/meters')).body;
    assert.equal(meters.total, 8); // six over MQTT, one polled over Modbus, one over DLMS/COSEM
    const serial = 'DEMO-G-000001';
    const latest = await eventually(async () => {
      const l = (await get(`/api/v1/meters/${serial}/latest`)).body;
      return l.channels.length >= 4 ? l : undefined;
    });
    assert.ok(latest.channels.some((c: { channel: string }) => c.channel === 'consumption'));
    const polled = await eventually(async () => {
      const l = (await get('/api/v1/meters/DEMO-MB-0001/latest')).body;
      return l.channels?.length === 4 ? l : undefined;
    });
    const pressure = polled.channels.find((c: { channel: string }) => c.channel === 'pressure');
    assert.ok(pressure.value > 0.015 && pressure.value < 0.03, `gas line pressure about 21 mbar, got ${pressure.value} bar`);
    const dlms = await eventually(async () => {
      const l = (await get('/api/v1/meters/DEMO-DL-0001/latest')).body;
      return l.channels?.some((c: { channel: string }) => c.channel === 'volume') ? l : undefined;
    });
    assert.ok(dlms.channels.find((c: { channel: string }) => c.channel === 'volume').value > 0);
    const written = await eventually(async () => {
      const m = String((await get('/metrics')).body).match(/^abone_ingest_readings_written_total (\d+)$/m);
      return m && Number(m[1]) > 100 ? Number(m[1]) : undefined;
    });
    assert.ok(written > 100);
    const from = new Date(Date.now() - 7 * 86400_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const hourly = await eventually(async () => {
      const s = (await get(`/api/v1/meters/${serial}/series?channel=consumption&resolution=hour&from=${from}&to=${to}`)).body;
      return s.points?.length ? s : undefined;
    });
    assert.ok(hourly.points.every((p: { value: number }) => p.value >= 0));
  });

  it('runs the starter rules on the demo fleet: its injected faults raise alarms that open routed work orders', async () => {
    const rules = (await get('/api/v1/rules')).body.items.map((r: { code: string }) => r.code).sort();
    assert.deepEqual(rules, ['gas-pressure', 'leak', 'reverse-flow', 'tamper', 'water-pressure']);
    const alarm = await eventually(async () => (await get('/api/v1/alarms?limit=1')).body.items?.[0], 120_000);
    assert.ok(['tamper', 'leak', 'reverse-flow', 'gas-pressure', 'water-pressure'].includes(alarm.type), alarm.type);
    const order = await eventually(async () => {
      const items = (await get('/api/v1/work-orders?limit=100')).body.items as Array<{ source: string; sourceRef: string; crew: string | null }> | undefined;
      return items?.find((o) => o.source === 'alarm' && o.sourceRef === String(alarm.id));
    });
    assert.ok(['DEMO-LEAK', 'DEMO-METER'].includes(String(order.crew)), `routed to a demo crew, got ${order.crew}`);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const { status, body } = await get('/docs/json');
    assert.equal(status, 200);
    assert.ok(body.paths['/api/v1/meters/{serial}/series']);
  });

  it('stops cleanly on SIGTERM', async () => {
    assert.equal(await abone.kill('SIGTERM'), 0);
  });

  it('starts again on the same data, with what the first run stored', async () => {
    abone = startAbone(['start'], env());
    base = (await abone.waitForLog((l) => l.msg === 'Abone is running')).http;
    const meters = await get('/api/v1/meters?limit=100');
    assert.equal(meters.status, 200);
    assert.ok(meters.body.total >= 6, JSON.stringify(meters.body).slice(0, 200));
    // The first run's demo household is still there, once: the seed does not run into a database with parties.
    const parties = await get(`/api/v1/parties?q=${encodeURIComponent('şükrü çağlayan')}`);
    assert.equal(parties.status, 200);
    assert.equal(parties.body.items.length, 1, JSON.stringify(parties.body).slice(0, 300));
    assert.equal(await abone.kill('SIGTERM'), 0);
  });
});
