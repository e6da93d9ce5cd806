/**
 * End to end: emulated Modbus meters on real sockets, the poller, the real ingest pipeline and a real PostgreSQL.
 * The register map travels the way it does in production: stored on the meter model, read back from the database.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { startHeadend, type Headend } from '../../headend/index.ts';
import { MODBUS_EMULATOR_MAP, startModbusEmulator, type ModbusEmulator } from '../../simulators/index.ts';
import { startModbusPollers, type ModbusDevice, type ModbusPollers } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('modbus collector end to end (real PostgreSQL, real pipeline)', () => {
  let db: TestDatabase;
  let headend: Headend;
  let gas: ModbusEmulator;
  let water: ModbusEmulator;
  let pollers: ModbusPollers;

  /** Polls the database until `sql` returns at least `n` rows; the deadline only turns a hang into a failure. */
  async function rows(sql: string, params: unknown[], n: number, deadlineMs = 30_000) {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const r = await db.pool.query(sql, params);
      if (r.rows.length >= n) return r.rows;
      if (Date.now() > end) throw new Error(`timed out waiting for ${n} rows of: ${sql} (have ${r.rows.length})`);
      await sleep(50);
    }
  }
  const latest = (serial: string) =>
    rows(
      `SELECT DISTINCT ON (c.code) c.code, r.value, r.ts FROM reading r JOIN channel c ON c.id = r.channel_id JOIN meter m ON m.id = r.meter_id
       WHERE m.serial = $1 ORDER BY c.code, r.ts DESC`,
      [serial],
      4,
    );

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    // Still meters (no flow, no noise) so the stored values can be checked exactly; the water meter runs fast
    // (3600 m3/h = 1000 L/s) so its index visibly grows between polls.
    gas = await startModbusEmulator({ commodity: 'gas', noise: false, flowM3h: 0, volumeLitres: 12_345_678 });
    water = await startModbusEmulator({ commodity: 'water', noise: false, flowM3h: 3600, volumeLitres: 500_000 });
    const channels = ['volume', 'flow', 'pressure', 'temperature'].map((channel) => ({ channel }));
    for (const commodity of ['gas', 'water'] as const) {
      await headend.registry.upsertModel({ code: `EMU-${commodity}`, manufacturer: 'Abone emulator', commodity, channels, modbusMap: MODBUS_EMULATOR_MAP });
    }
    const comm = (e: ModbusEmulator) => ({ protocol: 'modbus-tcp', host: e.host, port: e.port, unitId: e.unitId, pollSeconds: 0.5, timeoutMs: 1000 });
    await headend.registry.addMeters([
      { serial: 'MB-GAS-1', model: 'EMU-gas', communication: comm(gas) },
      { serial: 'MB-WATER-1', model: 'EMU-water', communication: comm(water) },
    ]);
    // What a server does at start-up: the Modbus meters, their address and their model's map, from the database.
    const { rows: meters } = await db.pool.query(
      `SELECT m.serial, m.communication AS c, mm.modbus_map AS map FROM meter m JOIN meter_model mm ON mm.id = m.model_id
       WHERE m.communication->>'protocol' = 'modbus-tcp' ORDER BY m.serial`,
    );
    const devices: ModbusDevice[] = meters.map((m) => ({ serial: m.serial, map: m.map, host: m.c.host, port: m.c.port, unitId: m.c.unitId, pollSeconds: m.c.pollSeconds, timeoutMs: m.c.timeoutMs }));
    pollers = startModbusPollers({ pipeline: headend.pipeline, devices });
  });

  after(async () => {
    await pollers?.stop();
    await Promise.all([gas?.stop(), water?.stop()]);
    await headend?.stop();
    await db?.drop();
  });

  it('stores each polled register as a reading, scaled and in the channel unit', async () => {
    const got = Object.fromEntries((await latest('MB-GAS-1')).map((r) => [r.code, r.value]));
    // 12,345,678 L at scale 0.001 -> m3; 21 mbar -> bar by the pipeline; 1200 x 0.01 degC.
    assert.equal(got.volume, 12345.678);
    assert.equal(got.flow, 0);
    assert.ok(Math.abs(got.pressure - 0.021) < 1e-12, `pressure ${got.pressure}`);
    assert.equal(got.temperature, 12);
    const water = Object.fromEntries((await latest('MB-WATER-1')).map((r) => [r.code, r.value]));
    assert.equal(water.pressure, 3);
    assert.equal(water.flow, 3600);
    assert.equal(water.temperature, 14);
  });

  it('stamps readings to the second and keeps the index growing with the flow', async () => {
    const vols = await rows(
      `SELECT r.ts, r.value, r.quality FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = 'MB-WATER-1' AND r.channel_id = 1 ORDER BY r.ts`,
      [],
      3,
    );
    for (let i = 1; i < vols.length; i++) assert.ok(vols[i].value > vols[i - 1].value, `index ${vols[i].value} after ${vols[i - 1].value}`);
    assert.ok(vols.every((v) => v.ts.getTime() % 1000 === 0 && v.quality === 0));
    assert.equal(await db.pool.query(`SELECT 1 FROM dead_letter`).then((r) => r.rowCount), 0);
  });

  it('dead-letters an unreadable register with the raw bytes, and still stores the rest of the poll', async () => {
    gas.setMode('sensor_fault');
    const [dl] = await rows(`SELECT source, topic, reason, detail, raw FROM dead_letter WHERE reason = 'modbus_decode'`, [], 1);
    assert.equal(dl.source, 'modbus');
    assert.equal(dl.topic, `modbus://127.0.0.1:${gas.port}/1`);
    assert.equal(dl.detail, 'MB-GAS-1: pressure: float32 is NaN (no valid measurement)');
    // volume 12,345,678 = 0x00BC614E, flow 0.0, pressure NaN, temperature 1200 = 0x04B0
    assert.equal(dl.raw.toString('hex'), '00bc614e' + '00000000' + '7fc00000' + '04b0');
    // A poll during the fault stored the volume on its own: a second with a volume reading and no pressure reading.
    await rows(
      `SELECT v.ts FROM reading v JOIN meter m ON m.id = v.meter_id
       WHERE m.serial = 'MB-GAS-1' AND v.channel_id = 1 AND NOT EXISTS (SELECT 1 FROM reading p WHERE p.meter_id = v.meter_id AND p.channel_id = 6 AND p.ts = v.ts)`,
      [],
      1,
    );
    gas.setMode('normal');
  });
});
