/**
 * The head-end under test, in its own process so its CPU and memory are measured apart from the publishers:
 * the database pool, `startHeadend` (registry, storage, pipeline, rollup worker) and the embedded MQTT broker on a
 * free port, exactly as `abone start` wires them (server/start.ts), without HTTP.
 *
 * Started by bench/ingest.ts and bench/alarms.ts with `node --import tsx bench/headend-process.ts` over an IPC channel:
 *   -> { type: 'ready', port, settings }      once the broker listens
 *   <- { type: 'metrics' }   -> { type: 'metrics', metrics }   (event-loop delay since the last ask)
 *   <- { type: 'alarms', orderOf } -> { type: 'alarms', alarms, engine, backlog }   (with the rules, below)
 *   <- { type: 'stop' }      drains, stops and exits (so that --cpu-prof writes its profile)
 * The database URL comes in BENCH_HEADEND_DATABASE_URL; ABONE_* settings come from the environment as usual.
 *
 * BENCH_HEADEND_RULES=1 (bench:alarms) also starts the alarm work as `abone start` does (server/alarm-work.ts: the
 * alarm → work-order wiring, then the rules engine on the pipeline's commits, before the broker takes messages), with
 * bench/alarm-probe.ts timing each alarm and order from the commit of the reading that raised it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadSettings } from '../platform/config.ts';
import { createPool } from '../platform/db/pool.ts';
import { startHeadend } from '../headend/index.ts';
import { startEmbeddedBroker, mqttSettings } from '../collectors/mqtt/index.ts';
import { AlarmProbe } from './alarm-probe.ts';

const url = process.env.BENCH_HEADEND_DATABASE_URL;
if (!url || !process.send) {
  console.error('bench/headend-process.ts is started by bench/ingest.ts (needs BENCH_HEADEND_DATABASE_URL and an IPC channel)');
  process.exit(2);
}

const pool = createPool(url, 10);
const headend = await startHeadend(pool, url);
const withRules = process.env.BENCH_HEADEND_RULES === '1';
// The probe listens to commits before the rules do; the server's door is imported only here, so the head-end of
// bench:ingest loads nothing more than before.
const probe = withRules ? new AlarmProbe(headend.pipeline) : undefined;
const alarmWork = withRules ? await (await import('../server/index.ts')).startAlarmWork(pool, headend.pipeline) : undefined;
if (alarmWork && !alarmWork.rules) {
  console.error('bench/headend-process.ts: BENCH_HEADEND_RULES=1 but the rules did not start (ABONE_RULES_ENABLED=false?)');
  process.exit(2);
}
const mqtt = loadSettings(mqttSettings);
const broker = await startEmbeddedBroker({
  registry: headend.registry,
  pipeline: headend.pipeline,
  limits: { maxBytes: mqtt.maxPayloadBytes, maxItems: mqtt.maxItems },
  port: 0,
  host: '127.0.0.1',
});

// How long callbacks wait for the event loop: what a database reply for the alarm work waits behind ingest.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function metrics() {
  const m = headend.pipeline.metrics;
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const eventLoopDelayMs = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
  loopDelay.reset();
  return {
    eventLoopDelayMs,
    messagesIn: m.messagesIn,
    readingsIn: m.readingsIn,
    readingsWritten: m.readingsWritten,
    readingsDuplicate: m.readingsDuplicate,
    rejected: Object.fromEntries(m.rejected),
    batches: m.batches,
    batchRetries: m.batchRetries,
    queueDepth: m.queueDepth,
    clients: broker.connectedClients(),
    aclDenied: broker.aclDenied(),
  };
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await broker.close().catch(() => undefined);
  probe?.stop();
  await alarmWork?.stop().catch(() => undefined);
  await headend.stop().catch(() => undefined);
  await pool.end().catch(() => undefined);
  process.exit(0);
}

/** Once every transition evaluated so far is written: each alarm raised with its times (orderOf: alarm id -> order id). */
async function alarms(orderOf: Array<[number, number]>) {
  const rules = alarmWork!.rules!;
  await rules.idle();
  return { alarms: probe!.report(new Map(orderOf)), engine: rules.engine.stats, backlog: rules.backlog(), commits: probe!.commits };
}

process.on('message', (msg: { type: string; orderOf?: Array<[number, number]> }) => {
  if (msg.type === 'metrics') process.send!({ type: 'metrics', metrics: metrics() });
  else if (msg.type === 'alarms' && probe) void alarms(msg.orderOf ?? []).then((r) => process.send!({ type: 'alarms', ...r }));
  else if (msg.type === 'stop') void stop();
});
process.on('disconnect', () => void stop()); // the bench died: do not linger
process.send({ type: 'ready', port: broker.port, settings: headend.settings });
