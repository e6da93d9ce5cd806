/**
 * What the demo needs besides meters for alarms and work orders to flow on a first start: a starter rule set (the
 * one an operator would begin with, docs/rules.md) and two crews. Seeded only into a database that has no rules and no
 * crews, so a utility's own never change; the demo fleet injects a few faults an hour of simulated time.
 */
import type pg from 'pg';
import { contextLogger } from '../platform/logger.ts';
import { listRules, saveRule } from '../rules/index.ts';
import { createCrew, listCrews } from '../modules/work-orders/index.ts';
import type { Actor } from '../modules/access/index.ts';
import { DEMO_MODELS, type FaultPlan } from '../simulators/index.ts';

const log = contextLogger('demo');

/** Per meter-hour: with 50 meters and a week of catch-up, a few dozen alarms on the first start. */
export const DEMO_FAULTS: Partial<FaultPlan> = { leakRate: 0.002, tamperRate: 0.002, reverseFlowRate: 0.001, pressureDropRate: 0.002 };

const [GAS, WATER] = DEMO_MODELS.map((m) => m.code);
const STARTER_RULES = [
  { code: 'tamper', name: 'Tamper or magnet', severity: 'critical', condition: { kind: 'event', codes: ['tamper', 'magnetic_field'], clearAfterSeconds: 3600 } },
  { code: 'leak', name: 'Leak reported by the meter', severity: 'major', condition: { kind: 'event', codes: ['leak'], clearAfterSeconds: 3600 } },
  { code: 'reverse-flow', name: 'Reverse flow', severity: 'major', condition: { kind: 'any', of: [{ kind: 'event', codes: ['reverse_flow'], clearAfterSeconds: 3600 }, { kind: 'reverse_flow' }] } },
  { code: 'gas-pressure', name: 'Gas pressure out of band', severity: 'critical', attach: { models: [GAS] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 0.015, high: 0.03 } },
  { code: 'water-pressure', name: 'Water pressure out of band', severity: 'major', attach: { models: [WATER] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 1.2, high: 6 } },
];

const SYSTEM: Actor = {
  userId: 0,
  username: 'system:demo',
  via: 'session',
  permissions: new Map([
    ['workorders.read', { regions: null, warehouses: null }],
    ['workorders.manage', { regions: null, warehouses: null }],
  ]),
};

export async function seedDemoOperations(pool: pg.Pool): Promise<void> {
  if (!(await listRules(pool, {})).length) {
    for (const rule of STARTER_RULES) await saveRule(pool, rule, 'system');
    log.info({ rules: STARTER_RULES.map((r) => r.code) }, 'demo: starter rule set saved');
  }
  if (!(await listCrews(pool, SYSTEM)).length) {
    const ctx = { actor: SYSTEM };
    await createCrew(pool, { code: 'DEMO-LEAK', name: 'Kaçak ekibi', region: 'DEMO', skills: ['leak', 'metering'], capacity: 50, members: [] }, ctx);
    await createCrew(pool, { code: 'DEMO-METER', name: 'Sayaç ekibi', region: 'DEMO', skills: ['metering', 'connection'], capacity: 50, members: [] }, ctx);
    log.info('demo: two crews created');
  }
}
