/**
 * Which dunning step a case is due for, without I/O. A case is an account's oldest overdue open accrual that no
 * plan shields and no direct debit list still waits on; its steps come in order, each once (0023 migration).
 */
import { daysBetween, type LocalDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';

export interface DunningStep {
  code: string;
  seq: number;
  label: string;
  daysOverdue: number;
  daysAfterPrevious: number;
  minOverdue: string;
  action: 'notice' | 'disconnection';
}

export interface DunningCase {
  accountId: number;
  /** The oldest overdue item: the case is known by it. */
  caseItemId: number;
  oldestDueDate: LocalDate;
  /** The account's overdue total (the items the case covers). */
  overdue: Money;
}

/**
 * The step due on `asOf`, or null: the first step not yet issued for this case, if the case is old enough, the step
 * before it was issued long enough ago, and the overdue total reaches the step's minimum. Steps are never skipped, so
 * a case found 60 days overdue gets its reminder today and its final notice `daysAfterPrevious` later: the customer
 * always has the notice period a step promises.
 */
export function dueStep(c: DunningCase, issued: ReadonlyMap<string, LocalDate>, steps: readonly DunningStep[], asOf: LocalDate): DunningStep | null {
  const ordered = [...steps].sort((a, b) => a.seq - b.seq);
  const k = ordered.findIndex((s) => !issued.has(s.code));
  if (k < 0) return null;
  const step = ordered[k];
  if (daysBetween(c.oldestDueDate, asOf) < step.daysOverdue) return null;
  if (k > 0 && daysBetween(issued.get(ordered[k - 1].code)!, asOf) < step.daysAfterPrevious) return null;
  if (c.overdue.lessThan(step.minOverdue)) return null;
  return step;
}
