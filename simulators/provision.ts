/**
 * Provisioning of simulated meters in the device registry: the AMI models (gas, water) the fleet speaks as, N meters
 * with fresh MQTT credentials, and Modbus meters pointing at emulators. Serials carry a prefix (DEMO-, SIM-, ...) so
 * simulated meters are easy to tell from real ones.
 */
import type { DeviceRegistry, MeterModelInput } from '../headend/index.ts';
import { MODBUS_EMULATOR_MAP, type ModbusEmulator } from './modbus-emulator.ts';
import type { DlmsEmulator } from './dlms-emulator.ts';

export const DEMO_MODELS: MeterModelInput[] = [
  {
    code: 'DEMO-GAS-G4-AMI',
    manufacturer: 'Demo',
    commodity: 'gas',
    registerDigits: 8,
    registerDecimals: 3,
    channels: [
      { channel: 'volume', intervalSeconds: 3600 },
      { channel: 'consumption', intervalSeconds: 3600 },
      { channel: 'pressure', intervalSeconds: 3600 },
      { channel: 'temperature', intervalSeconds: 3600 },
      { channel: 'battery', intervalSeconds: 86400 },
    ],
  },
  {
    code: 'DEMO-WATER-DN20-AMI',
    manufacturer: 'Demo',
    commodity: 'water',
    registerDigits: 5,
    registerDecimals: 3,
    channels: [
      { channel: 'volume', intervalSeconds: 3600 },
      { channel: 'consumption', intervalSeconds: 3600 },
      { channel: 'pressure', intervalSeconds: 3600 },
      { channel: 'temperature', intervalSeconds: 3600 },
      { channel: 'battery', intervalSeconds: 86400 },
    ],
  },
];

/** An industrial gas volume corrector read over Modbus TCP (the emulator's register map). */
export const DEMO_MODBUS_MODEL: MeterModelInput = {
  code: 'DEMO-GAS-CORRECTOR-MODBUS',
  manufacturer: 'Demo',
  commodity: 'gas',
  registerDigits: 9,
  registerDecimals: 3,
  channels: ['volume', 'flow', 'pressure', 'temperature'].map((channel) => ({ channel })),
  modbusMap: MODBUS_EMULATOR_MAP,
};

export interface ProvisionedMeter {
  serial: string;
  secret: string;
  commodity: 'gas' | 'water';
  registerDigits: number;
}

export async function provisionDemoFleet(registry: DeviceRegistry, count: number, prefix = 'DEMO'): Promise<ProvisionedMeter[]> {
  for (const m of DEMO_MODELS) await registry.upsertModel(m);
  const meters = Array.from({ length: count }, (_, i) => {
    const gas = i % 2 === 0;
    return { serial: `${prefix}-${gas ? 'G' : 'W'}-${String(i + 1).padStart(6, '0')}`, model: DEMO_MODELS[gas ? 0 : 1].code, commodity: gas ? ('gas' as const) : ('water' as const) };
  });
  await registry.addMeters(meters);
  const secrets = await registry.issueCredentials(meters.map((m) => m.serial));
  return meters.map((m) => ({ serial: m.serial, secret: secrets.get(m.serial)!, commodity: m.commodity, registerDigits: m.commodity === 'gas' ? 8 : 5 }));
}

/** Registers one Modbus meter per emulator, pointing at the emulator's current address (ports change per start). */
export async function provisionModbusMeters(registry: DeviceRegistry, emulators: ModbusEmulator[], prefix = 'DEMO', pollSeconds = 10): Promise<string[]> {
  await registry.upsertModel(DEMO_MODBUS_MODEL);
  const serials = emulators.map((_, i) => `${prefix}-MB-${String(i + 1).padStart(4, '0')}`);
  await registry.addMeters(serials.map((serial) => ({ serial, model: DEMO_MODBUS_MODEL.code })));
  for (const [i, e] of emulators.entries()) {
    await registry.setCommunication(serials[i], { protocol: 'modbus-tcp', host: e.host, port: e.port, unitId: e.unitId, pollSeconds });
  }
  return serials;
}

/** A smart gas meter read over DLMS/COSEM (the emulator's objects: volume register, load profile, T and p). */
export const DEMO_DLMS_MODEL: MeterModelInput = {
  code: 'DEMO-GAS-DLMS',
  manufacturer: 'Demo',
  commodity: 'gas',
  registerDigits: 8,
  registerDecimals: 3,
  channels: ['volume', 'temperature', 'pressure'].map((channel) => ({ channel })),
};

/** Registers one DLMS meter per emulator, polled over the TCP wrapper at the emulator's current address. */
export async function provisionDlmsMeters(registry: DeviceRegistry, emulators: DlmsEmulator[], prefix = 'DEMO', pollSeconds = 60): Promise<string[]> {
  await registry.upsertModel(DEMO_DLMS_MODEL);
  const serials = emulators.map((_, i) => `${prefix}-DL-${String(i + 1).padStart(4, '0')}`);
  await registry.addMeters(serials.map((serial) => ({ serial, model: DEMO_DLMS_MODEL.code })));
  for (const [i, e] of emulators.entries()) {
    await registry.setCommunication(serials[i], { protocol: 'dlms-tcp', host: e.host, port: e.port, clientSap: 16, serverSap: 1, pollSeconds, model: 'generic-gas', logicalDeviceName: e.logicalDeviceName });
  }
  return serials;
}
