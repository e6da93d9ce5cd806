/**
 * `abone <command>`:
 *   start                          the whole system (mode from ABONE_MODE)
 *   migrate                        apply pending database migrations and exit
 *   simulate --meters N [--modbus N] [--dlms N] [--faults gapRate=0.05,...]   a simulated fleet (MQTT) and Modbus emulators
 *                                  for the running system
 *   meter credential <serial>      issue a new MQTT secret for a meter (printed once)
 *   user add <username> --role r   create a user (password from ABONE_NEW_USER_PASSWORD, or generated and printed once)
 *   config                         every setting with its variable, default and meaning
 *   rate --tariff t.json --usage u.json [--from YYYY-MM-DD --to YYYY-MM-DD]   price a usage file; bill lines as JSON
 *   bill-run --period YYYY-MM [--region IL] [--workers N]   start or resume a bill run, work it, print progress
 *   import parties|addresses|subscriptions FILE.csv [--batch N]   streaming CSV import, all-or-nothing per batch (docs/registry.md)
 *   late-fees --period-end YYYY-MM-DD   post the late fee on every overdue open accrual through the period end (idempotent)
 *   dunning [--as-of YYYY-MM-DD]   give every overdue case its due dunning step (reminder, final notice, disconnection order)
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { parseTariff, rate } from '../billing-core/index.ts';
import { billRunCommand } from '../modules/billing/index.ts';
import { randomBytes } from 'node:crypto';
import { audit, createUser, syncCatalogue } from '../modules/access/index.ts';
import { loadSettings, settingsMarkdown } from '../platform/config.ts';
import { AboneError } from '../platform/errors.ts';
import { contextLogger } from '../platform/logger.ts';
import { DeviceRegistry } from '../headend/index.ts';
import { importAddresses, importPartiesCsv } from '../modules/registry/index.ts';
import { importSubscribers } from '../modules/subscriptions/index.ts';
import { runDunning, runPeriodEndLateFees } from '../modules/collections/index.ts';
import { localDate } from '../platform/calendar.ts';
import { mqttSettings } from '../collectors/mqtt/index.ts';
import { serverSettings } from './settings.ts';
import { openDatabase } from './database.ts';
import { startSystem } from './start.ts';
import { ensureWebBuilt } from './http/static.ts';
import { startDemo, faultPlan, NO_FAULTS, type FaultPlan } from '../simulators/index.ts';
import '../platform/db/settings.ts';

const log = contextLogger('cli');

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      if (!['headend', 'worker'].includes(process.env.ABONE_MODE ?? '')) await ensureWebBuilt(); // the console is served on the API's port
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
    case 'user':
      return user(rest);
    case 'config':
      console.log(settingsMarkdown());
      return;
    case 'rate':
      return rateFiles(rest);
    case 'bill-run':
      return billRun(rest);
    case 'import':
      return importFile(rest);
    case 'late-fees':
      return lateFees(rest);
    case 'dunning':
      return dunning(rest);
    default:
      console.error('usage: abone start | migrate | simulate --meters N [--modbus N] [--dlms N] [--interval ms] [--url mqtt://..] [--faults name=rate,..] | meter credential <serial> | user add <username> --role <roles> | config | rate --tariff t.json --usage u.json');
      process.exitCode = 2;
  }
}

/** `abone late-fees --period-end YYYY-MM-DD`: the period-end late-fee run (docs/collections.md); prints its report. */
async function lateFees(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'period-end': { type: 'string' } } });
  if (!values['period-end']) throw new Error('usage: abone late-fees --period-end YYYY-MM-DD');
  const db = await openDatabase({ startEmbedded: false, runMigrations: true });
  try {
    const report = await runPeriodEndLateFees(db.pool, { periodEnd: values['period-end'], actor: 'cli' });
    await audit(db.pool, 'system', { action: 'collections.late_fee_run', entity: 'late_fee_run', entityId: report.periodEnd, detail: { ...report, via: 'cli' } });
    console.log(JSON.stringify(report));
  } finally {
    await db.pool.end();
  }
}

/** `abone dunning [--as-of YYYY-MM-DD]`: the dunning run the workers make daily (docs/collections.md); prints its report. */
async function dunning(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'as-of': { type: 'string' } } });
  const db = await openDatabase({ startEmbedded: false, runMigrations: true });
  try {
    const report = await runDunning(db.pool, { asOf: values['as-of'] ?? localDate(Date.now()), actor: 'cli' });
    await audit(db.pool, 'system', { action: 'collections.dunning_run', entity: 'dunning_run', entityId: report.asOf, detail: { ...report, via: 'cli' } });
    console.log(JSON.stringify(report));
  } finally {
    await db.pool.end();
  }
}

async function simulate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      meters: { type: 'string', default: '100' },
      modbus: { type: 'string', default: '0' },
      dlms: { type: 'string', default: '0' },
      interval: { type: 'string', default: '2000' },
      url: { type: 'string' },
      prefix: { type: 'string', default: 'SIM' },
      faults: { type: 'string', default: '' },
    },
  });
  const meters = wholeNumber(values.meters, '--meters');
  const modbusDevices = wholeNumber(values.modbus, '--modbus');
  const db = await openDatabase({ startEmbedded: false, runMigrations: false });
  const mqtt = loadSettings(mqttSettings);
  const mqttUrl = values.url ?? mqtt.url ?? `mqtt://127.0.0.1:${mqtt.port}`;
  const demo = await startDemo({ registry: new DeviceRegistry(db.pool), mqttUrl, meters, modbusDevices, dlmsDevices: wholeNumber(values.dlms, '--dlms'), intervalMs: wholeNumber(values.interval, '--interval'), prefix: values.prefix, faults: parseFaults(values.faults) });
  const timer = setInterval(() => log.info(demo.fleet?.stats() ?? {}, 'fleet'), 5000);
  onSignal(async () => {
    clearInterval(timer);
    await demo.stop();
    await db.pool.end();
  });
}

/** `--faults gapRate=0.05,spikeRate=0.01,malformedRate=0.02` (names as in simulators/faults.ts FaultPlan). */
function parseFaults(spec: string): Partial<FaultPlan> {
  const plan: Record<string, number> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!(key in NO_FAULTS) || value === undefined || !Number.isFinite(Number(value))) throw new Error(`--faults: ${part} is not <name>=<number>; names: ${Object.keys(NO_FAULTS).join(', ')}`);
    plan[key] = Number(value);
  }
  return faultPlan(plan);
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number`);
  return n;
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

/** `abone user add <username> --role r1,r2 [--name "Full Name"]`: the password comes from ABONE_NEW_USER_PASSWORD or is generated and printed once to stdout (never to the log). */
async function user(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string', default: '' }, name: { type: 'string' } } });
  const [sub, username] = positionals;
  if (sub !== 'add' || !username || !values.role) throw new Error('usage: abone user add <username> --role admin[,ami_operator,...] [--name "Full Name"]');
  const db = await openDatabase({ startEmbedded: false, runMigrations: true });
  try {
    await syncCatalogue(db.pool);
    const generated = !process.env.ABONE_NEW_USER_PASSWORD;
    const password = process.env.ABONE_NEW_USER_PASSWORD ?? randomBytes(18).toString('base64url');
    await createUser(db.pool, { username, displayName: values.name ?? username, password, roles: values.role.split(',').map((role) => ({ role: role.trim() })) });
    await audit(db.pool, 'system', { action: 'user.create', entity: 'user', entityId: username, detail: { via: 'cli' } });
    console.log(generated ? `user ${username} created; password (shown once): ${password}` : `user ${username} created`);
  } finally {
    await db.pool.end();
  }
}

/** `abone import parties|addresses|subscriptions FILE.csv`: the report (counts, refused lines with reasons) as JSON on stdout; exit 1 if any row was refused. */
async function importFile(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { batch: { type: 'string', default: '5000' } } });
  const [what, file] = positionals;
  if (!['parties', 'addresses', 'subscriptions'].includes(what) || !file) throw new Error('usage: abone import parties|addresses|subscriptions FILE.csv [--batch N]');
  const { createReadStream } = await import('node:fs');
  const db = await openDatabase({ startEmbedded: true, runMigrations: true });
  try {
    const ctx = { actor: 'system' as const, correlationId: `import-${randomBytes(4).toString('hex')}` };
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    const run = { parties: importPartiesCsv, addresses: importAddresses, subscriptions: importSubscribers }[what as 'parties' | 'addresses' | 'subscriptions'];
    const report = await run(db.pool, input, ctx, { batchSize: Number(values.batch) });
    console.log(JSON.stringify(report, null, 1));
    if (report.rejectedCount) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

/** `abone bill-run`: see modules/billing/bill-run-cli.ts. */
async function billRun(args: string[]): Promise<void> {
  const db = await openDatabase({ startEmbedded: false, runMigrations: false });
  try {
    await billRunCommand(db.pool, args, process.argv[1]);
  } finally {
    await db.close();
  }
}

/** `abone rate`: no database, no logs; a refused file prints its error code and field and exits with 2. */
function rateFiles(args: string[]): void {
  const refuse = (message: string) => {
    console.error(message);
    process.exitCode = 2;
  };
  let values: { tariff?: string; usage?: string; from?: string; to?: string };
  try {
    ({ values } = parseArgs({ args, options: { tariff: { type: 'string' }, usage: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } }));
  } catch (err) {
    return refuse((err as Error).message);
  }
  if (!values.tariff || !values.usage) return refuse('usage: abone rate --tariff tariff.json --usage usage.json [--from YYYY-MM-DD --to YYYY-MM-DD]');
  const load = (file: string, code: 'ABONE_ERR_BILLING_TARIFF_INVALID' | 'ABONE_ERR_BILLING_USAGE_INVALID'): unknown => {
    let textContent: string;
    try {
      textContent = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AboneError(code, { path: file, detail: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    try {
      return JSON.parse(textContent);
    } catch (err) {
      throw new AboneError(code, { path: file, detail: `is not JSON (${(err as Error).message})` });
    }
  };
  try {
    const tariff = parseTariff(load(values.tariff, 'ABONE_ERR_BILLING_TARIFF_INVALID'));
    const usage = load(values.usage, 'ABONE_ERR_BILLING_USAGE_INVALID');
    const period = { ...(values.from !== undefined && { from: values.from }), ...(values.to !== undefined && { to: values.to }) };
    const bill = rate(tariff, usage && typeof usage === 'object' && !Array.isArray(usage) ? { ...usage, ...period } : usage);
    console.log(JSON.stringify(bill, null, 2));
  } catch (err) {
    if (!(err instanceof AboneError) || !err.code.startsWith('ABONE_ERR_BILLING_')) throw err;
    refuse(`${err.code}: ${err.message}`);
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
