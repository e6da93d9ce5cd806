/**
 * Every provisioned dashboard, run for real: each panel's SQL and each variable's query is interpolated the way
 * Grafana's PostgreSQL data source does it (dashboards/grafana-sql.ts), run against a database the simulator filled
 * through MQTT and the head-end, as a role holding only Grafana's grants, over time ranges that hit every storage
 * tier the queries choose between. A schema change that breaks a panel fails here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadDashboards, PROVISIONING_DIR, type Dashboard, type PanelQuery } from './dashboard-file.ts';
import { resolveVariables } from './dashboard-variables.ts';
import { interpolateSql, type ResolvedVariable, type TimeRange } from './grafana-sql.ts';
import { panelIntervalMs } from './grafana-interval.ts';
import { shapeProblems, type QueryResult } from './query-shape.ts';
import { fillDatabase, insertAccruals, LATE_ENDED_HOURS_AGO, type FilledDatabase } from './test-fleet.ts';
import { testServerUrl } from '../test/support/db.ts';
import pg from 'pg';

const H = 3_600_000;
const D = 24 * H;
const DEFAULT_MAX_DATA_POINTS = 1000;
// Ranges ending now that reach each tier: fleet hourly (<= 3 d), fleet daily, drill-down daily (> 31 d), fleet monthly (> 400 d).
const RANGES = { '2d': 2 * D, '12d': 12 * D, '60d': 60 * D, '450d': 450 * D } as const;
type RangeName = keyof typeof RANGES;
const FULL: RangeName = '12d'; // holds everything the simulator sent: every panel must show rows

const dashboards = loadDashboards();

/** The range in which every panel must show rows: the shortest tested range covering the dashboard's default one. */
function fullRangeOf(d: Dashboard): RangeName {
  const m = /^now-(\d+)([dwMy])$/.exec(d.json.time?.from ?? '');
  const want = m ? Number(m[1]) * { d: D, w: 7 * D, M: 30 * D, y: 365 * D }[m[2] as 'd']! : 0;
  return (Object.keys(RANGES) as RangeName[]).find((r) => RANGES[r] >= Math.max(want, RANGES[FULL])) ?? '450d';
}
const datasource = (parseYaml(readFileSync(path.join(PROVISIONING_DIR, 'datasources/abone-postgres.yaml'), 'utf8')) as any).datasources[0];
const READER_GRANTS = readFileSync(path.join(import.meta.dirname, '../deploy/postgres/grafana-reader.sql'), 'utf8');

interface PanelRun {
  query: PanelQuery;
  sql: string;
  result: QueryResult;
}

describe('dashboards: every panel and variable query against a simulator-filled database', function () {
  this.timeout(180_000);
  let filled: FilledDatabase;
  let reader: string;
  const runs = new Map<string, Map<RangeName, PanelRun[]>>(); // dashboard file -> range -> runs
  const variables = new Map<string, Map<RangeName, Map<string, ResolvedVariable>>>();
  const failures: string[] = [];
  let rangeEnd: Date;
  let accrualPeriods: { older: string; newer: string };

  // As Grafana's account: only the grants in deploy/postgres/grafana-reader.sql.
  const runAsReader = async (sql: string): Promise<QueryResult> => {
    const c = await filled.db.pool.connect();
    try {
      await c.query('BEGIN READ ONLY');
      await c.query(`SET LOCAL ROLE "${reader}"`);
      const r = await c.query(sql);
      await c.query('COMMIT');
      return { rows: r.rows, fields: r.fields };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  };

  async function runDashboard(d: Dashboard, name: RangeName, to: Date): Promise<string[]> {
    const range: TimeRange = { from: new Date(to.getTime() - RANGES[name]), to };
    const failures: string[] = [];
    const { variables: vars } = await resolveVariables(d, { range, timescaledb: datasource.jsonData.timescaledb }, runAsReader);
    variables.get(d.file)!.set(name, vars);
    const out: PanelRun[] = [];
    for (const q of d.queries) {
      const where = `${d.file} "${q.panelTitle}" ${q.refId} over ${name}`;
      try {
        const intervalMs = panelIntervalMs(RANGES[name], q.maxDataPoints ?? DEFAULT_MAX_DATA_POINTS, q.minInterval ?? datasource.jsonData.timeInterval);
        const sql = interpolateSql(q.rawSql, { range, intervalMs, variables: vars, timescaledb: datasource.jsonData.timescaledb });
        const result = await runAsReader(sql);
        for (const p of shapeProblems(q, result)) failures.push(`${where}: ${p}`);
        if (name === fullRangeOf(d) && result.rows.length === 0) failures.push(`${where}: no rows on the filled database`);
        out.push({ query: q, sql, result });
      } catch (err) {
        failures.push(`${where}: ${(err as Error).message}`);
      }
    }
    runs.get(d.file)!.set(name, out);
    return failures;
  }

  before(async () => {
    filled = await fillDatabase();
    accrualPeriods = await insertAccruals(filled.db.pool);
    reader = `grafana_reader_${randomBytes(4).toString('hex')}`;
    await filled.db.pool.query(`CREATE ROLE "${reader}" NOLOGIN`);
    await filled.db.pool.query(READER_GRANTS.replaceAll(':"reader"', `"${reader}"`));
    const to = (rangeEnd = new Date());
    for (const d of dashboards) {
      runs.set(d.file, new Map());
      variables.set(d.file, new Map());
    }
    for (const d of dashboards) for (const name of Object.keys(RANGES) as RangeName[]) failures.push(...(await runDashboard(d, name, to)));
  });
  after(async () => {
    if (!filled) return;
    await filled.db.pool.query(`DROP OWNED BY "${reader}"`).catch(() => undefined);
    await filled.stop();
    const admin = new pg.Client({ connectionString: await testServerUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${reader}"`).finally(() => admin.end());
  });

  it('is provisioned consistently: one data source uid everywhere, raw SQL in code mode, unique uids and panel ids', () => {
    assert.equal(datasource.type, 'grafana-postgresql-datasource');
    const uids = dashboards.map((d) => d.uid);
    assert.equal(new Set(uids).size, uids.length, 'dashboard uids are unique');
    for (const d of dashboards) {
      const ids = d.queries.map((q) => `${q.panelId}/${q.refId}`);
      assert.equal(new Set(ids).size, ids.length, `${d.file}: panel id + refId unique`);
      for (const q of d.queries) {
        assert.equal(q.datasourceUid, datasource.uid, `${d.file} "${q.panelTitle}" uses the provisioned data source`);
        assert.ok(typeof q.rawSql === 'string' && q.rawSql.trim().length > 0, `${d.file} "${q.panelTitle}" has raw SQL`);
      }
      for (const v of d.variables.filter((x) => x.type === 'query')) assert.equal(v.datasourceUid, datasource.uid, `${d.file} variable ${v.name}`);
    }
    assert.ok(dashboards.length >= 2 && dashboards.every((d) => d.queries.length > 0));
  });

  it('runs every panel and variable query over every range, as Grafana sends it, with the shape its panel needs', () => {
    assert.deepEqual(failures, []);
    const expected = dashboards.reduce((n, d) => n + d.queries.length, 0) * Object.keys(RANGES).length;
    const ran = [...runs.values()].reduce((n, m) => n + [...m.values()].reduce((k, r) => k + r.length, 0), 0);
    assert.equal(ran, expected, 'every query of every dashboard ran for every range');
  });

  const panel = (file: string, range: RangeName, title: string) => {
    const run = runs.get(file)?.get(range)?.find((r) => r.query.panelTitle === title);
    assert.ok(run, `${file} has a panel "${title}" that ran over ${range}`);
    return run.result.rows;
  };
  const q = async (sql: string, params: unknown[] = []) => (await filled.db.pool.query(sql, params)).rows;

  it('fleet overview: up to 4 of 6 meters report; one late by 73 h, one missing; readings per hour add up to every stored reading', async () => {
    const f = 'fleet-overview.json';
    // Of the four publishing meters, those whose last day was not replaced by a malformed payload (the raw table says which).
    const [{ n: reporting }] = await q(`SELECT count(DISTINCT meter_id)::int AS n FROM reading WHERE ts > $1`, [new Date(rangeEnd.getTime() - 24 * H)]);
    assert.ok(reporting >= 1 && reporting <= 4);
    assert.deepEqual(panel(f, FULL, 'Meters reporting (24 h to the end of the range)').map((r) => [Number(r.reporting), Number(r['active meters'])]), [[reporting, 6]]);
    const late = panel(f, FULL, 'Late or missing meters');
    assert.deepEqual(late.map((r) => [r.meter, r.status]), [[filled.meters[5].serial, 'missing'], [filled.meters[4].serial, 'late']]);
    const silent = Number(late[1]['hours silent']);
    assert.ok(silent >= LATE_ENDED_HOURS_AGO && silent < LATE_ENDED_HOURS_AGO + 2, `late meter silent ${silent} h`);
    const counts = panel(f, FULL, 'Late or missing')[0];
    assert.deepEqual([Number(counts.late), Number(counts.missing)], [1, 1]);

    const stored = Number((await q('SELECT count(*) AS n FROM reading'))[0].n);
    assert.equal(stored, filled.fleet.readingsAcked + 24 * 4, 'storage holds what the fleet saw acknowledged, plus the late day');
    // Daily tier: one point per day, readings per hour averaged over 24 hours.
    const perHourDaily = panel(f, FULL, 'Readings per hour');
    assert.ok(Math.abs(perHourDaily.reduce((s, r) => s + Number(r['readings per hour']) * 24, 0) - stored) < 1e-6);
    // Hourly tier: one point per hour, the readings stamped in that hour.
    const to = filled.lastHour;
    const hourly = panel(f, '2d', 'Readings per hour');
    const rawHours = await q(`SELECT extract(epoch FROM date_trunc('hour', ts))::float8 AS t, count(*)::int AS n FROM reading WHERE ts >= $1 GROUP BY 1 ORDER BY 1`, [new Date(to - 47 * H)]);
    const panelHours = new Map(hourly.map((r) => [Number(r.time), Number(r['readings per hour'])]));
    for (const r of rawHours) assert.equal(panelHours.get(r.t), r.n, `hour ${new Date(r.t * 1000).toISOString()}`);
  });

  it('fleet overview: rejected payloads and events match what the fleet sent and storage holds', async () => {
    const f = 'fleet-overview.json';
    const total = Number(panel(f, FULL, 'Rejected payloads in range')[0].rejected);
    // Every malformed message the fleet sent is refused at least once, plus the late meter's three bad payloads.
    assert.ok(total >= filled.fleet.malformedSent + 3, `${total} dead letters for ${filled.fleet.malformedSent} malformed messages + 3`);
    const byReason = panel(f, FULL, 'Rejected payloads by reason, in range');
    const count = (reason: string) => Number(byReason.find((r) => r.reason === reason)?.payloads ?? 0);
    assert.ok(count('json_invalid') >= 2 && count('channel_not_on_model') >= 1, JSON.stringify(byReason));
    const stored = await q('SELECT reason, count(*)::int AS n FROM dead_letter GROUP BY reason ORDER BY 2 DESC, 1');
    assert.deepEqual(byReason.map((r) => [r.reason, Number(r.payloads)]), stored.map((r) => [r.reason, r.n]));
    assert.equal(panel(f, FULL, 'Rejected payloads by reason').reduce((s, r) => s + Number(r.value), 0), total);
    // The fleet's events, each stored once, plus the late meter's tamper event.
    assert.equal(Number(panel(f, FULL, 'Meter events in range')[0].events), filled.fleet.eventsAcked + 1);
    assert.equal(panel(f, FULL, 'Meter events by code').reduce((s, r) => s + Number(r.value), 0), filled.fleet.eventsAcked + 1);
  });

  it('meter drill-down: variables list what exists; consumption, pressure and register agree with the raw readings', async () => {
    const f = 'meter-drilldown.json';
    const vars = variables.get(f)!.get(FULL)!;
    assert.deepEqual(vars.get('commodity')!.value, ['gas', 'water']);
    assert.deepEqual([...vars.get('region')!.value].sort(), ['-', 'IST-KADIKOY'], "regions as set, '-' for meters without one");
    assert.equal(vars.get('model')!.value.length, 2);
    const serial = vars.get('meter')!.value as string;
    assert.equal(serial, filled.meters[0].serial, 'the first meter by serial is shown first');
    const [{ id }] = await q('SELECT id FROM meter WHERE serial = $1', [serial]);
    const raw = async (channel: string, from: number) =>
      q(`SELECT extract(epoch FROM r.ts)::float8 AS t, r.value FROM reading r JOIN channel c ON c.id = r.channel_id WHERE r.meter_id = $1 AND c.code = $2 AND r.ts >= $3 ORDER BY r.ts`, [id, channel, new Date(from)]);

    for (const range of ['12d', '60d'] as const) {
      // 12 d reads the hourly rollup (one point per hour), 60 d the daily one; the total is the raw total either way.
      const consumption = panel(f, range, 'Consumption');
      const rawTotal = (await raw('consumption', 0)).reduce((s, r) => s + r.value, 0);
      const total = consumption.reduce((s, r) => s + Number(r.consumption), 0);
      assert.ok(rawTotal > 0 && Math.abs(total - rawTotal) < 1e-9 * rawTotal, `${range}: consumption ${total} vs raw ${rawTotal}`);
    }
    assert.equal(panel(f, '12d', 'Consumption').length, (await raw('consumption', 0)).length, 'hourly tier: one point per reading hour');
    const pressure = panel(f, '12d', 'Pressure');
    const rawPressure = new Map((await raw('pressure', 0)).map((r) => [r.t, r.value]));
    assert.equal(pressure.length, rawPressure.size);
    for (const p of pressure) {
      const v = rawPressure.get(Number(p.time));
      assert.ok(v !== undefined && Math.abs(Number(p.mean) - v) < 1e-12 && Number(p.min) === v && Number(p.max) === v, `pressure at ${p.time}`);
    }
    const register = panel(f, '12d', 'Register index');
    const rawVolume = await raw('volume', 0);
    assert.equal(Number(register.at(-1)!['register index']), rawVolume.at(-1)!.value, 'the register index ends at the newest reading');
    const channels = panel(f, FULL, 'Channels');
    assert.deepEqual(channels.map((c) => c.channel), ['volume', 'consumption', 'pressure', 'temperature', 'battery']);
  });

  it('alarms and work orders: every tamper or leak event raised an alarm, every alarm opened one order, none closed yet', async () => {
    const f = 'alarms-work-orders.json';
    const [{ alarms, active, events }] = await q(`SELECT (SELECT count(*)::int FROM alarm) AS alarms, (SELECT count(*)::int FROM alarm WHERE active) AS active,
      (SELECT count(*)::int FROM meter_event WHERE code IN ('tamper', 'leak')) AS events`);
    assert.ok(alarms >= 1 && alarms <= events, `${alarms} alarms from ${events} tamper and leak events`);
    assert.equal(panel(f, FULL, 'Alarms raised by type').reduce((s, r) => s + Number(r.value), 0), alarms);
    assert.deepEqual(panel(f, FULL, 'Alarms now').map((r) => Number(r.active)), [active]);
    assert.ok(active >= 1, 'the late meter\'s tamper alarm is still active');
    assert.equal(panel(f, FULL, 'Active alarms by type and severity').reduce((s, r) => s + Number(r.active), 0), active);
    // One order per alarm (tamper -> tamper, leak -> leak), all still open. An alarm's order starts its SLA clock at
    // the alarm (reading time), so orders from alarms days ago are past their 4 h (leak) or 24 h (tamper) target.
    assert.equal(panel(f, FULL, 'Work orders opened by type').reduce((s, r) => s + Number(r.value), 0), alarms);
    const orders = await q(`SELECT w.type, a.raised_at, w.sla_due_at, t.sla_hours FROM work_order w JOIN work_order_type t ON t.code = w.type JOIN alarm a ON a.id::text = w.source_ref`);
    assert.equal(orders.length, alarms);
    for (const o of orders) assert.equal(o.sla_due_at.getTime() - o.raised_at.getTime(), Number(o.sla_hours) * H, 'due = the alarm + the type\'s SLA hours');
    const open = panel(f, FULL, 'Open work orders by type');
    assert.equal(open.reduce((s, r) => s + Number(r.open), 0), alarms);
    for (const r of open) {
      const ofType = orders.filter((o) => o.type === r.type);
      assert.ok(['tamper', 'leak'].includes(r.type as string));
      assert.equal(Number(r.open), ofType.length);
      assert.equal(Number(r['past SLA']), ofType.filter((o) => o.sla_due_at < rangeEnd).length, `${r.type} past SLA`);
    }
    const from = rangeEnd.getTime() - RANGES[FULL];
    const breaches = orders.filter((o) => o.sla_due_at.getTime() >= from && o.sla_due_at <= rangeEnd).length;
    assert.equal(Number(panel(f, FULL, 'SLA breaches in range')[0].breaches), breaches);
    assert.deepEqual(panel(f, FULL, 'Time to close').map((r) => [r['mean hours'], r['p90 hours']]), [[null, null]], 'nothing completed: no time to close');
  });

  it('billing: consumption billed, estimated share and outsorted accruals per period, as a clerk would add them up', () => {
    const f = 'billing.json';
    const { older, newer } = accrualPeriods;
    const byPeriod = (rows: Record<string, unknown>[], key: string) => rows.map((r) => [r.period, r.commodity ?? r.reason, Number(r[key])]);
    assert.deepEqual(byPeriod(panel(f, '450d', 'Billed per period'), 'consumption'), [[newer, 'water', 12], [older, 'gas', 100], [older, 'water', 24.5]]);
    assert.deepEqual(byPeriod(panel(f, '450d', 'Billed per period'), 'gross'), [[newer, 'water', 288], [older, 'gas', 2400], [older, 'water', 588]]);
    const consumption = panel(f, '450d', 'Consumption billed per period').map((r) => [r.metric, Number(r.value)]);
    assert.deepEqual(consumption, [['gas', 100], ['water', 24.5], ['water', 12]]);
    // (14.5 x 25 % + 100 x 10 %) / 124.5 = 10.944 %; then 12 x 50 % / 12 = 50 %.
    const share = panel(f, '450d', 'Estimated share').map((r) => Number(Number(r['estimated %']).toFixed(3)));
    assert.deepEqual(share, [10.944, 50]);
    assert.equal(Number(panel(f, '450d', 'Outsorted')[0].outsorted), 2);
    assert.deepEqual(byPeriod(panel(f, '450d', 'Outsorted by reason'), 'accruals'), [[newer, 'zero_on_active', 1], [older, 'above_average', 1]]);
  });
});
