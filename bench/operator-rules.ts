/**
 * What bench:alarms runs the rules with: an operator's nine rules (every kind the simulator's faults can trip, and
 * those a clean meter must never trip) and 20 crews in four regions that take every alarm order type.
 */
import type pg from 'pg';
import { saveRule } from '../rules/index.ts';
import { createCrew } from '../modules/work-orders/index.ts';
import { PERMISSIONS, type Actor, type Permission } from '../modules/access/index.ts';

export const CREWS = 20;

/** The rule set; the pressure bands attach to the gas and the water model. */
export function operatorRules(models: { gas: string; water: string }) {
  return [
    { code: 'tamper', name: 'Tamper or magnet', severity: 'critical', condition: { kind: 'event', codes: ['tamper', 'magnetic_field'] } },
    { code: 'leak', name: 'Leak', severity: 'major', condition: { kind: 'event', codes: ['leak'] } },
    { code: 'reverse-flow', name: 'Reverse flow', severity: 'major', condition: { kind: 'any', of: [{ kind: 'event', codes: ['reverse_flow'] }, { kind: 'reverse_flow' }] } },
    { code: 'no-data', name: 'Hourly data missing', severity: 'minor', condition: { kind: 'no_data', graceSeconds: 5400, channels: ['consumption'] } },
    { code: 'gas-pressure', name: 'Gas pressure', severity: 'critical', attach: { models: [models.gas] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 0.015, high: 0.03 } },
    { code: 'water-pressure', name: 'Water pressure', severity: 'major', attach: { models: [models.water] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 1.2, high: 6 } },
    { code: 'pressure-rate', name: 'Pressure changing fast', severity: 'minor', condition: { kind: 'rate_of_change', channel: 'pressure', maxPerHour: 5 } },
    { code: 'above-history', name: 'Above own history', severity: 'warning', condition: { kind: 'above_own_history', channel: 'consumption', factor: 20, minValue: 0.5 } },
    { code: 'zero-7d', name: 'No consumption for 7 days', severity: 'warning', condition: { kind: 'zero_consumption', days: 7 } },
  ];
}

export const DISPATCHER: Actor = {
  userId: 0,
  username: 'bench',
  via: 'session',
  permissions: new Map(Object.keys(PERMISSIONS).map((p) => [p as Permission, { regions: null, warehouses: null }])),
};

/** Saves the rules and creates the crews in a fresh database, before the engine starts. */
export async function setUpOperator(pool: pg.Pool, models: { gas: string; water: string }): Promise<void> {
  for (const r of operatorRules(models)) await saveRule(pool, r, 'system');
  for (let c = 0; c < CREWS; c++) {
    await createCrew(pool, { code: `CREW-${c}`, name: `Crew ${c}`, region: `R${c % 4}`, skills: ['leak', 'metering', 'connection'], capacity: 1000, members: [] }, { actor: DISPATCHER });
  }
}

/** The rule each injected fault must raise (bench/fleet.ts InjectedFault kinds). */
export function ruleOfFault(kind: string, commodity: 'gas' | 'water'): string {
  if (kind === 'pressure_drop') return commodity === 'gas' ? 'gas-pressure' : 'water-pressure';
  if (kind === 'gap') return 'no-data';
  if (kind === 'reverse_flow') return 'reverse-flow';
  return kind; // tamper, leak
}
