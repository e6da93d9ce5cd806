/**
 * Unit conversion for rating. Gas meters measure m³ at line conditions; the volume corrector's factor K turns it into
 * standard m³ (Sm³), and the gross calorific value turns Sm³ into energy: kWh = Sm³ × kcal/m³ ÷ 860.42
 * (1 kWh = 860.42 kcal). Other units do not convert into one another.
 */
import type { MeteredUnit } from './fields.ts';
import { Dec } from './quantity.ts';

export const KCAL_PER_KWH = new Dec('860.42');

export interface GasFactors {
  /** Düzeltme katsayısı: m³ at line conditions → Sm³. */
  correctionFactor: Dec;
  /** Üst ısıl değer of the period, kcal/Sm³. */
  calorificValue: Dec;
}

const STEPS: Record<MeteredUnit, MeteredUnit[]> = { m3: ['m3', 'Sm3', 'kWh'], Sm3: ['Sm3', 'kWh'], kWh: ['kWh'] };

export function canConvert(from: MeteredUnit, to: MeteredUnit): boolean {
  return STEPS[from].includes(to);
}

export function needsGasFactors(from: MeteredUnit, to: MeteredUnit): boolean {
  return from !== to;
}

/** Unrounded: the caller rounds once, after summing. */
export function convert(quantity: Dec, from: MeteredUnit, to: MeteredUnit, gas: GasFactors | undefined): Dec {
  if (from === to) return quantity;
  if (!gas || !canConvert(from, to)) throw new RangeError(`cannot convert ${from} to ${to}`);
  const sm3 = from === 'm3' ? quantity.times(gas.correctionFactor) : quantity;
  return to === 'Sm3' ? sm3 : sm3.times(gas.calorificValue).dividedBy(KCAL_PER_KWH);
}
