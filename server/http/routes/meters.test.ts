import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { startHeadend, type Headend } from '../../../headend/index.ts';
import { parseMqttMessage } from '../../../collectors/mqtt/index.ts';
import { createApp, type App } from '../app.ts';
import { meterRoutes } from './meters.ts';
import { healthRoutes } from './health.ts';
import { accessRoutes, LoginThrottle } from '../../../modules/access/index.ts';
import { sessionAs } from '../../../test/support/auth.ts';

describe('HTTP API: health, meters, latest values, series', () => {
  let db: TestDatabase;
  let headend: Headend;
  let app: App;
  let get: (url: string) => Promise<Awaited<ReturnType<App['inject']>>>;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({ code: 'W1', manufacturer: 'T', commodity: 'water', channels: [{ channel: 'volume' }, { channel: 'consumption' }, { channel: 'pressure' }] });
    await headend.registry.addMeters([{ serial: 'W-1', model: 'W1' }]);
    await headend.registry.upsertModel({ code: 'W5', manufacturer: 'T', commodity: 'water', registerDigits: 5, channels: [{ channel: 'volume' }] });
    await headend.registry.addMeters([{ serial: 'W-5', model: 'W5' }]);
    // Two Istanbul days of hourly water data: consumption 0.01 m3 every hour, the register climbing with it,
    // pressure 3.0 bar by day and 3.4 bar at night (00-05 local).
    const readings = [];
    for (let h = 0; h < 48; h++) {
      const ts = new Date(Date.parse('2026-03-09T21:00:00Z') + h * 3600_000).toISOString(); // 2026-03-10 00:00 local
      const localHour = h % 24;
      readings.push({ ts, ch: 'consumption', v: 0.01, u: 'm3' }, { ts, ch: 'volume', v: 100 + 0.01 * (h + 1), u: 'm3' }, { ts, ch: 'pressure', v: localHour < 6 ? 3.4 : 3.0, u: 'bar' });
    }
    await headend.pipeline.submit(parseMqttMessage('abone/v1/meters/W-1/readings', Buffer.from(JSON.stringify({ readings })), { maxBytes: 1e6, maxItems: 1e4 }));
    // A 5-digit register wrapping from 99999.9 to 0.4 on the second day, with a small backward step (reverse flow)
    // on the third: daily consumption 0.1 (day one), 0.5 (day two, across the wrap) and -0.1 (day three).
    const wrap = [
      ['2026-03-09T22:00:00Z', 99999.8], ['2026-03-10T20:00:00Z', 99999.9],
      ['2026-03-10T22:00:00Z', 0.2], ['2026-03-11T20:00:00Z', 0.4],
      ['2026-03-11T22:00:00Z', 0.35], ['2026-03-12T20:00:00Z', 0.3],
    ].map(([ts, v]) => ({ ts, ch: 'volume', v, u: 'm3' }));
    await headend.pipeline.submit(parseMqttMessage('abone/v1/meters/W-5/readings', Buffer.from(JSON.stringify({ readings: wrap })), { maxBytes: 1e6, maxItems: 1e4 }));
    await headend.runRollupsNow();
    app = await createApp(db.pool);
    accessRoutes(app, { pool: db.pool, throttle: new LoginThrottle({ maxFailures: 5, lockMinutes: 15, maxFailuresPerIp: 20, ipWindowMinutes: 15 }), sessionHours: 1, cookieSecure: true });
    healthRoutes(app, { pool: db.pool, pipeline: headend.pipeline, broker: () => ({ mode: 'embedded', connected: true, port: 1, clients: 0 }) });
    meterRoutes(app, { pool: db.pool, registry: headend.registry });
    await app.ready();
    const operator = await sessionAs(app, db.pool, [{ role: 'ami_operator' }]);
    get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie: operator.cookie } });
  });
  after(async () => {
    await app.close();
    await headend.stop();
    await db.drop();
  });

  it('says all is well on /health and counts on /metrics', async () => {
    const health = await get('/health');
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().status, 'ok');
    assert.equal(health.json().ingest.readingsWritten, 150);
    const metrics = await get('/metrics');
    assert.match(metrics.body, /^abone_ingest_readings_written_total 150$/m);
  });

  it('lists meters and their latest values', async () => {
    const list = await get('/api/v1/meters?commodity=water');
    assert.deepEqual(list.json().items.map((m: { serial: string }) => m.serial), ['W-1', 'W-5']);
    const latest = await get('/api/v1/meters/W-1/latest');
    const byChannel = Object.fromEntries(latest.json().channels.map((c: { channel: string; value: number }) => [c.channel, c.value]));
    assert.deepEqual(byChannel, { volume: 100.48, consumption: 0.01, pressure: 3.0 });
  });

  it('serves daily series from rollups by channel kind', async () => {
    const q = 'from=2026-03-09T21:00:00Z&to=2026-03-11T21:00:00Z&resolution=day';
    const consumption = (await get(`/api/v1/meters/W-1/series?channel=consumption&${q}`)).json();
    assert.deepEqual(consumption.points.map((p: { value: number }) => Number(p.value.toFixed(6))), [0.24, 0.24]);
    const pressure = (await get(`/api/v1/meters/W-1/series?channel=pressure&${q}`)).json();
    // 6 night hours at 3.4 and 18 day hours at 3.0: mean 3.1, min 3.0, max 3.4
    assert.deepEqual(pressure.points.map((p: { value: number; min: number; max: number }) => [Number(p.value.toFixed(6)), p.min, p.max]), [[3.1, 3, 3.4], [3.1, 3, 3.4]]);
    const volume = (await get(`/api/v1/meters/W-1/series?channel=volume&${q}`)).json();
    assert.deepEqual(volume.points.map((p: { value: number; delta: number }) => [Number(p.value.toFixed(6)), Number(p.delta.toFixed(6))]), [[100.24, 0.23], [100.48, 0.24]]);
    const raw = (await get(`/api/v1/meters/W-1/series?channel=consumption&resolution=raw&from=2026-03-09T21:00:00Z&to=2026-03-09T23:00:00Z`)).json();
    assert.equal(raw.points.length, 2);
  });

  it('carries a register across its rollover and keeps reverse flow negative', async () => {
    const s = (await get('/api/v1/meters/W-5/series?channel=volume&resolution=day&from=2026-03-09T21:00:00Z&to=2026-03-12T21:00:00Z')).json();
    assert.deepEqual(s.points.map((p: { delta: number }) => Number(p.delta.toFixed(6))), [0.1, 0.5, -0.1]);
  });

  it('refuses what it cannot honour with a stable code', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/v1/meters/NOPE/latest', 404, 'ABONE_ERR_HEADEND_METER_NOT_FOUND'],
      ['/api/v1/meters/W-1/series?channel=nope&from=2026-03-09T21:00:00Z&to=2026-03-10T21:00:00Z', 400, 'ABONE_ERR_HEADEND_CHANNEL_UNKNOWN'],
      ['/api/v1/meters/W-1/series?channel=volume&from=2026-03-10T21:00:00Z&to=2026-03-09T21:00:00Z', 400, 'ABONE_ERR_HEADEND_RANGE_INVALID'],
      ['/api/v1/meters/W-1/series?channel=volume&from=yesterday&to=2026-03-09T21:00:00Z', 400, 'ABONE_ERR_HTTP_VALIDATION'],
      ["/api/v1/meters/W-1';DROP TABLE meter;--/latest", 400, 'ABONE_ERR_HTTP_VALIDATION'],
      ['/api/v1/meters?limit=100000', 400, 'ABONE_ERR_HTTP_VALIDATION'],
      ['/nowhere', 404, 'ABONE_ERR_HTTP_NOT_FOUND'],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      assert.equal(res.statusCode, status, url);
      assert.equal(res.json().code, code, url);
    }
    assert.equal((await db.pool.query('SELECT count(*) AS n FROM meter')).rows[0].n, 2);
  });
});
