/**
 * Starts the Modbus pollers for the meters the registry says are polled, and follows the registry: every minute the
 * list is read again and the pollers restarted when it changed (a meter added, moved or retired), so no restart of
 * the head-end is needed. A meter whose settings are invalid is logged and skipped; it never stops the others.
 */
import { contextLogger } from '../platform/logger.ts';
import type { DeviceRegistry, IngestPipeline } from '../headend/index.ts';
import { checkModbusDevice, startModbusPollers, type ModbusDevice, type ModbusPollers } from '../collectors/modbus/index.ts';

const log = contextLogger('polling');
const REFRESH_MS = 60_000;

export interface PolledDevices {
  refresh(): Promise<void>;
  count(): number;
  stop(): Promise<void>;
}

export async function startPolledDevices(registry: DeviceRegistry, pipeline: IngestPipeline): Promise<PolledDevices> {
  let pollers: ModbusPollers | undefined;
  let current = '';
  let count = 0;

  const refresh = async () => {
    const devices: ModbusDevice[] = [];
    for (const m of await registry.polledMeters()) {
      const device = { ...m.communication, serial: m.serial, map: m.map } as ModbusDevice;
      const problem = checkModbusDevice(device);
      if (problem) log.error({ serial: m.serial, problem }, 'polled meter skipped: invalid settings');
      else devices.push(device);
    }
    const key = JSON.stringify(devices);
    if (key === current) return;
    await pollers?.stop();
    pollers = devices.length ? startModbusPollers({ pipeline, devices }) : undefined;
    current = key;
    count = devices.length;
    log.info({ devices: devices.length }, 'Modbus polling list loaded');
  };

  await refresh();
  const timer = setInterval(() => refresh().catch((err) => log.warn({ err: err.message }, 'polling list refresh failed')), REFRESH_MS);
  timer.unref();
  return {
    refresh,
    count: () => count,
    stop: async () => {
      clearInterval(timer);
      await pollers?.stop();
    },
  };
}
