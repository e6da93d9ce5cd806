/**
 * Starts one polling loop per Modbus device (device-poller.ts) and stops them together.
 *
 * The whole device list is checked before anything starts: a bad register map or address is the configuration's
 * fault, reported in one error that names every bad device, and nothing is polled until it is fixed. Devices take
 * the fields a meter's `communication` column holds: {"protocol":"modbus-tcp","host","port","unitId","pollSeconds"}.
 */
import { z } from 'zod';
import { AboneError } from '../../platform/errors.ts';
import { contextLogger } from '../../platform/logger.ts';
import { DevicePoller, type BackoffOptions, type DeviceStats, type PipelineSink, type PollTarget } from './device-poller.ts';
import { planReads } from './read-plan.ts';
import { parseRegisterMap } from './register-map.ts';

const log = contextLogger('modbus');

interface DeviceCommon {
  serial: string;
  map: unknown; // the register map as stored in meter_model.modbus_map (JSON object or text)
  unitId: number;
  pollSeconds: number;
  timeoutMs?: number;
}
export type ModbusDevice =
  | (DeviceCommon & { protocol?: 'modbus-tcp'; host: string; port: number })
  | (DeviceCommon & { protocol: 'modbus-rtu'; path: string; baudRate: number });

export interface ModbusPollers {
  stop(): Promise<void>;
  stats(): DeviceStats[];
}

export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };

const common = {
  serial: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a meter serial'),
  map: z.unknown(),
  unitId: z.number().int().min(0).max(255),
  pollSeconds: z.number().min(0.05).max(86_400),
  timeoutMs: z.number().int().min(10).max(120_000).optional(),
};
const tcpSchema = z.object({ ...common, protocol: z.literal('modbus-tcp').optional(), host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) });
const rtuSchema = z.object({ ...common, protocol: z.literal('modbus-rtu'), path: z.string().min(1), baudRate: z.number().int().min(300).max(4_000_000) });
const backoffSchema = z.object({ initialMs: z.number().int().min(1), maxMs: z.number().int().min(1) }).refine((b) => b.maxMs >= b.initialMs, 'maxMs must be >= initialMs');

export function startModbusPollers(opts: { pipeline: PipelineSink; devices: readonly ModbusDevice[]; backoff?: BackoffOptions }): ModbusPollers {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const targets = toTargets(opts.devices);
  const checked = backoffSchema.safeParse(backoff);
  if (!checked.success) throw new AboneError('ABONE_ERR_CONFIG_INVALID', { problems: `modbus backoff: ${checked.error.issues.map((i) => i.message).join('; ')}` });
  const pollers = targets.map((t) => new DevicePoller(t, opts.pipeline, backoff));
  for (const p of pollers) p.start();
  log.info({ devices: pollers.length }, 'modbus polling started');
  let stopped: Promise<void> | undefined;
  return {
    stop: () => (stopped ??= Promise.all(pollers.map((p) => p.stop())).then(() => log.info('modbus polling stopped'))),
    stats: () => pollers.map((p) => p.stats()),
  };
}

/** What is wrong with one device's settings, or undefined when it can be polled. Connects to nothing. */
export function checkModbusDevice(device: ModbusDevice): string | undefined {
  try {
    toTargets([device]);
    return undefined;
  } catch (err) {
    if (err instanceof AboneError) return err.message;
    throw err;
  }
}

/** Validates every device and resolves its read plan; throws one error listing every problem. */
function toTargets(devices: readonly ModbusDevice[]): PollTarget[] {
  const problems: string[] = [];
  const mapProblems: string[] = [];
  const serials = new Set<string>();
  const targets: PollTarget[] = [];
  devices.forEach((device, i) => {
    const rtu = (device as { protocol?: unknown } | null)?.protocol === 'modbus-rtu';
    const parsed = (rtu ? rtuSchema : tcpSchema).safeParse(device);
    const name = typeof device?.serial === 'string' ? device.serial.slice(0, 64) : `devices[${i}]`;
    if (!parsed.success) {
      problems.push(`${name}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'device'} ${x.message}`).join('; ')}`);
      return;
    }
    const d = parsed.data as ModbusDevice;
    if (serials.has(d.serial)) problems.push(`${d.serial}: listed twice`);
    serials.add(d.serial);
    try {
      const map = parseRegisterMap(d.map);
      targets.push({
        serial: d.serial,
        endpoint: d.protocol === 'modbus-rtu' ? { protocol: 'modbus-rtu', path: d.path, baudRate: d.baudRate } : { protocol: 'modbus-tcp', host: d.host, port: d.port },
        topic: d.protocol === 'modbus-rtu' ? `modbus-rtu://${d.path}/${d.unitId}` : `modbus://${d.host}:${d.port}/${d.unitId}`,
        unitId: d.unitId,
        pollMs: d.pollSeconds * 1000,
        timeoutMs: d.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        blocks: planReads(map),
      });
    } catch (err) {
      if (!(err instanceof AboneError)) throw err;
      mapProblems.push(`${d.serial}: ${err.params.detail}`);
    }
  });
  if (problems.length) throw new AboneError('ABONE_ERR_CONFIG_INVALID', { problems: [...problems, ...mapProblems].join('\n  ') });
  if (mapProblems.length) throw new AboneError('ABONE_ERR_MODBUS_MAP_INVALID', { detail: mapProblems.join('; ') });
  return targets;
}
