/**
 * The poller's isolation and recovery over real sockets, against emulated devices. The pipeline here is a recording
 * stub: these tests are about the loops, not storage (modbus.e2e.test.ts runs the same path into PostgreSQL).
 * No assertion depends on how fast the machine is: they count polls against generous lower bounds and wait for
 * events (with deadlines far beyond what they need), never for fixed durations.
 */
import assert from 'node:assert/strict';
import { freePort } from '../../platform/net.ts';
import { AboneError } from '../../platform/errors.ts';
import { MODBUS_EMULATOR_MAP, startModbusEmulator, type ModbusEmulator } from '../../simulators/index.ts';
import { startModbusPollers, type ModbusDevice, type ModbusPollers } from './index.ts';
import type { IngestMessage } from '../../headend/index.ts';

class RecordingPipeline {
  readonly messages: IngestMessage[] = [];
  async submit(message: IngestMessage): Promise<void> {
    this.messages.push(message);
  }
  countFor(topic: string): number {
    return this.messages.filter((m) => m.topic === topic).length;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition, checking often; the deadline only turns a hang into a clear failure. */
async function until(what: string, condition: () => boolean, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

const device = (serial: string, emu: { host: string; port: number }, extra: Partial<ModbusDevice> = {}): ModbusDevice => ({
  serial,
  map: MODBUS_EMULATOR_MAP,
  host: emu.host,
  port: emu.port,
  unitId: 1,
  pollSeconds: 0.1,
  timeoutMs: 300,
  ...extra,
} as ModbusDevice);

describe('modbus poller (real sockets, emulated devices)', () => {
  const emulators: ModbusEmulator[] = [];
  let pollers: ModbusPollers | undefined;

  afterEach(async () => {
    await pollers?.stop();
    pollers = undefined;
    await Promise.all(emulators.splice(0).map((e) => e.stop()));
  });

  it('keeps polling healthy devices while one is dead, and picks the dead one up again when it answers', async () => {
    for (const commodity of ['gas', 'water', 'gas'] as const) emulators.push(await startModbusEmulator({ commodity }));
    const [a, b, c] = emulators;
    const refused = { host: '127.0.0.1', port: await freePort() }; // nothing listens there: connection refused
    const pipeline = new RecordingPipeline();
    pollers = startModbusPollers({
      pipeline,
      devices: [device('MB-A', a), device('MB-B', b), device('MB-C', c), device('MB-GONE', refused)],
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const topic = (e: { port: number }) => `modbus://127.0.0.1:${e.port}/1`;
    const stat = (serial: string) => pollers!.stats().find((s) => s.serial === serial)!;
    await until('every live device has been polled', () => [a, b, c].every((e) => pipeline.countFor(topic(e)) >= 2));

    // ACT: C stops answering (its socket stays open; requests simply get no reply).
    c.setMode('dead');
    const before = { a: pipeline.countFor(topic(a)), b: pipeline.countFor(topic(b)), c: stat('MB-C').failures };
    await until('C has timed out three times', () => stat('MB-C').failures >= before.c + 3);
    const cMessagesWhileDead = pipeline.countFor(topic(c));

    // ASSERT: three timeouts of 300 ms (plus backoff) took at least ~1 s; at a 100 ms period A and B get ~10 polls
    // each in that time. Five is a bound any machine meets unless C's timeouts held them up.
    assert.ok(pipeline.countFor(topic(a)) - before.a >= 5, `A polled ${pipeline.countFor(topic(a)) - before.a} times while C was dead`);
    assert.ok(pipeline.countFor(topic(b)) - before.b >= 5, `B polled ${pipeline.countFor(topic(b)) - before.b} times while C was dead`);
    assert.match(stat('MB-C').lastError ?? '', /timed out/i);
    assert.ok(stat('MB-GONE').failures >= 1 && stat('MB-GONE').ok === 0);
    assert.ok(c.requests().dropped >= 3);

    // ACT: C answers again.
    const connectsBefore = stat('MB-C').connects;
    c.setMode('normal');
    await until('C is polled again', () => pipeline.countFor(topic(c)) >= cMessagesWhileDead + 3);

    // ASSERT: it reconnected by itself (a timed-out connection is never reused) and its readings are whole again.
    assert.ok(stat('MB-C').connects > connectsBefore, 'C reconnected');
    const last = pipeline.messages.filter((m) => m.topic === topic(c)).at(-1)!;
    assert.equal(last.rejection, undefined);
    assert.deepEqual(last.envelopes.map((e) => e.channel), ['volume', 'flow', 'pressure', 'temperature']);
    assert.ok(last.envelopes.every((e) => e.meterSerial === 'MB-C' && e.source === 'modbus' && e.quality === 'good' && e.ts % 1000 === 0));
  });

  it('reconnects by itself when a device restarts (connection lost, then refused, then back)', async () => {
    const first = await startModbusEmulator();
    const pipeline = new RecordingPipeline();
    pollers = startModbusPollers({ pipeline, devices: [device('MB-R', first)], backoff: { initialMs: 50, maxMs: 200 } });
    await until('first polls', () => pipeline.messages.length >= 2);
    await first.stop();
    const stat = () => pollers!.stats()[0];
    await until('the poller noticed', () => stat().failures >= 2);
    const seen = pipeline.messages.length;
    emulators.push(await startModbusEmulator({ port: first.port }));
    await until('polls resume', () => pipeline.messages.length >= seen + 2);
    assert.ok(stat().connects >= 2);
    assert.equal(pipeline.messages.at(-1)!.envelopes.length, 4);
  });

  it('turns an unreadable register into a modbus_decode rejection and keeps the rest', async () => {
    const emu = await startModbusEmulator({ commodity: 'water', noise: false, flowM3h: 0, volumeLitres: 42_000 });
    emulators.push(emu);
    emu.setMode('sensor_fault');
    const pipeline = new RecordingPipeline();
    pollers = startModbusPollers({ pipeline, devices: [device('MB-F', emu)] });
    await until('one poll arrived', () => pipeline.messages.length >= 1);
    const m = pipeline.messages[0];
    assert.equal(m.source, 'modbus');
    assert.deepEqual(m.rejection, { reason: 'modbus_decode', detail: 'MB-F: pressure: float32 is NaN (no valid measurement)' });
    assert.deepEqual(Object.fromEntries(m.envelopes.map((e) => [e.channel, e.value])), { volume: 42, flow: 0, temperature: 14 });
    assert.equal(m.raw?.toString('hex'), '0000a410' + '00000000' + '7fc00000' + '0578'); // 42000 L, 0.0, NaN, 1400
  });

  it('stops without waiting out the timeout of a request in flight', async () => {
    const emu = await startModbusEmulator();
    emulators.push(emu);
    emu.setMode('dead');
    const p = startModbusPollers({ pipeline: new RecordingPipeline(), devices: [device('MB-D', emu, { timeoutMs: 5000 } as Partial<ModbusDevice>)] });
    await until('a request is pending', () => emu.requests().dropped >= 1);
    await p.stop();
    // The pending read was abandoned, not waited out: it never counted as a timeout.
    assert.deepEqual({ ...p.stats()[0], lastPollAt: null }, { serial: 'MB-D', ok: 0, failures: 0, lastError: null, lastPollAt: null, connected: false, connects: 1 });
  });

  it('refuses a bad device list before polling anything', () => {
    const emu = { host: '127.0.0.1', port: 1502 };
    const start = (devices: unknown[]) => () => startModbusPollers({ pipeline: new RecordingPipeline(), devices: devices as ModbusDevice[] });
    const code = (c: string, pattern: RegExp) => (err: unknown) => err instanceof AboneError && err.code === c && pattern.test(err.message);
    assert.throws(start([device('MB-1', emu, { map: { points: [] } })]), code('ABONE_ERR_MODBUS_MAP_INVALID', /MB-1: points/));
    assert.throws(start([device('MB-1', emu, { unitId: 300 })]), code('ABONE_ERR_CONFIG_INVALID', /MB-1: unitId/));
    assert.throws(start([device('MB-1', emu), device('MB-1', emu)]), code('ABONE_ERR_CONFIG_INVALID', /MB-1: listed twice/));
    assert.throws(start([{ ...device('MB-1', emu), protocol: 'modbus-rtu' }]), code('ABONE_ERR_CONFIG_INVALID', /path/));
  });
});
