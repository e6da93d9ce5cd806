import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { startHeadend, type Headend } from './index.ts';

const limits = { maxBytes: 262_144, maxItems: 10_000 };
const msg = (serial: string, readings: unknown[]) => parseMqttMessage(`abone/v1/meters/${serial}/readings`, Buffer.from(JSON.stringify({ readings })), limits);

describe('ingest pipeline (real PostgreSQL)', () => {
  let db: TestDatabase;
  let headend: Headend;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({
      code: 'G4',
      manufacturer: 'Test',
      commodity: 'gas',
      channels: [{ channel: 'volume' }, { channel: 'consumption' }, { channel: 'pressure' }],
    });
    await headend.registry.addMeters([{ serial: 'M1', model: 'G4' }, { serial: 'M2', model: 'G4', status: 'inactive' }]);
  });
  after(async () => {
    await headend.stop();
    await db.drop();
  });

  const count = async (sql: string) => (await db.pool.query(sql)).rows[0].n as number;

  it('stores a batch once, however often it is delivered', async () => {
    const m = msg('M1', [
      { ts: '2026-01-15T07:00:00Z', ch: 'consumption', v: 0.5, u: 'm3' },
      { ts: '2026-01-15T07:30:00Z', ch: 'consumption', v: 0.25, u: 'm3' },
      { ts: '2026-01-15T08:00:00Z', ch: 'consumption', v: 1.0, u: 'm3' },
    ]);
    await headend.pipeline.submit(m);
    await headend.pipeline.submit(msg('M1', [{ ts: '2026-01-15T07:00:00Z', ch: 'consumption', v: 0.5, u: 'm3' }]));
    await Promise.all([headend.pipeline.submit(m), headend.pipeline.submit(m)]);
    assert.equal(await count('SELECT count(*) AS n FROM reading'), 3);
    assert.equal(headend.pipeline.metrics.readingsWritten, 3);
    assert.equal(headend.pipeline.metrics.readingsDuplicate, 7);
  });

  it('converts exactly convertible units and refuses the rest into the dead-letter table', async () => {
    await headend.pipeline.submit(
      msg('M1', [
        { ts: '2026-01-15T09:00:00Z', ch: 'pressure', v: 21, u: 'mbar' },
        { ts: '2026-01-15T09:00:00Z', ch: 'volume', v: 1, u: 'kWh' },
        { ts: '2026-01-15T09:00:00Z', ch: 'temperature', v: 5, u: 'degC' },
        { ts: '2026-01-15T10:00:00Z', ch: 'pressure', v: 22, u: 'mbar' },
      ]),
    );
    const { rows } = await db.pool.query(`SELECT value FROM reading WHERE channel_id = 6 ORDER BY ts`);
    assert.deepEqual(rows.map((r) => r.value), [0.021, 0.022]);
    const dl = await db.pool.query(`SELECT reason, detail FROM dead_letter ORDER BY reason`);
    assert.deepEqual(dl.rows.map((r) => r.reason), ['channel_not_on_model', 'unit_invalid']);
    assert.match(dl.rows[1].detail, /^1 of 4 refused/);
  });

  it('refuses unknown and inactive meters and timestamps far in the future', async () => {
    const future = new Date(Date.now() + 3 * 3600_000).toISOString();
    await headend.pipeline.submit(msg('NOPE', [{ ts: '2026-01-15T07:00:00Z', ch: 'consumption', v: 1, u: 'm3' }]));
    await headend.pipeline.submit(msg('M2', [{ ts: '2026-01-15T07:00:00Z', ch: 'consumption', v: 1, u: 'm3' }]));
    await headend.pipeline.submit(msg('M1', [{ ts: future, ch: 'consumption', v: 1, u: 'm3' }]));
    const { rows } = await db.pool.query(`SELECT reason FROM dead_letter WHERE reason IN ('meter_unknown','meter_inactive','ts_future') ORDER BY reason`);
    assert.deepEqual(rows.map((r) => r.reason), ['meter_inactive', 'meter_unknown', 'ts_future']);
    assert.equal(await count(`SELECT count(*) AS n FROM reading WHERE ts > now()`), 0);
  });

  it('rolls hours up into Europe/Istanbul days and months', async () => {
    // 2026-01-31 21:30 UTC is 2026-02-01 00:30 in Istanbul (UTC+3): it belongs to February 1st.
    await headend.pipeline.submit(
      msg('M1', [
        { ts: '2026-01-31T20:00:00Z', ch: 'consumption', v: 2, u: 'm3' },
        { ts: '2026-01-31T21:30:00Z', ch: 'consumption', v: 3, u: 'm3' },
        { ts: '2026-01-31T19:00:00Z', ch: 'volume', v: 100.5, u: 'm3' },
        { ts: '2026-01-31T20:59:00Z', ch: 'volume', v: 102.5, u: 'm3' },
      ]),
    );
    await headend.runRollupsNow();
    const hourly = await db.pool.query(`SELECT bucket, sum FROM rollup_hourly WHERE channel_id = 3 AND bucket = '2026-01-15T07:00:00Z'`);
    assert.equal(hourly.rows[0].sum, 0.75);
    const daily = await db.pool.query(`SELECT to_char(bucket AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD') AS day, sum FROM rollup_daily WHERE channel_id = 3 ORDER BY bucket`);
    assert.deepEqual(daily.rows, [
      { day: '2026-01-15', sum: 1.75 },
      { day: '2026-01-31', sum: 2 },
      { day: '2026-02-01', sum: 3 },
    ]);
    // A month row counts its days and sums them as billing reads a day (3 places), so it can stand in for them.
    const monthly = await db.pool.query(`SELECT to_char(bucket AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM') AS month, sum, days, days_sum::text FROM rollup_monthly WHERE channel_id = 3 ORDER BY bucket`);
    assert.deepEqual(monthly.rows, [
      { month: '2026-01', sum: 3.75, days: 2, days_sum: '3.750' },
      { month: '2026-02', sum: 3, days: 1, days_sum: '3.000' },
    ]);
    const vol = await db.pool.query(`SELECT first_value, last_value FROM rollup_daily WHERE channel_id = 1`);
    assert.deepEqual(vol.rows, [{ first_value: 100.5, last_value: 102.5 }]);
  });

  it('recomputes an hour when late data arrives', async () => {
    await headend.pipeline.submit(msg('M1', [{ ts: '2026-01-15T07:45:00Z', ch: 'consumption', v: 0.25, u: 'm3' }]));
    await headend.runRollupsNow();
    const hourly = await db.pool.query(`SELECT sum, n FROM rollup_hourly WHERE channel_id = 3 AND bucket = '2026-01-15T07:00:00Z'`);
    assert.deepEqual(hourly.rows, [{ sum: 1, n: 3 }]);
    const daily = await db.pool.query(`SELECT sum FROM rollup_daily WHERE channel_id = 3 AND bucket = '2026-01-14T21:00:00Z'`);
    assert.equal(daily.rows[0].sum, 2);
    const monthly = await db.pool.query(`SELECT days, days_sum::text FROM rollup_monthly WHERE channel_id = 3 AND bucket = '2025-12-31T21:00:00Z'`);
    assert.deepEqual(monthly.rows, [{ days: 2, days_sum: '4.000' }]);
  });
});
