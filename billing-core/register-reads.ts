/**
 * Consumption between two register reads. A register of `digits` integer digits wraps to zero after 10^digits − 1,
 * so an end index below the start index means the register rolled over once (a meter cannot run a whole register
 * round in one billing period).
 */
import { Dec } from './quantity.ts';
import { usageInvalid } from './errors.ts';

export function readsConsumption(start: Dec, end: Dec, digits: number | undefined): Dec {
  if (digits !== undefined) {
    const span = new Dec(10).pow(digits);
    if (start.greaterThanOrEqualTo(span)) throw usageInvalid(['reads', 'start'], `has more than ${digits} integer digits`);
    if (end.greaterThanOrEqualTo(span)) throw usageInvalid(['reads', 'end'], `has more than ${digits} integer digits`);
    return end.greaterThanOrEqualTo(start) ? end.minus(start) : end.plus(span).minus(start);
  }
  if (end.lessThan(start)) throw usageInvalid(['reads', 'end'], 'is below reads.start and no rollover digits (reads.digits) are given');
  return end.minus(start);
}
