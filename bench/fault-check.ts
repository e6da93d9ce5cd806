/**
 * Did every fault the fleet sent produce exactly one alarm and one work order, and nothing else? An alarm covers a
 * fault when the fault's time lies between the alarm's raise and its clear (reading time; still active: no end).
 * A second fault of the same kind on a meter while its alarm is up is a repeat on that alarm (issue 4: "repeats
 * counted, not duplicated"), so it is covered by the same alarm. Per rule:
 *   faults    what the fleet sent (bench/fleet.ts `simulateFleet`)
 *   alarms    alarm rows of the rule
 *   missed    faults no alarm covers           twice   faults two or more alarms cover
 *   extra     alarms that cover no fault (a false alarm)
 *   orders    work orders opened from the rule's alarms; `no order` / `orders > 1`: alarms with none / several
 */
import type pg from 'pg';
import type { InjectedFault } from './fleet.ts';

export interface FaultCheckRow {
  rule: string;
  faults: number;
  alarms: number;
  missed: number;
  twice: number;
  extra: number;
  orders: number;
  noOrder: number;
  severalOrders: number;
}

export async function checkFaults(pool: pg.Pool, faults: InjectedFault[], ruleOf: (f: InjectedFault) => string): Promise<{ rows: FaultCheckRow[]; ok: boolean }> {
  const { rows: alarms } = await pool.query<{ id: string; serial: string; type: string; raised: number; cleared: number | null; orders: number }>(
    `SELECT a.id, m.serial, a.type, extract(epoch FROM a.raised_at) * 1000 AS raised, extract(epoch FROM a.cleared_at) * 1000 AS cleared,
            count(w.id)::int AS orders
       FROM alarm a JOIN meter m ON m.id = a.meter_id LEFT JOIN work_order w ON w.source = 'alarm' AND w.source_ref = a.id::text
      GROUP BY a.id, m.serial`,
  );
  const byKey = new Map<string, Array<(typeof alarms)[number] & { covers: number }>>();
  const rows = new Map<string, FaultCheckRow>();
  const row = (rule: string) => {
    let r = rows.get(rule);
    if (!r) rows.set(rule, (r = { rule, faults: 0, alarms: 0, missed: 0, twice: 0, extra: 0, orders: 0, noOrder: 0, severalOrders: 0 }));
    return r;
  };
  for (const a of alarms) {
    const key = `${a.serial}|${a.type}`;
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push({ ...a, raised: Number(a.raised), cleared: a.cleared === null ? null : Number(a.cleared), covers: 0 });
    const r = row(a.type);
    r.alarms++;
    r.orders += a.orders;
    if (a.orders === 0) r.noOrder++;
    if (a.orders > 1) r.severalOrders++;
  }
  for (const f of faults) {
    const rule = ruleOf(f);
    const r = row(rule);
    r.faults++;
    const covering = (byKey.get(`${f.serial}|${rule}`) ?? []).filter((a) => a.raised <= f.at && (a.cleared === null || f.at <= a.cleared));
    for (const a of covering) a.covers++;
    if (covering.length === 0) r.missed++;
    if (covering.length > 1) r.twice++;
  }
  for (const list of byKey.values()) for (const a of list) if (a.covers === 0) row(a.type).extra++;
  const out = [...rows.values()].sort((a, b) => a.rule.localeCompare(b.rule));
  const ok = out.every((r) => r.missed === 0 && r.twice === 0 && r.extra === 0 && r.noOrder === 0 && r.severalOrders === 0);
  return { rows: out, ok };
}
