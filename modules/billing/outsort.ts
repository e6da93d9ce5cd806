/**
 * Outsorting: the plausibility checks a bill must pass to be posted without a human look. A bill that fails one is
 * stored as an accrual held for review (state 'outsorted' with the reason), never posted, until a clerk releases or
 * re-rates it. The checks, in the order they are reported:
 * - negative: a day of negative consumption (reverse flow, a register that went backwards) or a negative total;
 * - zero_on_active: nothing consumed on an active contract (a stuck meter or a broken link, more often than an empty
 *   house);
 * - above_average: more than 3× the average gross of the subscription's earlier posted accruals.
 */
import { Decimal } from 'decimal.js';

export type OutsortReason = 'above_average' | 'negative' | 'zero_on_active' | 'no_usage' | 'rating_error';

export const AVERAGE_FACTOR = 3;

export interface PlausibilityInput {
  status: string;
  consumption: string;
  gross: string;
  anyNegativeDay: boolean;
  /** Average gross of earlier posted accruals; undefined for a first bill. */
  average?: string;
}

export function outsortReason(b: PlausibilityInput): { reason: OutsortReason; detail: string } | undefined {
  const gross = new Decimal(b.gross);
  const consumption = new Decimal(b.consumption);
  if (b.anyNegativeDay || consumption.isNegative() || gross.isNegative()) {
    return { reason: 'negative', detail: `consumption ${b.consumption}, gross ${b.gross}${b.anyNegativeDay ? ', a day with negative consumption' : ''}` };
  }
  if (b.status === 'active' && consumption.isZero()) return { reason: 'zero_on_active', detail: 'no consumption on an active contract' };
  if (b.average !== undefined) {
    const avg = new Decimal(b.average);
    if (avg.greaterThan(0) && gross.greaterThan(avg.times(AVERAGE_FACTOR))) {
      return { reason: 'above_average', detail: `gross ${b.gross} is more than ${AVERAGE_FACTOR}× the average ${b.average}` };
    }
  }
  return undefined;
}
