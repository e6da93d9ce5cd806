/**
 * bench:alarms under bench:ingest's load (`--load ingest`, the default): the same fleet shape and path (1,000 meters
 * with their own MQTT connections, a day of hourly readings of four channels per message, 16 messages in flight per
 * meter, the head-end with its embedded broker in a child process, timed from the first publish to the last PUBACK),
 * with the simulator's gas and water profiles and injected faults (tamper, leak, reverse flow, pressure drop, gaps).
 * Two runs on fresh databases, same payloads: the head-end alone, then the head-end with the alarm work started in
 * it exactly as `abone start` starts it (server/alarm-work.ts) with the operator's rules and crews
 * (bench/operator-rules.ts). Then: alarm and order latency from the commit of the reading that raised the alarm
 * (bench/alarm-probe.ts), and every injected fault checked against the alarms and orders (bench/fault-check.ts).
 */
import { once } from 'node:events';
import os from 'node:os';
import { DeviceRegistry } from '../headend/index.ts';
import { alignToHour, faultPlan, HOUR_MS } from '../simulators/index.ts';
import { openBenchServer, type BenchDatabase } from './db.ts';
import { provisionFleet, simulateFleet, connectFleet, publishFleet, closeFleet, fleetCommodity, FLEET_MODEL_CODES, type BenchMeter, type SimulatedFleet } from './fleet.ts';
import { startHeadendChild, ask } from './headend-child.ts';
import { setUpOperator, ruleOfFault, operatorRules, CREWS } from './operator-rules.ts';
import { checkFaults, type FaultCheckRow } from './fault-check.ts';
import { procStat, procMemory, machineTicks, machineBusyPercent, PostgresCpu } from './proc.ts';
import type { RaisedAlarm } from './alarm-probe.ts';

export interface IngestLoadOptions {
  meters: number;
  hours: number;
  hoursPerMessage: number;
  inflight: number;
  faultRate: number;
  settleSeconds: number;
}

interface Run {
  path: string;
  readings: number;
  seconds: number;
  headendCpu: number;
  headendRss: number;
  pgCpu: number | undefined;
  benchCpu: number;
  machine: number;
  alarms?: Array<RaisedAlarm & { orderCommittedAt: number | undefined }>;
  check?: { rows: FaultCheckRow[]; ok: boolean };
}

const CORES = os.availableParallelism();
const T0 = performance.now();
const log = (s: string) => console.error(`[bench +${((performance.now() - T0) / 1000).toFixed(1)}s] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runIngestLoad(o: IngestLoadOptions): Promise<boolean> {
  const loadBefore = os.loadavg();
  const server = await openBenchServer();
  const dbs: BenchDatabase[] = [];
  const notes: string[] = [];
  const runs: Run[] = [];
  try {
    const startAt = alignToHour(Date.now()) - o.hours * HOUR_MS;
    const plan = faultPlan({ seed: 11, tamperRate: o.faultRate, leakRate: o.faultRate, reverseFlowRate: o.faultRate, pressureDropRate: o.faultRate, gapRate: o.faultRate / 2 });
    let template: BenchMeter[] | undefined;
    let sim!: SimulatedFleet;
    for (const withRules of [false, true]) {
      const db = await server.createDatabase(withRules ? 'alarms_rules' : 'alarms_norules');
      dbs.push(db);
      const pgCpu = server.postmaster ? new PostgresCpu(server.postmaster, [db.name]) : undefined;
      const fresh = await provisionFleet(new DeviceRegistry(db.pool), o.meters);
      let meters: BenchMeter[];
      if (!template) {
        log(`simulating ${o.meters} meters x ${o.hours} h, ${o.hoursPerMessage} h per message, fault rate ${o.faultRate}/meter-hour`);
        sim = simulateFleet(fresh, { startAt, hours: o.hours, hoursPerMessage: o.hoursPerMessage, faults: plan });
        meters = template = fresh;
      } else meters = template.map((m, k) => ({ ...m, secret: fresh[k].secret, id: fresh[k].id })); // same payloads, new credentials
      if (withRules) await setUpOperator(db.pool, FLEET_MODEL_CODES);
      const name = withRules ? `same + rules engine (${operatorRules(FLEET_MODEL_CODES).length} rules) + alarm → order wiring (${CREWS} crews)` : 'MQTT -> head-end -> PostgreSQL, no rules';
      log(name);
      runs.push(await runOnce(name, db, server, pgCpu, meters, sim, o, withRules, notes));
    }
    printReport(runs, sim, o, server, notes, loadBefore);
    return runs.every((r) => r.readings === sim.readings) && (runs[1].check?.ok ?? false);
  } finally {
    log('dropping the bench databases');
    for (const d of dbs) await d.drop().catch((e) => log(`drop ${d.name}: ${e.message}`));
    await server.stop().catch(() => undefined);
  }
}

async function runOnce(path: string, db: BenchDatabase, server: Awaited<ReturnType<typeof openBenchServer>>, pgCpu: PostgresCpu | undefined, meters: BenchMeter[], sim: SimulatedFleet, o: IngestLoadOptions, withRules: boolean, notes: string[]): Promise<Run> {
  const child = startHeadendChild(db.url, withRules ? { BENCH_HEADEND_RULES: '1' } : {});
  const ready = await ask<{ port: number }>(child, 'ready');
  const clients = await connectFleet(`mqtt://127.0.0.1:${ready.port}`, meters);
  await server.checkpoint();
  const pid = child.pid!;
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, procMemory(pid)?.rssMb ?? 0)), 100);
  await ask(child, 'metrics'); // starts the head-end's event-loop delay histogram afresh
  const cpu0 = procStat(pid)!.cpuSeconds;
  const m0 = machineTicks();
  const c0 = process.cpuUsage();
  pgCpu?.start();
  log(`publishing ${sim.readings} readings and ${sim.events} events in ${sim.messages} messages, ${o.inflight} in flight per meter`);
  const published = await publishFleet(clients, meters, o.inflight);
  const seconds = (published.endedAt - published.startedAt) / 1000;
  const pg = pgCpu?.stop();
  const c = process.cpuUsage(c0);
  const machine = machineBusyPercent(m0, machineTicks(), CORES);
  const headendCpu = ((procStat(pid)!.cpuSeconds - cpu0) / seconds) * 100;
  clearInterval(rssTimer);
  const { metrics } = await ask<{ metrics: { eventLoopDelayMs: Record<string, number> } }>(child, 'metrics');
  const stored = await db.count();
  const lat = [...published.latencyMs].sort((a, b) => a - b);
  notes.push(`${path}: stored ${stored} of ${sim.readings} readings${stored === sim.readings ? '' : ' (MISMATCH)'}; PUBACK latency ms p50 ${pct(lat, 50).toFixed(0)}, p99 ${pct(lat, 99).toFixed(0)}; head-end event-loop delay ms ${JSON.stringify(metrics.eventLoopDelayMs)}`);
  const run: Run = { path, readings: stored, seconds, headendCpu, headendRss: peakRss, pgCpu: pg === undefined ? undefined : (pg / seconds) * 100, benchCpu: ((c.user + c.system) / 1e6 / seconds) * 100, machine };
  if (withRules) {
    // Orders follow alarms asynchronously: wait until every alarm has one and nothing moved for a while.
    const count = async () => (await db.pool.query(`SELECT (SELECT count(*) FROM alarm)::int AS alarms, (SELECT count(*) FROM work_order WHERE source = 'alarm')::int AS orders`)).rows[0];
    const deadline = performance.now() + o.settleSeconds * 1000;
    let last = '';
    for (;;) {
      const c = await count();
      const now = JSON.stringify(c);
      if ((now === last && c.orders >= c.alarms) || performance.now() > deadline) break;
      last = now;
      await sleep(500);
    }
    const { rows } = await db.pool.query<{ alarm: string; id: number }>(`SELECT source_ref AS alarm, id FROM work_order WHERE source = 'alarm'`);
    const answer = await ask<{ alarms: Run['alarms']; engine: Record<string, number>; backlog: Record<string, number>; commits: number }>(child, 'alarms', { orderOf: rows.map((r) => [Number(r.alarm), r.id]) });
    run.alarms = answer.alarms;
    notes.push(`engine: ${JSON.stringify(answer.engine)}; alarm writes: ${JSON.stringify(answer.backlog)}; ${answer.commits} commits seen`);
    const commodity = new Map(meters.map((m, i) => [m.serial, fleetCommodity(i)]));
    run.check = await checkFaults(db.pool, sim.faults, (f) => ruleOfFault(f.kind, commodity.get(f.serial)!));
  }
  await closeFleet(clients);
  child.send({ type: 'stop' });
  await once(child, 'exit');
  return run;
}

function pct(sorted: ArrayLike<number>, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function latencies(run: Run): { alarm: number[]; order: number[]; alarmToOrder: number[]; missing: number } {
  const alarm: number[] = [];
  const order: number[] = [];
  const alarmToOrder: number[] = [];
  let missing = 0;
  for (const a of run.alarms ?? []) {
    if (a.readingCommittedAt === undefined || a.orderCommittedAt === undefined) missing++;
    if (a.orderCommittedAt !== undefined) alarmToOrder.push(a.orderCommittedAt - a.alarmCommittedAt);
    if (a.readingCommittedAt === undefined) continue;
    alarm.push(a.alarmCommittedAt - a.readingCommittedAt);
    if (a.orderCommittedAt !== undefined) order.push(a.orderCommittedAt - a.readingCommittedAt);
  }
  const up = (a: number, b: number) => a - b;
  return { alarm: alarm.sort(up), order: order.sort(up), alarmToOrder: alarmToOrder.sort(up), missing };
}

function printReport(runs: Run[], sim: SimulatedFleet, o: IngestLoadOptions, server: Awaited<ReturnType<typeof openBenchServer>>, notes: string[], loadBefore: number[]): void {
  const base = runs[0].readings / runs[0].seconds;
  const out = [
    `bench:alarms --load ingest: ${o.meters} meters x ${o.hours} h (${o.hoursPerMessage} h of 4 channels per message), ${sim.readings} readings + ${sim.events} events in ${sim.messages} messages, ${o.inflight} in flight per meter; fault rate ${o.faultRate}/meter-hour (gaps half), ${sim.faults.length} faults`,
    `machine: ${CORES} cores (${os.cpus()[0]?.model ?? '?'}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the runs, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} after (the bench's own processes count); node ${process.version}; PostgreSQL ${server.version} (${server.embedded ? 'embedded' : 'DATABASE_URL'})`,
    '',
    '| path | readings | seconds | readings/s | vs no rules | head-end CPU % | head-end RSS MB | postgres CPU % | publishers CPU % | machine busy % | of which others % | alarms | alarm p50 ms | alarm p99 ms | orders | order p50 ms | order p99 ms | order max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => {
      const rate = r.readings / r.seconds;
      const l = latencies(r);
      const ms = (xs: number[], p: number) => (xs.length ? fmt(pct(xs, p), 1) : '-');
      return `| ${r.path} | ${fmt(r.readings)} | ${fmt(r.seconds, 2)} | ${fmt(rate)} | ${fmt((rate / base) * 100)} % | ${fmt(r.headendCpu)} | ${fmt(r.headendRss)} | ${fmt(r.pgCpu)} | ${fmt(r.benchCpu)} | ${fmt(r.machine)} / ${CORES * 100} | ${r.pgCpu === undefined ? 'n/a' : fmt(Math.max(0, r.machine - r.headendCpu - r.pgCpu - r.benchCpu))} | ${r.alarms ? fmt(r.alarms.length) : '-'} | ${ms(l.alarm, 50)} | ${ms(l.alarm, 99)} | ${r.alarms ? fmt(l.order.length) : '-'} | ${ms(l.order, 50)} | ${ms(l.order, 99)} | ${l.order.length ? fmt(l.order[l.order.length - 1], 1) : '-'} |`;
    }),
  ];
  const ruled = runs[1];
  if (ruled?.check) {
    out.push('', '| rule | faults sent | alarms | missed | covered twice | false alarms | orders | alarms without order | with several |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of ruled.check.rows) out.push(`| ${r.rule} | ${fmt(r.faults)} | ${fmt(r.alarms)} | ${r.missed} | ${r.twice} | ${r.extra} | ${fmt(r.orders)} | ${r.noOrder} | ${r.severalOrders} |`);
    out.push('', `faults → alarms → orders: ${ruled.check.ok ? 'every fault sent is covered by exactly one alarm, every alarm covers a fault and has exactly one work order' : 'MISMATCH (see the rows above)'}`);
    const l = latencies(ruled);
    out.push(`of which alarm commit → order commit: p50 ${fmt(pct(l.alarmToOrder, 50), 1)} ms, p99 ${fmt(pct(l.alarmToOrder, 99), 1)} ms`);
    if (l.missing) out.push(`${l.missing} alarms without a reading commit or an order commit time (left out of the percentiles)`);
    const rate = ruled.readings / ruled.seconds;
    const p99 = pct(l.order, 99);
    out.push(`rules cost: ingest at ${fmt((rate / base) * 100)} % of the no-rules rate; goal (order p99 < 500 ms at ≥ 150,000 readings/s): ${p99 < 500 && rate >= 150_000 ? 'met' : `not met (order p99 ${fmt(p99, 1)} ms at ${fmt(rate)} readings/s)`}`);
  }
  out.push(
    '',
    'CPU %: of one core over the timed interval; publishers: this process; others: the machine busy beyond the head-end, its PostgreSQL backends and the publishers (other work on a shared machine).',
    'Latency: from the commit of the reading (or event) that raised the alarm to the commit of the alarm row / of its work order, in the head-end process.',
    ...notes,
  );
  console.log(out.join('\n'));
}
