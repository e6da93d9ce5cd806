/**
 * What a query's result must look like for the panel that shows it, following Grafana's SQL data frame rules:
 * a time series needs a column named `time` (timestamp or epoch number), numeric value columns and at most one
 * text column named `metric` (then exactly one value column), sorted by time; a stat panel needs one row of
 * numbers. Returns the problems found (empty: fine).
 */
import type { PanelQuery } from './dashboard-file.ts';

// PostgreSQL type OIDs as node-postgres reports them.
const NUMERIC = new Set([20, 21, 23, 700, 701, 1700]);
const TIME = new Set([1082, 1114, 1184]);
const TEXT = new Set([25, 1043, 19]);

export interface QueryResult {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
}

function timeValue(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return Number(v) * 1000; // epoch seconds (numeric arrives as a string)
}

export function shapeProblems(q: PanelQuery, r: QueryResult): string[] {
  const problems: string[] = [];
  const names = r.fields.map((f) => f.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate column names: ${names.join(', ')}`);
  if (names.some((n) => n === '' || n === '?column?')) problems.push(`unnamed column: ${names.join(', ')}`);
  if (q.format === 'time_series') {
    const time = r.fields.find((f) => f.name === 'time');
    if (!time) problems.push(`no "time" column (columns: ${names.join(', ')})`);
    else if (!TIME.has(time.dataTypeID) && !NUMERIC.has(time.dataTypeID)) problems.push(`"time" is type ${time.dataTypeID}, neither timestamp nor epoch`);
    const metric = r.fields.find((f) => f.name === 'metric');
    if (metric && !TEXT.has(metric.dataTypeID)) problems.push(`"metric" is type ${metric.dataTypeID}, not text`);
    const values = r.fields.filter((f) => f.name !== 'time' && f.name !== 'metric');
    if (values.length === 0) problems.push('no value column');
    if (metric && values.length !== 1) problems.push(`with a "metric" column exactly one value column is needed, got ${values.map((v) => v.name).join(', ')}`);
    for (const v of values) if (!NUMERIC.has(v.dataTypeID)) problems.push(`value column "${v.name}" is type ${v.dataTypeID}, not numeric`);
    if (time) {
      const seen = new Set<string>();
      let last = -Infinity;
      for (const row of r.rows) {
        const t = timeValue(row.time);
        if (!Number.isFinite(t)) problems.push(`time ${String(row.time)} is not a time`);
        if (t < last) problems.push('rows are not sorted by time');
        last = t;
        const key = `${t}|${metric ? String(row.metric) : ''}`;
        if (seen.has(key)) problems.push(`two rows for the same time and metric: ${key}`);
        seen.add(key);
        if (problems.length > 5) break;
      }
    }
  } else if (q.format === 'table') {
    if (q.panelType === 'stat') {
      if (r.rows.length !== 1) problems.push(`a stat panel's table query must return one row, got ${r.rows.length}`);
      for (const f of r.fields) if (!NUMERIC.has(f.dataTypeID)) problems.push(`stat column "${f.name}" is type ${f.dataTypeID}, not numeric`);
    }
  } else problems.push(`format "${q.format}" is neither time_series nor table`);
  return problems;
}
