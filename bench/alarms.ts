/**
 * npm run bench:alarms [-- --load ingest|submit --meters N --hours N --hours-per-message N --inflight N --fault-rate 0.002]
 *
 * The cost of the rules engine on ingest, and how fast an alarm and its routed work order follow the reading that
 * raised it. Two runs on fresh databases with the same simulated meters and injected faults (tamper, leak, reverse
 * flow, pressure drop, gaps): without and with the rules engine, the operator's rule set and the alarm → work-order
 * wiring with 20 crews (bench/operator-rules.ts).
 *
 * --load ingest (default; bench/alarms-ingest.ts): bench:ingest's load: 1,000 meters over MQTT, a day of four
 *   channels per message (96 readings), the head-end in a child process with the alarm work started in it as
 *   `abone start` does; defaults --meters 1000 --hours 744 --hours-per-message 24 --inflight 16. Also checks that
 *   every injected fault produced exactly one alarm and one order. `--settle-seconds` bounds the wait for the
 *   last orders after the last PUBACK.
 * --load submit: parsed messages submitted to the pipeline in this process (the MQTT parser is the same in both runs
 *   and measured by bench:ingest), each run timed from the first submit to the last commit; defaults --meters 10000
 *   --hours 24 --hours-per-message 24 --inflight 64. Alarm latency is from the commit listener that evaluates a
 *   reading to the commit of its alarm row; order latency from the commit of the reading that raised an alarm to the
 *   commit of its routed work order, both while the load runs. Also the engine alone (no I/O).
 */
import './quiet.ts';
import { parseArgs } from 'node:util';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { startHeadend, type IngestMessage, type MeterModelInput } from '../headend/index.ts';
import { alignToHour, faultPlan, HOUR_MS, simulateMessagesForBench, type SimMeter } from '../simulators/index.ts';
import { RuleEngine, saveRule, startRules, validateRule, type RuleVersion } from '../rules/index.ts';
import { createCrew, onWorkOrderChange } from '../modules/work-orders/index.ts';
import { wireAlarmOrders } from '../server/index.ts';
import { openBenchServer, ensurePartitions } from './db.ts';
import { operatorRules, DISPATCHER, CREWS } from './operator-rules.ts';
import { runIngestLoad } from './alarms-ingest.ts';

const { values: opt } = parseArgs({
  options: {
    load: { type: 'string', default: 'ingest' },
    meters: { type: 'string' },
    hours: { type: 'string' },
    'hours-per-message': { type: 'string', default: '24' },
    inflight: { type: 'string' },
    'fault-rate': { type: 'string', default: '0.002' },
    'settle-seconds': { type: 'string', default: '120' },
  },
});
if (opt.load !== 'ingest' && opt.load !== 'submit') {
  console.error(`--load must be ingest or submit, got ${opt.load}`);
  process.exit(2);
}
const INGEST = opt.load === 'ingest';
const M = Number(opt.meters ?? (INGEST ? 1000 : 10000));
const HOURS = Number(opt.hours ?? (INGEST ? 744 : 24));
const PER_MESSAGE_HOURS = Number(opt['hours-per-message']);
const INFLIGHT = Number(opt.inflight ?? (INGEST ? 16 : 64));
const RATE = Number(opt['fault-rate']);
const LIMITS = { maxBytes: 1_048_576, maxItems: 100_000 };
const T0 = performance.now();
const log = (s: string) => console.error(`[bench +${((performance.now() - T0) / 1000).toFixed(1)}s] ${s}`);

const CHANNELS = ['volume', 'consumption', 'pressure', 'temperature', 'battery'].map((channel) => ({ channel, intervalSeconds: 3600 }));
const MODELS: MeterModelInput[] = [
  { code: 'B-GAS-G4', manufacturer: 'Bench', commodity: 'gas', registerDigits: 8, channels: CHANNELS },
  { code: 'B-WATER-DN20', manufacturer: 'Bench', commodity: 'water', registerDigits: 5, channels: CHANNELS },
];
const RULES = operatorRules({ gas: MODELS[0].code, water: MODELS[1].code });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

async function main(): Promise<void> {
  const server = await openBenchServer();
  const meters: SimMeter[] = Array.from({ length: M }, (_, i) => ({ serial: `BA-${String(i).padStart(6, '0')}`, secret: 'x', commodity: i % 2 ? 'water' : 'gas', registerDigits: i % 2 ? 5 : 8 }));
  const startAt = alignToHour(Date.now()) - HOURS * HOUR_MS;
  const faults = faultPlan({ seed: 11, tamperRate: RATE, leakRate: RATE, reverseFlowRate: RATE, pressureDropRate: RATE, gapRate: RATE / 2 });
  log(`generating ${M} meters x ${HOURS} h`);
  const messages = simulateMessagesForBench(meters, HOURS, { startAt, hoursPerMessage: PER_MESSAGE_HOURS, faults });
  const readings = messages.reduce((n, m) => n + m.readings, 0);
  const results: Array<Record<string, string | number>> = [];

  for (const withRules of [false, true]) {
    const db = await server.createDatabase(withRules ? 'rules' : 'norules');
    await ensurePartitions(db.pool, startAt - HOUR_MS, Date.now() + HOUR_MS);
    const headend = await startHeadend(db.pool, db.url, { rollupIntervalMs: 3_600_000 });
    for (const m of MODELS) await headend.registry.upsertModel(m);
    await headend.registry.addMeters(meters.map((m) => ({ serial: m.serial, model: MODELS[m.commodity === 'gas' ? 0 : 1].code })));
    for (const r of RULES) await saveRule(db.pool, r, 'system');
    // Each meter sends one message in this bench, so the time of the commit that carried a meter's readings is the
    // time of the reading that raised its alarms. Registered before the rules, so it runs before they evaluate.
    const committedAt = new Map<number, number>();
    const orderAt = new Map<number, number>();
    let wiring: ReturnType<typeof wireAlarmOrders> | undefined;
    let unlisten = () => {};
    if (withRules) {
      headend.pipeline.onCommit((envs) => {
        const t = performance.now();
        for (const e of envs) if (e.meterId) committedAt.set(e.meterId, t);
      });
      for (let c = 0; c < CREWS; c++) await createCrew(db.pool, { code: `CREW-${c}`, name: `Crew ${c}`, region: `R${c % 4}`, skills: ['leak', 'metering', 'connection'], capacity: 1000, members: [] }, { actor: DISPATCHER });
      unlisten = onWorkOrderChange((c) => c.kind === 'created' && orderAt.set(c.orderId, performance.now()));
      wiring = wireAlarmOrders(db.pool, headend.registry);
    }
    // As `abone start` wires them (server/alarm-work.ts): each raised alarm's order opened in the alarm's own write.
    const rules = withRules ? await startRules(db.pool, headend.pipeline, { rebuildHours: 0, reloadMs: 600_000, sweepMs: 3_600_000 }, { alongAlarmWrite: wiring?.inAlarmWrite }) : undefined;
    const parsed: IngestMessage[] = messages.map((m) => parseMqttMessage(m.topic, m.payload, LIMITS));
    log(`${withRules ? 'pipeline + rules' : 'pipeline alone'}: ${readings} readings in ${parsed.length} messages`);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: INFLIGHT }, async () => {
        while (next < parsed.length) await headend.pipeline.submit(parsed[next++]);
      }),
    );
    await headend.pipeline.drain();
    const seconds = (performance.now() - started) / 1000;
    await rules?.idle();
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE active)::int AS active, coalesce(sum(repeat_count), 0)::int AS repeats FROM alarm`);
    const lat = rules?.latencies() ?? [];
    const orderLat: number[] = [];
    if (withRules) {
      // Orders follow alarms asynchronously: wait until every alarm has its order (the sweep would catch a straggler).
      while ((await db.pool.query(`SELECT count(*)::int AS n FROM work_order WHERE source = 'alarm'`)).rows[0].n < rows[0].n) await new Promise((r) => setTimeout(r, 100));
      const { rows: orders } = await db.pool.query(`SELECT w.id, a.meter_id FROM work_order w JOIN alarm a ON a.id::text = w.source_ref WHERE w.source = 'alarm'`);
      for (const o of orders) if (orderAt.has(o.id) && committedAt.has(o.meter_id)) orderLat.push(orderAt.get(o.id)! - committedAt.get(o.meter_id)!);
      wiring?.stop();
      unlisten();
    }
    results.push({
      path: withRules ? 'pipeline + rules engine' : 'pipeline alone',
      readings,
      seconds: seconds.toFixed(2),
      'readings/s': Math.round(readings / seconds),
      alarms: withRules ? rows[0].n : '-',
      transitions: lat.length || '-',
      'p50 ms': lat.length ? pct(lat, 50).toFixed(1) : '-',
      'p99 ms': lat.length ? pct(lat, 99).toFixed(1) : '-',
      'max ms': lat.length ? Math.max(...lat).toFixed(1) : '-',
      orders: orderLat.length || '-',
      'order p50 ms': orderLat.length ? pct(orderLat, 50).toFixed(1) : '-',
      'order p99 ms': orderLat.length ? pct(orderLat, 99).toFixed(1) : '-',
    });
    if (rules) log(`engine: ${JSON.stringify(rules.engine.stats)}; writes: ${JSON.stringify(rules.backlog())}`);
    await rules?.stop();
    await headend.stop();
    await db.drop();
  }
  await server.stop();
  results.push(engineAlone(messages.map((m) => parseMqttMessage(m.topic, m.payload, LIMITS)), meters, readings));
  const [alone, ruled] = results;
  console.log(`\nbench:alarms  ${M} meters x ${HOURS} h, ${readings} readings, fault rate ${RATE}/meter-hour, ${RULES.length} rules, PostgreSQL ${server.version}`);
  console.table(results);
  console.log(`rules cost: ingest at ${((Number(ruled['readings/s']) / Number(alone['readings/s'])) * 100).toFixed(0)}% of the no-rules rate`);
}

/** The engine's own evaluation rate on one core: the same envelopes, no pipeline, no database. */
function engineAlone(parsed: IngestMessage[], meters: SimMeter[], readings: number): Record<string, string | number> {
  const ids = new Map(meters.map((m, i) => [m.serial, i + 1]));
  const info = meters.map((m) => ({ modelCode: MODELS[m.commodity === 'gas' ? 0 : 1].code, registerDigits: m.registerDigits ?? 8, region: null, group: null }));
  const engine = new RuleEngine((id) => info[id - 1], { sweepMs: 3_600_000, idleEvictMs: 86_400_000, maxMeters: 10_000_000 });
  engine.setRules(RULES.map((r, i): RuleVersion => ({ ...validateRule(r), attach: validateRule(r).attach ?? {}, enabled: true, id: i + 1, version: 1, createdBy: 'bench', createdAt: '' })));
  const batches = parsed.map((m) => m.envelopes.map((e) => ({ ...e, meterId: ids.get(e.meterSerial) })));
  log(`engine alone: ${readings} readings`);
  const started = performance.now();
  let transitions = 0;
  for (const b of batches) transitions += engine.evaluate(b).length;
  const seconds = (performance.now() - started) / 1000;
  return { path: 'engine alone (no I/O, 1 core)', readings, seconds: seconds.toFixed(2), 'readings/s': Math.round(readings / seconds), alarms: '-', transitions, 'p50 ms': '-', 'p99 ms': '-', 'max ms': '-', orders: '-', 'order p50 ms': '-', 'order p99 ms': '-' };
}

const run = INGEST
  ? () => runIngestLoad({ meters: M, hours: HOURS, hoursPerMessage: PER_MESSAGE_HOURS, inflight: INFLIGHT, faultRate: RATE, settleSeconds: Number(opt['settle-seconds']) }).then((ok) => void (ok || (process.exitCode = 1)))
  : main;
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
