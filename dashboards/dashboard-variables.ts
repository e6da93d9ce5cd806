/**
 * Template variables resolved the way Grafana does on opening a dashboard: in order, each query variable's SQL
 * interpolated with the variables before it and run; the saved selection kept when it is still among the options
 * ("All" meaning every option), else the first option. Only the variable types our dashboards use are supported;
 * any other type fails, so a new kind of variable gets support here before it ships.
 */
import type { Dashboard, DashboardVariable } from './dashboard-file.ts';
import { interpolateSql, GrafanaSqlError, type ResolvedVariable, type TimeRange } from './grafana-sql.ts';

export type RunSql = (sql: string) => Promise<{ rows: Record<string, unknown>[]; fields: { name: string }[] }>;

export interface VariableOptions {
  name: string;
  options: string[];
  selected: ResolvedVariable;
  sql?: string; // what ran, for query variables
}

function customOptions(query: string): string[] {
  // "a,b,c" or "label : value" pairs; a backslash escapes a comma.
  return query
    .split(/(?<!\\),/)
    .map((o) => o.replace(/\\,/g, ',').trim())
    .map((o) => (/\s:\s/.test(o) ? o.split(/\s:\s/)[1].trim() : o))
    .filter((o) => o !== '');
}

async function queryOptions(v: DashboardVariable, sql: string, run: RunSql): Promise<string[]> {
  const { rows, fields } = await run(sql);
  const column = fields.some((f) => f.name === '__value') ? '__value' : fields[0]?.name;
  if (!column) throw new GrafanaSqlError(`variable ${v.name}: its query returns no column`);
  return [...new Set(rows.map((r) => String(r[column])))];
}

function select(v: DashboardVariable, options: string[]): ResolvedVariable {
  if (options.length === 0) throw new GrafanaSqlError(`variable ${v.name}: no options`);
  if (v.current?.includes('$__all')) {
    if (!v.includeAll) throw new GrafanaSqlError(`variable ${v.name}: "All" saved but includeAll is off`);
    if (v.allValue !== undefined) throw new GrafanaSqlError(`variable ${v.name}: a custom allValue is not supported by this check`);
    return { value: options, multi: true };
  }
  const kept = (v.current ?? []).filter((c) => options.includes(c));
  const chosen = kept.length > 0 ? kept : [options[0]];
  return { value: v.multi ? chosen : chosen[0], multi: v.multi || v.includeAll };
}

export async function resolveVariables(
  d: Dashboard,
  ctx: { range: TimeRange; timescaledb: boolean },
  run: RunSql,
): Promise<{ variables: Map<string, ResolvedVariable>; resolved: VariableOptions[] }> {
  const variables = new Map<string, ResolvedVariable>();
  const resolved: VariableOptions[] = [];
  for (const v of d.variables) {
    let options: string[];
    let sql: string | undefined;
    if (v.type === 'custom') options = customOptions(v.query);
    else if (v.type === 'query') {
      sql = interpolateSql(v.query, { ...ctx, intervalMs: 3_600_000, variables });
      options = await queryOptions(v, sql, run);
    } else throw new GrafanaSqlError(`variable ${v.name}: type "${v.type}" is not supported by this check`);
    const selected = select(v, options);
    variables.set(v.name, selected);
    resolved.push({ name: v.name, options, selected, sql });
  }
  return { variables, resolved };
}
