/**
 * The chart of general-ledger accounts and the kinds of entry, as the database holds them (migration 0007). Only
 * `receivables` is a subledger: its lines carry the subscriber's current account, so a balance is a sum over it.
 */
export const GL_ACCOUNTS = [
  'receivables',
  'revenue.gas',
  'revenue.water',
  'revenue.electricity',
  'revenue.fees',
  'kdv_payable',
  'otv_payable',
  'ctv_payable',
  'cash_clearing',
  'bank_clearing',
  'suspense',
  'deposits_held',
  'pos_clearing',
] as const;
export type GlAccount = (typeof GL_ACCOUNTS)[number];
export const RECEIVABLES: GlAccount = 'receivables';

export function isGlAccount(code: string): code is GlAccount {
  return (GL_ACCOUNTS as readonly string[]).includes(code);
}

/**
 * What an entry does to a current account:
 * - `accrual`, `fee`, `deposit`: debit the receivable and open an item the subscriber must pay by its due date (a
 *   deposit credits `deposits_held`: money the utility holds, not revenue);
 * - `refund`: debits the receivable with money paid back, opening an item its credit settles at once;
 * - `payment`, `credit`: credit the receivable with money that `allocate` then applies to items;
 * - `transfer`: moves between general-ledger accounts only (e.g. suspense → bank), no current account;
 * - `reversal`: only through `reverseEntry`, the mirror of an earlier entry.
 */
export const ITEM_KINDS = ['accrual', 'fee', 'deposit', 'refund'] as const;
export const CREDIT_KINDS = ['payment', 'credit'] as const;
export const POSTABLE_KINDS = [...ITEM_KINDS, ...CREDIT_KINDS, 'transfer'] as const;
export type PostableKind = (typeof POSTABLE_KINDS)[number];
export type EntryKind = PostableKind | 'reversal';
