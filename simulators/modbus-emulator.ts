/**
 * A Modbus TCP meter on a real socket (modbus-serial's ServerTCP), for tests, demos and trying a register map
 * before a field device exists. It serves what `MODBUS_EMULATOR_MAP` declares, so the collector and the tests read
 * it with the same map a meter model would carry:
 *
 *   holding 0-1  volume       uint32  litres (scale 0.001 -> m3); grows with the flow, wraps at 2^32 like a register
 *   holding 2-3  flow         float32 m3/h
 *   input   0-1  pressure     float32 mbar (gas ~21 mbar, water ~3000 mbar = 3 bar)
 *   input   2    temperature  int16   0.01 degC (signed: a meter outdoors goes below zero)
 *
 * Modes, switchable while it runs: 'normal'; 'dead', where requests are received and never answered, the way a
 * device behind a dropped radio link looks to a client (it times out, it is not refused); 'sensor_fault', where the
 * pressure register holds NaN, the way many devices report a missing probe.
 */
import { ServerTCP, type FCallbackVal, type IServiceVector } from 'modbus-serial';
import { freePort } from '../platform/net.ts';
import { mulberry32, seedFrom } from './random.ts';

export type EmulatorMode = 'normal' | 'dead' | 'sensor_fault';

export const MODBUS_EMULATOR_MAP = {
  byteOrder: 'BE',
  wordOrder: 'BE',
  points: [
    { channel: 'volume', function: 'holding', address: 0, type: 'uint32', scale: 0.001, unit: 'm3' },
    { channel: 'flow', function: 'holding', address: 2, type: 'float32', unit: 'm3/h' },
    { channel: 'pressure', function: 'input', address: 0, type: 'float32', unit: 'mbar' },
    { channel: 'temperature', function: 'input', address: 2, type: 'int16', scale: 0.01, unit: 'degC' },
  ],
} as const;

export interface ModbusEmulatorOptions {
  port?: number; // 0 (default): any free port
  host?: string;
  unitId?: number; // requests for another unit id are ignored, as on a shared bus
  commodity?: 'gas' | 'water';
  volumeLitres?: number; // the index at start
  flowM3h?: number; // constant flow; 0 keeps the index still
  noise?: boolean; // pressure and temperature wander around their nominal values (default true)
  seed?: string; // noise is deterministic per seed
}

/** The physical state the registers encode, at one instant. */
export interface EmulatedMeterState {
  volumeLitres: number;
  flowM3h: number;
  pressureMbar: number;
  temperatureC: number;
}

export interface ModbusEmulator {
  host: string;
  port: number;
  unitId: number;
  setMode(mode: EmulatorMode): void;
  mode(): EmulatorMode;
  state(at?: number): EmulatedMeterState;
  /** Requests received and answered (dead mode: received and dropped). */
  requests(): { answered: number; dropped: number };
  stop(): Promise<void>;
}

export async function startModbusEmulator(opts: ModbusEmulatorOptions = {}): Promise<ModbusEmulator> {
  const host = opts.host ?? '127.0.0.1';
  let port = opts.port || (await freePort(host));
  const unitId = opts.unitId ?? 1;
  const commodity = opts.commodity ?? 'gas';
  const flowM3h = opts.flowM3h ?? (commodity === 'gas' ? 0.8 : 0.3);
  const startLitres = opts.volumeLitres ?? 1_234_567;
  const startedAt = Date.now();
  const random = mulberry32(seedFrom(opts.seed ?? `modbus:${port}:${unitId}`));
  const wobble = (amplitude: number) => (opts.noise === false ? 0 : (random() * 2 - 1) * amplitude);
  let mode: EmulatorMode = 'normal';
  const counts = { answered: 0, dropped: 0 };

  const state = (at = Date.now()): EmulatedMeterState => ({
    volumeLitres: Math.floor(startLitres + (flowM3h * 1000 * (at - startedAt)) / 3_600_000),
    flowM3h,
    pressureMbar: commodity === 'gas' ? 21 + wobble(0.4) : 3000 + wobble(60),
    temperatureC: (commodity === 'gas' ? 12 : 14) + wobble(0.5),
  });

  /** The register tables as the device would hold them right now. */
  const tables = () => {
    const s = state();
    const holding = [...u32(s.volumeLitres), ...f32(s.flowM3h)];
    const input = [...f32(mode === 'sensor_fault' ? NaN : s.pressureMbar), Math.round(s.temperatureC * 100) & 0xffff];
    return { holding, input };
  };

  /** The words asked for, or an illegal-address error; undefined when dead (the request is dropped unanswered). */
  const answer = (table: 'holding' | 'input', addr: number, length: number): { err: Error | null; words: number[] } | undefined => {
    if (mode === 'dead') {
      counts.dropped++;
      return undefined;
    }
    counts.answered++;
    const words = tables()[table];
    if (addr + length > words.length) return { err: Object.assign(new Error('Illegal data address'), { modbusErrorCode: 0x02 }), words: [] };
    return { err: null, words: words.slice(addr, addr + length) };
  };

  // Callback-style handlers (modbus-serial tells them apart by arity): only they can leave a request unanswered.
  const vector: IServiceVector = {
    getHoldingRegister: (addr: number, _unit: number, cb: FCallbackVal<number>) => reply(answer('holding', addr, 1), (e, w) => cb(e, w[0] ?? 0)),
    getInputRegister: (addr: number, _unit: number, cb: FCallbackVal<number>) => reply(answer('input', addr, 1), (e, w) => cb(e, w[0] ?? 0)),
    getMultipleHoldingRegisters: (addr: number, length: number, _unit: number, cb: FCallbackVal<number[]>) => reply(answer('holding', addr, length), cb),
    getMultipleInputRegisters: (addr: number, length: number, _unit: number, cb: FCallbackVal<number[]>) => reply(answer('input', addr, length), cb),
  };

  // A free port can be taken by someone else before we listen on it; when we chose it, choose again.
  let server: ServerTCP | undefined;
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await listen(vector, host, port, unitId);
    } catch (err) {
      if (opts.port || attempt >= 5) throw err;
      port = await freePort(host);
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    unitId,
    setMode: (m) => {
      mode = m;
    },
    mode: () => mode,
    state,
    requests: () => ({ ...counts }),
    stop: () => (stopped ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

async function listen(vector: IServiceVector, host: string, port: number, unitId: number): Promise<ServerTCP> {
  const server = new ServerTCP(vector, { host, port, unitID: unitId });
  // A client dropping its socket mid-request is routine for a device; without listeners these events would throw.
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err) => reject(err));
  });
  return server;
}

function reply(a: { err: Error | null; words: number[] } | undefined, cb: (err: Error | null, words: number[]) => void): void {
  if (a) cb(a.err, a.words);
}

/** uint32 as two registers, most significant first (word order BE). The index wraps like a mechanical register. */
function u32(value: number): number[] {
  const v = ((value % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return [Math.floor(v / 0x10000), v & 0xffff];
}

function f32(value: number): number[] {
  const buf = Buffer.alloc(4);
  buf.writeFloatBE(value, 0);
  return [buf.readUInt16BE(0), buf.readUInt16BE(2)];
}
