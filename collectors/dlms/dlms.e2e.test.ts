/**
 * End to end: emulated DLMS meters on real TCP sockets, the collector (polling and push), the real ingest pipeline and
 * a real PostgreSQL. The load profile a meter holds must arrive in `reading` exactly, scaler and unit applied, whether
 * it was polled (block transfer, LLS) or pushed (compressed buffer with null clocks).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { startHeadend, type Headend } from '../../headend/index.ts';
import { startDlmsEmulator, type DlmsEmulator } from '../../simulators/index.ts';
import { DLMS_DECODE_REASON, encodeApdu, encodeWrapper, startDlmsCollector, type DlmsCollector } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dlms collector end to end (real sockets, real pipeline, real PostgreSQL)', () => {
  let db: TestDatabase;
  let headend: Headend;
  let polled: DlmsEmulator;
  let pushing: DlmsEmulator;
  let flaky: DlmsEmulator;
  let collector: DlmsCollector;

  async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const got = await probe();
      if (got !== undefined) return got;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }
  const volumes = async (serial: string) =>
    (
      await db.pool.query(
        `SELECT r.ts, r.value, r.quality FROM reading r JOIN meter m ON m.id = r.meter_id JOIN channel c ON c.id = r.channel_id
         WHERE m.serial = $1 AND c.code = 'volume' AND extract(epoch FROM r.ts)::bigint % 3600 = 0 ORDER BY r.ts`,
        [serial],
      )
    ).rows as Array<{ ts: Date; value: number; quality: number }>;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    polled = await startDlmsEmulator({ password: 'lls-secret', maxPdu: 200, clockSkewMs: 90_000 });
    pushing = await startDlmsEmulator({ nullClocks: true, startLitres: 987_654 });
    flaky = await startDlmsEmulator();
    await headend.registry.upsertModel({ code: 'DLMS-GAS', manufacturer: 'Abone emulator', commodity: 'gas', channels: ['volume', 'temperature', 'pressure'].map((channel) => ({ channel })) });
    const tcp = (e: DlmsEmulator, extra: Record<string, unknown> = {}) => ({ protocol: 'dlms-tcp', host: e.host, port: e.port, clientSap: 16, serverSap: 1, pollSeconds: 0.3, timeoutMs: 400, model: 'generic-gas', ...extra });
    await headend.registry.addMeters([
      { serial: 'DL-GAS-1', model: 'DLMS-GAS', communication: tcp(polled, { password: 'lls-secret', maxReceivePdu: 200, logicalDeviceName: polled.logicalDeviceName }) },
      { serial: 'DL-GAS-2', model: 'DLMS-GAS', communication: { protocol: 'dlms-push', logicalDeviceName: pushing.logicalDeviceName, model: 'generic-gas' } },
      { serial: 'DL-GAS-3', model: 'DLMS-GAS', communication: tcp(flaky) },
    ]);
    collector = await startDlmsCollector({ pipeline: headend.pipeline, registry: headend.registry, pushPort: 0, settings: { backfillHours: 72 }, backoff: { initialMs: 50, maxMs: 400 } });
  });

  after(async () => {
    await collector?.stop();
    await Promise.all([polled?.stop(), pushing?.stop(), flaky?.stop()]);
    await headend?.stop();
    await db?.drop();
  });

  it('stores the polled load profile exactly: every hourly index, litres at scaler -3 as m3', async () => {
    // The meter's clock runs 90 s ahead: within 90 s before an hour its profile already holds the coming hour's row,
    // a reading from the future for the head-end, which does not take it. Expected are the rows up to our own clock.
    const expected = polled.profile(undefined, Date.now());
    assert.ok(expected.length >= 48);
    const rows = await until('the polled profile', async () => {
      const r = await volumes('DL-GAS-1');
      return r.length >= expected.length ? r : undefined;
    });
    const stored = new Map(rows.map((r) => [r.ts.getTime(), r.value]));
    for (const e of expected) assert.equal(stored.get(e.ts), e.volumeLitres / 1000, `volume at ${new Date(e.ts).toISOString()}`);
    assert.ok(rows.every((r) => r.quality === 0));
    assert.ok(polled.requests().associations >= 1 && polled.requests().refused === 0, 'LLS association with the right password');
  });

  it('stores polled registers with their scaler_unit: temperature in degC, pressure in bar', async () => {
    const got = await until('temperature and pressure', async () => {
      const { rows } = await db.pool.query(
        `SELECT DISTINCT ON (c.code) c.code, r.value FROM reading r JOIN meter m ON m.id = r.meter_id JOIN channel c ON c.id = r.channel_id
         WHERE m.serial = 'DL-GAS-1' AND c.code IN ('temperature', 'pressure') ORDER BY c.code, r.ts DESC`,
      );
      return rows.length === 2 ? Object.fromEntries(rows.map((r) => [r.code, r.value])) : undefined;
    });
    assert.equal(got.temperature, 12); // int16 1200, scaler -2, °C
    assert.equal(got.pressure, 0.021); // uint16 21, scaler -3, bar
  });

  it('stores a pushed load profile exactly, null clocks continuing the capture period', async () => {
    await pushing.push('127.0.0.1', collector.pushPort!);
    const expected = pushing.profile();
    const rows = await until('the pushed profile', async () => {
      const r = await volumes('DL-GAS-2');
      return r.length >= expected.length ? r : undefined;
    });
    assert.deepEqual(
      rows.map((r) => [r.ts.getTime(), r.value]),
      expected.map((e) => [e.ts, e.volumeLitres / 1000]),
    );
  });

  it('dead-letters pushes that do not decode or name no known meter, with their raw bytes', async () => {
    const broken = Buffer.from('0f00000001000203', 'hex'); // a structure of 3 elements, and then nothing
    const stranger = encodeApdu({ tag: 'data-notification', longInvoke: 7, dateTime: null, body: { type: 'structure', items: [{ type: 'octet-string', value: Buffer.from('NOBODY') }] } });
    await new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: collector.pushPort! }, () => s.end(Buffer.concat([Buffer.from('garbage'), encodeWrapper({ source: 1, destination: 0x66, apdu: broken }), encodeWrapper({ source: 1, destination: 0x66, apdu: stranger })]), () => resolve()));
      s.on('error', reject);
    });
    const dead = await until('two dead letters', async () => {
      const { rows } = await db.pool.query(`SELECT reason, detail, raw FROM dead_letter WHERE topic LIKE 'dlms-push://%' ORDER BY id`);
      return rows.length >= 2 ? rows : undefined;
    });
    assert.equal(dead[0].reason, DLMS_DECODE_REASON);
    assert.match(dead[0].detail, /^truncated: /);
    assert.deepEqual(dead[0].raw, broken);
    assert.equal(dead[1].reason, 'meter_unknown');
    assert.match(dead[1].detail, /NOBODY/);
  });

  it('closes and opens the valve (Disconnect Control) and records the events', async () => {
    await collector.command('DL-GAS-1', { kind: 'valve_close' });
    assert.equal(polled.valve(), 'closed');
    await collector.command('DL-GAS-1', { kind: 'valve_open' });
    assert.equal(polled.valve(), 'open');
    const events = await until('valve events', async () => {
      const { rows } = await db.pool.query(`SELECT e.code FROM meter_event e JOIN meter m ON m.id = e.meter_id WHERE m.serial = 'DL-GAS-1' ORDER BY e.ts`);
      return rows.length >= 2 ? rows.map((r) => r.code) : undefined;
    });
    assert.deepEqual(events, ['valve_closed', 'valve_open']);
    await assert.rejects(collector.command('DL-GAS-2', { kind: 'valve_close' }), { code: 'ABONE_ERR_DLMS_METER_NOT_POLLED' });
  });

  it('sets a drifting meter clock on command (Clock, attribute 2)', async () => {
    assert.ok(Math.abs(polled.clockOffsetMs() - 90_000) < 1000);
    const drift = collector.stats().meters.find((m) => m.serial === 'DL-GAS-1')!.clockDriftMs!;
    assert.ok(Math.abs(drift - 90_000) < 5000, `measured drift ${drift}`);
    await collector.command('DL-GAS-1', { kind: 'clock_sync' });
    assert.ok(Math.abs(polled.clockOffsetMs()) < 1000, `offset after sync ${polled.clockOffsetMs()}`);
  });

  it('isolates a dead meter: the others keep their rate, and it recovers when it answers again', async () => {
    flaky.setMode('dead');
    const before = collector.stats().meters;
    await sleep(2000);
    const after = collector.stats().meters;
    const get = (s: typeof before, serial: string) => s.find((m) => m.serial === serial)!;
    assert.ok(get(after, 'DL-GAS-3').failures > get(before, 'DL-GAS-3').failures, 'the dead meter fails');
    assert.match(get(after, 'DL-GAS-3').lastError ?? '', /\(timeout\)/);
    // The live meter polls every 300 ms: a dead neighbour with 400 ms timeouts must not slow it.
    assert.ok(get(after, 'DL-GAS-1').ok - get(before, 'DL-GAS-1').ok >= 3, `live meter polls: ${get(after, 'DL-GAS-1').ok - get(before, 'DL-GAS-1').ok}`);
    flaky.setMode('normal');
    const okBefore = get(collector.stats().meters, 'DL-GAS-3').ok;
    await until('the flaky meter to recover', async () => (get(collector.stats().meters, 'DL-GAS-3').ok > okBefore ? true : undefined), 10_000);
  });
});
