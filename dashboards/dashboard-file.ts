/**
 * The provisioned dashboards as the test (and anyone checking them) sees them: every panel query, with its format,
 * and every template variable, read from the JSON Grafana loads. Rows nest panels; both levels are walked, so a
 * panel cannot hide from the test by sitting in a collapsed row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'grafana');
export const PROVISIONING_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'provisioning');

export type QueryFormat = 'time_series' | 'table';

export interface PanelQuery {
  dashboard: string; // file name
  panelId: number;
  panelTitle: string;
  panelType: string;
  refId: string;
  format: QueryFormat;
  rawSql: string;
  datasourceUid: string | undefined;
  minInterval: string | undefined; // the panel's "interval" (minimum $__interval)
  maxDataPoints: number | undefined;
}

export interface DashboardVariable {
  name: string;
  type: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue: string | undefined;
  current: string[] | undefined; // saved selection; ['$__all'] for All
  datasourceUid: string | undefined;
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  json: any;
  queries: PanelQuery[];
  variables: DashboardVariable[];
}

function panelsOf(json: any): any[] {
  const out: any[] = [];
  for (const p of json.panels ?? []) {
    out.push(p);
    for (const inner of p.panels ?? []) out.push(inner); // collapsed rows keep their panels inside
  }
  return out;
}

function queryOf(file: string, panel: any, t: any): PanelQuery {
  return {
    dashboard: file,
    panelId: panel.id,
    panelTitle: panel.title,
    panelType: panel.type,
    refId: t.refId,
    format: t.format,
    rawSql: t.rawSql,
    datasourceUid: t.datasource?.uid ?? panel.datasource?.uid,
    minInterval: panel.interval,
    maxDataPoints: panel.maxDataPoints,
  };
}

function variableOf(v: any): DashboardVariable {
  const cur = v.current?.value;
  return {
    name: v.name,
    type: v.type,
    query: typeof v.query === 'string' ? v.query : v.query?.query ?? v.query?.rawSql ?? '',
    multi: Boolean(v.multi),
    includeAll: Boolean(v.includeAll),
    allValue: v.allValue ?? undefined,
    current: cur === undefined ? undefined : Array.isArray(cur) ? cur : [cur],
    datasourceUid: v.datasource?.uid,
  };
}

export function loadDashboard(file: string): Dashboard {
  const json = JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8'));
  const queries = panelsOf(json)
    .filter((p) => p.type !== 'row' && p.type !== 'text')
    .flatMap((p) => (p.targets ?? []).map((t: any) => queryOf(file, p, t)));
  return { file, uid: json.uid, title: json.title, json, queries, variables: (json.templating?.list ?? []).map(variableOf) };
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map(loadDashboard);
}
