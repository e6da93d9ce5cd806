/**
 * `abone <command>`:
 *   start                          the whole system (mode from ABONE_MODE)
 *   migrate                        apply pending database migrations and exit
 *   simulate --meters N            a simulated fleet publishing to the running system's broker
 *   meter credential <serial>      issue a new MQTT secret for a meter (printed once)
 *   config                         every setting with its variable, default and meaning
 */
import { parseArgs } from 'node:util';
import { loadSettings, settingsMarkdown } from '../platform/config.ts';
import { AboneError } from '../platform/errors.ts';
import { contextLogger } from '../platform/logger.ts';
import { DeviceRegistry } from '../headend/index.ts';
import { mqttSettings } from '../collectors/mqtt/index.ts';
import { serverSettings } from './settings.ts';
import { openDatabase } from './database.ts';
import { startSystem } from './start.ts';
import { provisionDemoFleet } from './demo-fleet.ts';
import { startFleet } from '../simulators/index.ts';
import '../platform/db/settings.ts';

const log = contextLogger('cli');

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const system = await startSystem();
      onSignal(() => system.stop());
      return;
    }
    case 'migrate': {
      const db = await openDatabase({ startEmbedded: true, runMigrations: true });
      await db.close();
      console.log('migrations applied');
      return;
    }
    case 'simulate':
      return simulate(rest);
    case 'meter':
      return meter(rest);
    case 'config':
      console.log(settingsMarkdown());
      return;
    default:
      console.error('usage: abone start | migrate | simulate --meters N [--interval ms] [--url mqtt://..] | meter credential <serial> | config');
      process.exitCode = 2;
  }
}

async function simulate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { meters: { type: 'string', default: '100' }, interval: { type: 'string', default: '2000' }, url: { type: 'string' }, prefix: { type: 'string', default: 'SIM' } } });
  const count = Number(values.meters);
  if (!Number.isInteger(count) || count < 1) throw new Error('--meters must be a positive whole number');
  const db = await openDatabase({ startEmbedded: false, runMigrations: false });
  const meters = await provisionDemoFleet(new DeviceRegistry(db.pool), count, values.prefix);
  await db.pool.end();
  const mqtt = loadSettings(mqttSettings);
  const url = values.url ?? mqtt.url ?? `mqtt://127.0.0.1:${mqtt.port}`;
  const fleet = await startFleet({ url, meters, intervalMs: Number(values.interval) });
  const timer = setInterval(() => log.info(fleet.stats(), 'fleet'), 5000);
  onSignal(async () => {
    clearInterval(timer);
    await fleet.stop();
  });
}

async function meter(args: string[]): Promise<void> {
  const [sub, serial] = args;
  if (sub !== 'credential' || !serial) throw new Error('usage: abone meter credential <serial>');
  const db = await openDatabase({ startEmbedded: false, runMigrations: false });
  try {
    console.log(await new DeviceRegistry(db.pool).issueCredential(serial));
  } finally {
    await db.pool.end();
  }
}

function onSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      log.info({ signal: sig }, 'stopping');
      stop().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

void serverSettings;
main(process.argv.slice(2)).catch((err) => {
  if (err instanceof AboneError) console.error(`${err.code}: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
