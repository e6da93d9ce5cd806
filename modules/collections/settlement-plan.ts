/**
 * How a payment's money is spent over open items, without I/O: items in settling order, each overdue accrual's late
 * fee (from the day it counts from through the payment date) paid together with the principal it follows, the split
 * chosen so principal + fee never exceed what is left. The single-payment path and the batch path share it.
 */
import { Money } from '../../platform/money.ts';
import { lateFactor, principalCovered, type LateFeeRate } from './late-fees.ts';

export interface PlanItem {
  id: number;
  kind: string;
  dueDate: string;
  open: string;
}

export interface SettleStep {
  itemId: number;
  principal: Money;
  /** The late fee on `principal` (0 when none runs); counted from `feeFrom` through the payment date. */
  fee: Money;
  feeFrom: string;
}

/**
 * `feeFrom(item)` is the day an item's fee counts from, or null when none runs (not an accrual, shielded by a plan).
 * Steps come in the items' order; a step may carry only a fee's share when the money runs out.
 */
export function planSettlement(money: Money, items: readonly PlanItem[], businessDate: string, rates: readonly LateFeeRate[], feeFrom: (item: PlanItem) => string | null): SettleStep[] {
  const steps: SettleStep[] = [];
  let left = money;
  for (const item of items) {
    if (!left.greaterThan(0)) break;
    const open = new Money(item.open);
    const from = feeFrom(item);
    const factor = item.kind === 'accrual' && from !== null && from < businessDate ? lateFactor(from, businessDate, rates) : new Money(0);
    const { principal, fee } = factor.isZero() ? { principal: Money.min(open, left), fee: new Money(0) } : principalCovered(left, open, factor);
    if (principal.isZero() && fee.isZero()) break;
    steps.push({ itemId: item.id, principal, fee, feeFrom: from ?? item.dueDate });
    left = left.minus(principal).minus(fee);
  }
  return steps;
}

/** The money a plan spends. */
export const spentBy = (steps: readonly SettleStep[]) => steps.reduce((s, x) => s.plus(x.principal).plus(x.fee), new Money(0));
