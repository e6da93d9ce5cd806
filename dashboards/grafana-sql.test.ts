import assert from 'node:assert/strict';
import { interpolateSql, GrafanaSqlError, type SqlContext, type ResolvedVariable } from './grafana-sql.ts';
import { formatInterval, panelIntervalMs, parseInterval, roundInterval } from './grafana-interval.ts';

const H = 3_600_000;
const D = 24 * H;

function ctx(over: Partial<SqlContext> = {}, vars: Record<string, ResolvedVariable> = {}): SqlContext {
  return {
    range: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T12:30:00.250Z') },
    intervalMs: H,
    variables: new Map(Object.entries(vars)),
    timescaledb: false,
    ...over,
  };
}

describe('dashboards/grafana-sql: what Grafana sends to PostgreSQL', () => {
  it('expands the time macros as Grafana PostgreSQL does (RFC 3339, UTC, zero fractions dropped)', () => {
    assert.equal(interpolateSql('WHERE $__timeFilter(r.ts)', ctx()), "WHERE r.ts BETWEEN '2026-11-01T00:00:00Z' AND '2026-11-02T12:30:00.250Z'");
    assert.equal(interpolateSql('$__timeFrom() $__timeTo()', ctx()), "'2026-11-01T00:00:00Z' '2026-11-02T12:30:00.250Z'");
    assert.equal(interpolateSql('SELECT $__time(bucket)', ctx()), 'SELECT bucket AS "time"');
    assert.equal(interpolateSql('SELECT $__timeEpoch(bucket)', ctx()), 'SELECT extract(epoch from bucket) as "time"');
    assert.equal(interpolateSql('$__unixEpochFrom() $__unixEpochTo()', ctx()), '1793491200 1793622600');
    assert.equal(interpolateSql('$__unixEpochFilter(t)', ctx()), 't >= 1793491200 AND t <= 1793622600');
  });

  it('groups by epoch arithmetic, or time_bucket when the data source has TimescaleDB switched on', () => {
    assert.equal(interpolateSql("SELECT $__timeGroupAlias(bucket, '1h')", ctx()), 'SELECT floor(extract(epoch from bucket)/3600)*3600 AS "time"');
    assert.equal(interpolateSql('SELECT $__timeGroupAlias(bucket, $__interval)', ctx({ intervalMs: D })), 'SELECT floor(extract(epoch from bucket)/86400)*86400 AS "time"');
    assert.equal(interpolateSql("SELECT $__timeGroupAlias(bucket, '5m')", ctx({ timescaledb: true })), `SELECT time_bucket('300.000s',bucket) AS "time"`);
    // Pre-5.3 dashboards: $__timeGroup directly followed by a comma gets the alias too; elsewhere it does not.
    assert.equal(interpolateSql("SELECT $__timeGroup(ts, '1h'), 1 GROUP BY $__timeGroup(ts, '1h')", ctx()), 'SELECT floor(extract(epoch from ts)/3600)*3600 AS "time", 1 GROUP BY floor(extract(epoch from ts)/3600)*3600');
    // A fill mode is about drawing, not SQL.
    assert.equal(interpolateSql("$__timeGroup(ts, '1h', 0)", ctx()), 'floor(extract(epoch from ts)/3600)*3600');
  });

  it('replaces the interval variables in both spellings', () => {
    assert.equal(interpolateSql('$__interval $__interval_ms ${__interval}', ctx({ intervalMs: 6 * H })), '6h 21600000 6h');
  });

  it('quotes variables like the SQL data sources: single values bare with quotes doubled, lists as quoted literals', () => {
    const vars = { meter: { value: "O'Brien-1", multi: false }, model: { value: ['G4', 'DN20'], multi: true }, one: { value: 'gas', multi: true } };
    assert.equal(interpolateSql("serial = '$meter'", ctx({}, vars)), "serial = 'O''Brien-1'");
    assert.equal(interpolateSql('code IN ($model) AND c IN (${one})', ctx({}, vars)), "code IN ('G4','DN20') AND c IN ('gas')");
    assert.equal(interpolateSql('${model:csv} [[model:raw]] ${model:sqlstring}', ctx({}, vars)), "G4,DN20 G4,DN20 'G4','DN20'");
  });

  it('fails on an unknown macro, an unknown variable, an unsupported format or anything left unreplaced', () => {
    assert.throws(() => interpolateSql('SELECT $__timeGroupAliasX(ts, 1h)', ctx()), (e: Error) => e instanceof GrafanaSqlError && /unknown macro "__timeGroupAliasX"/.test(e.message));
    assert.throws(() => interpolateSql("WHERE serial = '$meter'", ctx()), /unknown variable \$meter/);
    assert.throws(() => interpolateSql('${model:json}', ctx({}, { model: { value: ['a'], multi: true } })), /format "json"/);
    assert.throws(() => interpolateSql('$__timeFilter()', ctx()), /missing time column/);
    assert.throws(() => interpolateSql('$__timeGroup(ts)', ctx()), /needs time column and interval/);
  });
});

describe('dashboards/grafana-interval: $__interval as the browser computes it', () => {
  it('rounds range / data points to Grafana steps and honours the minimum interval', () => {
    assert.equal(roundInterval(40 * 60_000), 30 * 60_000);
    assert.equal(roundInterval(365 * D / 1000), 6 * H); // a year on a 1000-point panel
    assert.equal(panelIntervalMs(6 * H, 1000), 20_000);
    assert.equal(panelIntervalMs(6 * H, 1000, '1h'), H);
    assert.equal(panelIntervalMs(30 * D, 1000, '>1h'), H);
    assert.equal(panelIntervalMs(800 * D, 1000), 12 * H);
    assert.equal(panelIntervalMs(3 * 365 * D, 100), 7 * D);
  });

  it('reads and writes interval text like Grafana', () => {
    assert.equal(parseInterval('5m'), 300_000);
    assert.equal(parseInterval('1w'), 7 * D);
    assert.equal(formatInterval(7 * D), '7d');
    assert.equal(formatInterval(90 * 60_000), '1h');
    assert.equal(formatInterval(500), '500ms');
    assert.throws(() => parseInterval('an hour'), /not an interval/);
  });
});
