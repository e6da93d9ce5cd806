/**
 * What Grafana sends to PostgreSQL for a panel's raw SQL, rebuilt here so the dashboard test runs exactly that.
 *
 * Grafana turns a panel's SQL into a statement in three passes, and so does `interpolateSql`:
 *  1. the browser replaces template variables (`$var`, `${var}`, `${var:format}`, `[[var]]`) and the global ones
 *     (`$__interval`, `$__interval_ms`, `$__from`, `$__to`, `$__range_s`); a single-value variable goes in with its
 *     quotes doubled, a multi-value or "All" variable as a list of quoted literals ('a','b');
 *  2. the SQL back end replaces `$__interval_ms`, `$__interval`, `$__unixEpochFrom()`, `$__unixEpochTo()`;
 *  3. the PostgreSQL macro engine replaces `$__name(args)` macros (the list in MACROS below).
 * Whatever is left that looks like a variable or macro is an error here, where Grafana would send it on and fail
 * in PostgreSQL or, worse, silently match nothing. An unknown macro is an error in both.
 *
 * Supported macros (Grafana's PostgreSQL data source, non-TimescaleDB and TimescaleDB modes): $__time, $__timeEpoch,
 * $__timeFilter, $__timeFrom, $__timeTo, $__timeGroup, $__timeGroupAlias, $__unixEpochFilter, $__unixEpochFrom,
 * $__unixEpochTo, $__unixEpochNanoFilter, $__unixEpochNanoFrom, $__unixEpochNanoTo, $__unixEpochGroup,
 * $__unixEpochGroupAlias. Fill modes (the third argument of $__timeGroup) are accepted and ignored: they change how
 * Grafana draws gaps, not the SQL.
 */
import { formatInterval, parseInterval } from './grafana-interval.ts';

export interface TimeRange {
  from: Date;
  to: Date;
}

/** A template variable as the dashboard has resolved it: one value, or several (multi-value or "All"). */
export interface ResolvedVariable {
  value: string | string[];
  multi: boolean; // multi-value or include-All: single values are quoted too
}

export interface SqlContext {
  range: TimeRange;
  intervalMs: number;
  variables: ReadonlyMap<string, ResolvedVariable>;
  timescaledb: boolean; // the data source's TimescaleDB switch: $__timeGroup becomes time_bucket()
}

export class GrafanaSqlError extends Error {}

const quoteLiteral = (v: string) => `'${v.replace(/'/g, "''")}'`;

function formatVariable(name: string, v: ResolvedVariable, format: string | undefined): string {
  const values = Array.isArray(v.value) ? v.value : [v.value];
  switch (format) {
    case undefined: // the SQL data sources' own interpolation
      if (!Array.isArray(v.value) && !v.multi) return v.value.replace(/'/g, "''");
      return values.map(quoteLiteral).join(',');
    case 'raw':
      return values.join(',');
    case 'csv':
      return values.join(',');
    case 'singlequote':
    case 'sqlstring':
      return values.map(quoteLiteral).join(',');
    default:
      throw new GrafanaSqlError(`variable ${name}: format "${format}" is not supported here`);
  }
}

// Grafana's template variable syntax (public/app/features/variables/utils.ts variableRegex).
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g;
// The back end's macro syntax (pkg/tsdb/grafana-postgresql-datasource/macros.go).
const MACRO = /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g;

function globalVariables(ctx: SqlContext): Map<string, string> {
  const from = ctx.range.from.getTime();
  const to = ctx.range.to.getTime();
  return new Map([
    ['__interval', formatInterval(ctx.intervalMs)],
    ['__interval_ms', String(ctx.intervalMs)],
    ['__from', String(from)],
    ['__to', String(to)],
    ['__range_s', String(Math.round((to - from) / 1000))],
    ['__range_ms', String(to - from)],
  ]);
}

/** Pass 1: template and global variables. `$__timeFilter(` and other macros are left for pass 3. */
export function interpolateVariables(sql: string, ctx: SqlContext): string {
  const globals = globalVariables(ctx);
  return sql.replace(VARIABLE, (match, plain, bracket, bracketFormat, braced, bracedFormat, offset: number) => {
    const name: string = plain ?? bracket ?? braced;
    const format: string | undefined = bracketFormat ?? bracedFormat;
    const v = ctx.variables.get(name);
    if (v) return formatVariable(name, v, format);
    const g = globals.get(name);
    if (g !== undefined) return g;
    if (plain && sql[offset + match.length] === '(' && name.startsWith('__')) return match; // a macro
    throw new GrafanaSqlError(`unknown variable ${match}`);
  });
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z'); // Go's RFC3339Nano drops zero fractions

function secondsOf(arg: string | undefined, macro: string): number {
  if (arg === undefined) throw new GrafanaSqlError(`macro ${macro} needs time column and interval and optional fill value`);
  return parseInterval(arg.replace(/^'|'$/g, '')) / 1000;
}

function evaluateMacro(name: string, args: string[], ctx: SqlContext): string {
  const { from, to } = ctx.range;
  const col = () => {
    if (!args[0]) throw new GrafanaSqlError(`missing time column argument for macro ${name}`);
    return args[0];
  };
  switch (name) {
    case '__time':
      return `${col()} AS "time"`;
    case '__timeEpoch':
      return `extract(epoch from ${col()}) as "time"`;
    case '__timeFilter':
      return `${col()} BETWEEN '${iso(from)}' AND '${iso(to)}'`;
    case '__timeFrom':
      return `'${iso(from)}'`;
    case '__timeTo':
      return `'${iso(to)}'`;
    case '__timeGroup': {
      const s = secondsOf(args[1], name);
      return ctx.timescaledb ? `time_bucket('${s.toFixed(3)}s',${col()})` : `floor(extract(epoch from ${col()})/${s})*${s}`;
    }
    case '__timeGroupAlias':
      return `${evaluateMacro('__timeGroup', args, ctx)} AS "time"`;
    case '__unixEpochFilter':
      return `${col()} >= ${Math.floor(from.getTime() / 1000)} AND ${col()} <= ${Math.floor(to.getTime() / 1000)}`;
    case '__unixEpochNanoFilter':
      return `${col()} >= ${BigInt(from.getTime()) * 1_000_000n} AND ${col()} <= ${BigInt(to.getTime()) * 1_000_000n}`;
    case '__unixEpochNanoFrom':
      return String(BigInt(from.getTime()) * 1_000_000n);
    case '__unixEpochNanoTo':
      return String(BigInt(to.getTime()) * 1_000_000n);
    case '__unixEpochGroup': {
      const s = secondsOf(args[1], name);
      return `floor((${col()})/${s})*${s}`;
    }
    case '__unixEpochGroupAlias':
      return `${evaluateMacro('__unixEpochGroup', args, ctx)} AS "time"`;
    default:
      throw new GrafanaSqlError(`unknown macro "${name}"`);
  }
}

/** Passes 2 and 3: the back end's global replacements, then the PostgreSQL macros. */
export function interpolateMacros(sql: string, ctx: SqlContext): string {
  let out = sql
    .replaceAll('$__interval_ms', String(ctx.intervalMs))
    .replaceAll('$__interval', formatInterval(ctx.intervalMs))
    .replaceAll('$__unixEpochFrom()', String(Math.floor(ctx.range.from.getTime() / 1000)))
    .replaceAll('$__unixEpochTo()', String(Math.floor(ctx.range.to.getTime() / 1000)));
  out = out.replace(MACRO, (match, name: string, rawArgs: string, offset: number) => {
    // Grafana's pre-5.3 compatibility: $__timeGroup(...) directly followed by ',' gets the "time" alias.
    const alias = name === '__timeGroup' && out[offset + match.length] === ',';
    const args = rawArgs.split(',').map((a) => a.trim());
    return evaluateMacro(alias ? '__timeGroupAlias' : name, args, ctx);
  });
  const left = /\$\w+|\[\[\w+/.exec(out);
  if (left) throw new GrafanaSqlError(`left in the SQL after interpolation: ${left[0]}`);
  return out;
}

/** The statement Grafana would send for a panel's (or a variable's) raw SQL. */
export function interpolateSql(sql: string, ctx: SqlContext): string {
  return interpolateMacros(interpolateVariables(sql, ctx), ctx);
}
