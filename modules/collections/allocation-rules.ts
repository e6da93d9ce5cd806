/**
 * In which order a payment settles a current account's open items: an ordered list of rules, each a comparison, the
 * first that tells two items apart wins, and the item id (age) breaks the last tie. The default is the oldest due item
 * first, and on the same due date fees (a late fee, a reconnection fee) before principal (6183 art. 51 counts the
 * surcharge with the debt it follows). Items a payer names (a bank paying chosen bills) come first, in their order.
 */
import { AboneError } from '../../platform/errors.ts';

export interface ItemToSettle {
  id: number;
  /** accrual, fee, deposit or refund: the kind of entry that opened the item. */
  kind: string;
  dueDate: string;
  period: string | null;
  open: string;
}

type Compare = (a: ItemToSettle, b: ItemToSettle) => number;

export const ALLOCATION_RULES: Record<string, { compare: Compare; description: string }> = {
  'due-date': { compare: (a, b) => a.dueDate.localeCompare(b.dueDate), description: 'the oldest due date first' },
  'fees-first': { compare: (a, b) => rank(a, 'fee') - rank(b, 'fee'), description: 'fees before principal' },
  'deposits-last': { compare: (a, b) => rank(b, 'deposit') - rank(a, 'deposit'), description: 'security deposit instalments after bills' },
  period: { compare: (a, b) => (a.period ?? '9999').localeCompare(b.period ?? '9999'), description: 'the oldest billing period first' },
  'smallest-first': { compare: (a, b) => Number(a.open) - Number(b.open), description: 'the smallest open amount first (closes the most items)' },
};

export const DEFAULT_ALLOCATION_ORDER = ['due-date', 'fees-first'];

const rank = (item: ItemToSettle, kind: string) => (item.kind === kind ? 0 : 1);

export function checkAllocationOrder(rules: readonly string[]): string[] {
  const unknown = rules.filter((r) => !(r in ALLOCATION_RULES));
  if (unknown.length || new Set(rules).size !== rules.length) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_ALLOCATION_RULE_UNKNOWN', { rules: rules.join(','), known: Object.keys(ALLOCATION_RULES).join(', ') });
  }
  return [...rules];
}

/** The items in settling order: the chosen ones first in the payer's order, then the rest by the rules. */
export function orderItems<T extends ItemToSettle>(items: readonly T[], rules: readonly string[], chosen: readonly number[] = []): T[] {
  const chain = rules.map((r) => ALLOCATION_RULES[r].compare);
  const pick = new Map(chosen.map((id, i) => [id, i]));
  return [...items].sort((a, b) => {
    const pa = pick.get(a.id) ?? Infinity;
    const pb = pick.get(b.id) ?? Infinity;
    if (pa !== pb) return pa < pb ? -1 : 1;
    for (const compare of chain) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return a.id - b.id;
  });
}
