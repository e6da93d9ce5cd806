/**
 * A running demo: simulated AMI meters publishing over MQTT, and Modbus TCP and DLMS/COSEM device emulators
 * registered as meters the head-end polls. `npm start` runs one beside the head-end; `abone simulate` runs one against a running system.
 */
import type { DeviceRegistry } from '../headend/index.ts';
import { contextLogger } from '../platform/logger.ts';
import type { FaultPlan } from './faults.ts';
import { startFleet, type Fleet } from './fleet.ts';
import { startModbusEmulator, type ModbusEmulator } from './modbus-emulator.ts';
import { provisionDemoFleet, provisionDlmsMeters, provisionModbusMeters } from './provision.ts';
import { startDlmsEmulator, type DlmsEmulator } from './dlms-emulator.ts';

const log = contextLogger('demo');
const DAY_MS = 86_400_000;

export interface DemoOptions {
  registry: DeviceRegistry;
  mqttUrl: string;
  meters: number;
  modbusDevices: number;
  dlmsDevices?: number;
  intervalMs: number;
  prefix?: string;
  backlogDays?: number; // history the fleet catches up on first, so charts have something to show
  faults?: Partial<FaultPlan>;
}

export interface Demo {
  fleet?: Fleet;
  emulators: ModbusEmulator[];
  dlms: DlmsEmulator[];
  stop(): Promise<void>;
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const prefix = opts.prefix ?? 'DEMO';
  const emulators: ModbusEmulator[] = [];
  for (let i = 0; i < opts.modbusDevices; i++) emulators.push(await startModbusEmulator({ commodity: 'gas', seed: `${prefix}-${i}` }));
  if (emulators.length) await provisionModbusMeters(opts.registry, emulators, prefix);
  const dlms: DlmsEmulator[] = [];
  for (let i = 0; i < (opts.dlmsDevices ?? 0); i++) dlms.push(await startDlmsEmulator({ logicalDeviceName: `${prefix}DL${i + 1}` }));
  if (dlms.length) await provisionDlmsMeters(opts.registry, dlms, prefix);
  let fleet: Fleet | undefined;
  if (opts.meters > 0) {
    const meters = await provisionDemoFleet(opts.registry, opts.meters, prefix);
    const startAt = Date.now() - (opts.backlogDays ?? 7) * DAY_MS;
    fleet = await startFleet({ url: opts.mqttUrl, meters, intervalMs: opts.intervalMs, startAt, faults: opts.faults });
  }
  log.info({ meters: opts.meters, modbus: emulators.map((e) => `${e.host}:${e.port}`), dlms: dlms.map((e) => `${e.host}:${e.port}`), url: opts.mqttUrl }, 'demo running');
  return {
    fleet,
    emulators,
    dlms,
    stop: async () => {
      await fleet?.stop();
      await Promise.all([...emulators, ...dlms].map((e) => e.stop()));
    },
  };
}
