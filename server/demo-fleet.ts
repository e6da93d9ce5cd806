/**
 * The demo fleet a first `npm start` brings up: two AMI meter models (gas, water) and N meters of each kind,
 * provisioned with fresh MQTT credentials each start. Their serials start with DEMO- so they are easy to tell
 * from real meters (and to remove).
 */
import type { DeviceRegistry, MeterModelInput } from '../headend/index.ts';

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
