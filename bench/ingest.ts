/**
 * npm run bench:ingest [-- --readings 3000000 --meters 1000 --inflight 16 --batch-rows 20000 --writers 2 --profile]
 *
 * Publishes simulated readings over MQTT (one authenticated mqtt.js connection per meter, QoS 1) through the whole
 * head-end (embedded broker, payload parser, validation, pipeline, COPY writer, rollup marks; in a child process)
 * into PostgreSQL, timed from the first publish to the last PUBACK (a PUBACK means committed, see
 * collectors/mqtt/embedded-broker.ts), and writes the same rows with a raw COPY into another fresh database in the
 * same run. Prints readings/s, CPU and memory of each path and the ratio. See docs/benchmarks.md.
 */
import './quiet.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeviceRegistry } from '../headend/index.ts';
import { openBenchServer, ensurePartitions, type BenchDatabase } from './db.ts';
import { provisionFleet, generateFleet, connectFleet, publishFleet, closeFleet } from './fleet.ts';
import { rawCopy, sampleRows, multiRowInsert, rowByRowInsert } from './reference.ts';
import { procStat, procMemory, machineTicks, machineBusyPercent, PostgresCpu } from './proc.ts';
import { summariseProfile } from './cpuprofile-summary.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    readings: { type: 'string', default: '3000000' },
    meters: { type: 'string', default: '1000' },
    'per-message': { type: 'string', default: '96' },
    inflight: { type: 'string', default: '16' },
    'batch-rows': { type: 'string' },
    writers: { type: 'string' },
    'max-queued': { type: 'string' },
    'naive-rows': { type: 'string', default: '100000' },
    'skip-reference': { type: 'boolean', default: false },
    rollups: { type: 'string', default: 'both' }, // on | off | both: pipeline run(s) with the rollup worker running or deferred
    profile: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(opt.readings);
const M = Number(opt.meters);
const PER_MESSAGE = Number(opt['per-message']);
const INFLIGHT = Number(opt.inflight);
const NAIVE = Number(opt['naive-rows']);
const CORES = os.availableParallelism();

interface Row {
  path: string;
  readings: number;
  seconds: number;
  headendCpu?: number;
  headendRss?: number;
  pgCpu?: number;
  benchCpu: number;
  machine: number;
}

const rows: Row[] = [];
const summary: Record<string, Record<string, unknown>> = {};
const notes: string[] = [];
const T0 = performance.now();
const log = (s: string) => console.error(`[bench +${((performance.now() - T0) / 1000).toFixed(1)}s] ${s}`);

/** Runs `work` while measuring PostgreSQL, this process and the machine; `extra` adds the head-end's numbers. */
async function measured(pgCpu: PostgresCpu | undefined, work: () => Promise<number>): Promise<Omit<Row, 'path' | 'readings'>> {
  const m0 = machineTicks();
  const c0 = process.cpuUsage();
  pgCpu?.start();
  const seconds = await work();
  const pg = pgCpu?.stop();
  const c = process.cpuUsage(c0);
  return {
    seconds,
    pgCpu: pg === undefined ? undefined : (pg / seconds) * 100,
    benchCpu: ((c.user + c.system) / 1e6 / seconds) * 100,
    machine: machineBusyPercent(m0, machineTicks(), CORES),
  };
}

function startHeadendChild(db: BenchDatabase, profileDir: string | undefined, extraEnv: NodeJS.ProcessEnv): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_HEADEND_DATABASE_URL: db.url, ABONE_LOG_LEVEL: process.env.ABONE_LOG_LEVEL ?? 'warn', ...extraEnv };
  if (opt['batch-rows']) env.ABONE_INGEST_BATCH_ROWS = opt['batch-rows'];
  if (opt.writers) env.ABONE_INGEST_WRITERS = opt.writers;
  if (opt['max-queued']) env.ABONE_INGEST_MAX_QUEUED_ROWS = opt['max-queued'];
  const execArgv = ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  return fork(path.join(HERE, 'headend-process.ts'), [], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function request<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string } & Record<string, unknown>) => {
      if (msg.type !== type) return;
      child.off('message', onMessage);
      resolve(msg as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`head-end process exited (${code})`)));
    if (type !== 'ready') child.send({ type });
  });
}

async function runReference(server: Awaited<ReturnType<typeof openBenchServer>>, raw: BenchDatabase, chunks: Buffer[], pgCpu: PostgresCpu | undefined): Promise<void> {
  const variants = [
    { name: 'raw COPY, 1 stream', connections: 1, chunksPerCopy: chunks.length },
    { name: 'raw COPY, 2 conns x 20k-row COPYs', connections: 2, chunksPerCopy: 20 },
  ];
  for (const v of variants) {
    await raw.pool.query('TRUNCATE reading');
    await server.checkpoint();
    log(`${v.name}: ${N} rows`);
    const r = await measured(pgCpu, () => rawCopy(raw.url, chunks, v));
    const stored = await raw.count();
    if (stored !== N) throw new Error(`${v.name}: stored ${stored}, expected ${N}`);
    rows.push({ path: v.name, readings: stored, ...r });
  }
  if (NAIVE > 0) {
    const sample = sampleRows(chunks, NAIVE);
    for (const [name, n, fn] of [
      ['multi-row INSERT (500/stmt), sample', sample.length, (s: string[][]) => multiRowInsert(raw.url, s)],
      ['row-by-row INSERT, sample', Math.ceil(sample.length / 20), (s: string[][]) => rowByRowInsert(raw.url, s)],
    ] as const) {
      await raw.pool.query('TRUNCATE reading');
      log(`${name}: ${n} rows`);
      const r = await measured(pgCpu, () => fn(sample.slice(0, n)));
      rows.push({ path: name, readings: await raw.count(), ...r });
    }
  }
}

interface Variant {
  name: string;
  env: NodeJS.ProcessEnv;
  profile: boolean;
}

async function runPipeline(v: Variant, pipe: BenchDatabase, server: Awaited<ReturnType<typeof openBenchServer>>, pgCpu: PostgresCpu | undefined, meters: Awaited<ReturnType<typeof provisionFleet>>): Promise<void> {
  const profileDir = v.profile ? path.join(HERE, 'profiles') : undefined;
  const child = startHeadendChild(pipe, profileDir, v.env);
  const ready = await request<{ port: number; settings: Record<string, number> }>(child, 'ready');
  const s = ready.settings;
  notes.push('', `${v.name}:`, `head-end settings: batchRows=${s.batchRows} writers=${s.writers} batchDelayMs=${s.batchDelayMs} maxQueuedRows=${s.maxQueuedRows} rollupIntervalMs=${s.rollupIntervalMs}; ${INFLIGHT} in flight per meter`);
  log(`head-end pid ${child.pid} listening on ${ready.port}; connecting ${meters.length} meters`);
  const clients = await connectFleet(`mqtt://127.0.0.1:${ready.port}`, meters);
  log('connected; checkpoint');
  await server.checkpoint();
  const pid = child.pid!;
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, procMemory(pid)?.rssMb ?? 0)), 100);
  const cpu0 = procStat(pid)!.cpuSeconds;
  log(`publishing ${N} readings in ${meters.reduce((n, m) => n + m.payloads.length, 0)} messages, ${INFLIGHT} in flight per meter`);
  let published!: Awaited<ReturnType<typeof publishFleet>>;
  const r = await measured(pgCpu, async () => {
    published = await publishFleet(clients, meters, INFLIGHT);
    return (published.endedAt - published.startedAt) / 1000;
  });
  const headendCpu = ((procStat(pid)!.cpuSeconds - cpu0) / r.seconds) * 100;
  clearInterval(rssTimer);
  const { metrics } = await request<{ metrics: Record<string, unknown> }>(child, 'metrics');
  log('last PUBACK; verifying');
  const stored = await pipe.count();
  const backlog = Number((await pipe.pool.query('SELECT count(*) AS n FROM rollup_pending')).rows[0].n);
  rows.push({ path: v.name, readings: stored, ...r, headendCpu, headendRss: peakRss });
  const perReading = (pct: number | undefined) => (pct === undefined ? 'n/a' : ((pct / 100) * r.seconds * 1e6 / N).toFixed(2));
  notes.push(`CPU per reading (µs): head-end ${perReading(headendCpu)}, postgres ${perReading(r.pgCpu)}, publishers ${perReading(r.benchCpu)}`);
  const lat = [...published.latencyMs].sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(0);
  notes.push(`verify: published ${published.readings} readings in ${published.messages} messages (all PUBACKed); SELECT count(*) FROM reading = ${stored} ${stored === N ? '(matches)' : `(MISMATCH, expected ${N})`}`);
  notes.push(`PUBACK latency ms: p50 ${q(0.5)}, p95 ${q(0.95)}, p99 ${q(0.99)}, max ${lat[lat.length - 1].toFixed(0)}`);
  summary[v.name] = { p50: Number(q(0.5)), p99: Number(q(0.99)), rollupBacklog: backlog, headendUs: perReading(headendCpu), pgUs: perReading(r.pgCpu) };
  const marks = meters.reduce((n, m) => n + Math.ceil(m.readings / 4), 0); // one (meter, hour) mark per 4 readings
  notes.push(`head-end metrics: ${JSON.stringify(metrics)}`);
  notes.push(`rollups: ${marks - backlog} of ${marks} (meter, hour) marks rolled up by the last PUBACK (${fmt(((marks - backlog) * 4) / r.seconds)} readings/s worth)`);
  await closeFleet(clients);
  child.send({ type: 'stop' });
  await once(child, 'exit');
  if (stored !== N) process.exitCode = 1;
  if (profileDir) {
    // One profile per thread (tsx runs its loader in a worker): the head-end's main thread is the largest.
    const newest = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`)).map((f) => path.join(profileDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
    if (newest) notes.push(`\n${summariseProfile(newest, 30)}\n(profile: ${path.relative(process.cwd(), newest)})`);
  }
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function printTable(machine: string): void {
  const rate = (r: Row | undefined) => (r ? r.readings / r.seconds : 0);
  const single = rate(rows.find((r) => r.path.startsWith('raw COPY, 1')));
  const best = Math.max(...rows.filter((r) => r.path.startsWith('raw COPY')).map(rate), 0);
  const ratio = (x: number, ref: number) => (ref ? `${((x / ref) * 100).toFixed(0)} %` : 'n/a');
  const out = [
    machine,
    '',
    '| path | readings | seconds | readings/s | ratio vs raw COPY | vs 2-conn COPY | head-end CPU % | head-end RSS MB | postgres CPU % | postgres µs/reading | bench process CPU % | machine busy % |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      return `| ${r.path} | ${fmt(r.readings)} | ${fmt(r.seconds, 2)} | ${fmt(rate(r))} | ${ratio(rate(r), single)} | ${ratio(rate(r), best)} | ${fmt(r.headendCpu)} | ${fmt(r.headendRss)} | ${fmt(r.pgCpu)} | ${r.pgCpu === undefined ? 'n/a' : ((r.pgCpu / 100) * r.seconds * 1e6 / r.readings).toFixed(1)} | ${fmt(r.benchCpu)} | ${fmt(r.machine)} / ${CORES * 100} |`;
    }),
    '',
    'ratio vs raw COPY: against `raw COPY, 1 stream`; vs 2-conn COPY: against the faster raw COPY. CPU %: of one core over the timed interval.',
    ...notes,
  ];
  console.log(out.join('\n'));
  if (opt.json) console.log(`JSON ${JSON.stringify({ rows, single, best, summary })}`);
}

async function main(): Promise<void> {
  const server = await openBenchServer();
  const dbs: BenchDatabase[] = [];
  const cleanup = async () => {
    log('dropping the bench databases');
    for (const d of dbs) await d.drop().catch((e) => log(`drop ${d.name}: ${e.message}`));
    await server.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const pipe = await server.createDatabase('pipe');
    dbs.push(pipe);
    const raw = await server.createDatabase('raw');
    dbs.push(raw);
    const pgCpu = server.postmaster ? new PostgresCpu(server.postmaster, [pipe.name, raw.name]) : undefined;
    if (!pgCpu) notes.push('postgres CPU: n/a (the server is not on this machine)');
    log(`provisioning ${M} meters; generating ${N} readings, ${PER_MESSAGE} per message`);
    const meters = await provisionFleet(new DeviceRegistry(pipe.pool), M);
    const plan = generateFleet(meters, N, PER_MESSAGE);
    const variants: Variant[] = [];
    if (opt.rollups !== 'off') variants.push({ name: 'MQTT -> head-end -> PostgreSQL', env: {}, profile: opt.profile });
    if (opt.rollups !== 'on') variants.push({ name: 'same, rollup worker deferred', env: { ABONE_ROLLUP_INTERVAL_MS: '3600000' }, profile: opt.profile && opt.rollups === 'off' });
    await ensurePartitions(raw.pool, plan.firstTs, plan.lastTs);
    log('generated');
    notes.push(`readings: ${M} meters x 4 channels, hourly from ${new Date(plan.firstTs).toISOString()} to ${new Date(plan.lastTs).toISOString()}, ${PER_MESSAGE} per message (${plan.messages} messages)`);
    if (!opt['skip-reference']) await runReference(server, raw, plan.copyChunks, pgCpu);
    for (const [i, v] of variants.entries()) {
      let db = pipe;
      let fleet = meters;
      if (i > 0) {
        // A fresh database per run: the same serials, payloads and readings, new credentials.
        db = await server.createDatabase(`pipe${i}`);
        dbs.push(db);
        pgCpu?.addDatabase(db.name);
        const fresh = await provisionFleet(new DeviceRegistry(db.pool), M);
        fleet = meters.map((m, k) => ({ ...m, secret: fresh[k].secret, id: fresh[k].id }));
      }
      log(`${v.name}`);
      await runPipeline(v, db, server, pgCpu, fleet);
    }
    const machine = [
      `machine: ${CORES} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}`,
      `PostgreSQL ${server.version} (${server.embedded ? 'embedded, .data/bench-pg' : 'DATABASE_URL'}): ${server.settings}`,
    ].join('\n');
    printTable(machine);
  } finally {
    await cleanup();
  }
}

await main();
