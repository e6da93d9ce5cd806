/**
 * The shape rules of a journal entry, checked before anything is written: known general-ledger accounts, one positive
 * kuruş amount per line, debits equal to credits, and a receivable movement that fits the kind. The database checks
 * the balance again at commit (a constraint trigger); this is where the caller learns which rule and which field.
 */
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { DateTime } from 'luxon';
import { CREDIT_KINDS, ITEM_KINDS, POSTABLE_KINDS, RECEIVABLES, isGlAccount, type GlAccount, type PostableKind } from './chart.ts';
import { parseAmount } from './amounts.ts';

export interface LineInput {
  gl: string;
  debit?: string | number;
  credit?: string | number;
  description?: string;
}

export interface ItemInput {
  /** Last day of the billing period: the due date is this + ABONE_LEDGER_DUE_DAYS, on a business day. */
  periodEnd?: string;
  /** A due date set by hand (fees); wins over periodEnd. */
  dueDate?: string;
  /** 'YYYY-MM'; defaults to the month of periodEnd. */
  period?: string;
}

export interface EntryInput {
  idempotencyKey: string;
  kind: PostableKind;
  accountId?: number;
  businessDate: string;
  description?: string;
  lines: LineInput[];
  item?: ItemInput;
  actor?: string;
}

export interface CheckedLine {
  gl: GlAccount;
  debit: Money;
  credit: Money;
  description: string | null;
}

export interface CheckedEntry {
  input: EntryInput;
  lines: CheckedLine[];
  /** Receivable debits less credits: > 0 opens an item, < 0 is money to allocate. */
  receivableNet: Money;
}

const ZERO = new Money(0); // decimals are immutable: one zero serves every line
const invalid = (detail: string) => new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail });
const NO_CONTROL = /^[^\p{Cc}]*$/u;

// Dates already found valid: a bill run checks the same business date on every one of a million entries, and
// luxon's parse cost more per entry than the rest of checkEntry.
const validDates = new Set<string>();

export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (validDates.has(value)) return true;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
  if (valid && validDates.size < 10_000) validDates.add(value);
  return valid;
}

export function checkText(value: unknown, field: string, max: number, required = false): string | null {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string' || value.length > max || !NO_CONTROL.test(value) || (required && value.trim() === '')) {
    throw invalid(`${field}: text of at most ${max} characters without control characters`);
  }
  return value;
}

export function checkEntry(input: EntryInput): CheckedEntry {
  checkText(input.idempotencyKey, 'idempotencyKey', 200, true);
  if (!(POSTABLE_KINDS as readonly string[]).includes(input.kind)) throw invalid(`kind must be one of ${POSTABLE_KINDS.join(', ')}`);
  if (!isLocalDate(input.businessDate)) throw invalid('businessDate must be a date YYYY-MM-DD');
  checkText(input.description, 'description', 500);
  if (!Array.isArray(input.lines) || input.lines.length < 2 || input.lines.length > 200) throw invalid('an entry has 2 to 200 lines');

  const lines = input.lines.map((l, i): CheckedLine => {
    const field = `lines[${i}]`;
    if (!l || typeof l.gl !== 'string' || !isGlAccount(l.gl)) throw new AboneError('ABONE_ERR_LEDGER_GL_ACCOUNT_UNKNOWN', { code: String(l?.gl) });
    const hasDebit = l.debit !== undefined && l.debit !== null;
    const hasCredit = l.credit !== undefined && l.credit !== null;
    if (hasDebit === hasCredit) {
      throw new AboneError('ABONE_ERR_LEDGER_AMOUNT_INVALID', { value: JSON.stringify({ debit: l.debit, credit: l.credit }), field, reason: 'a line is either a debit or a credit' });
    }
    return {
      gl: l.gl,
      debit: hasDebit ? parseAmount(l.debit, `${field}.debit`) : ZERO,
      credit: hasCredit ? parseAmount(l.credit, `${field}.credit`) : ZERO,
      description: checkText(l.description, `${field}.description`, 500),
    };
  });

  const debit = lines.reduce((s, l) => s.plus(l.debit), new Money(0));
  const credit = lines.reduce((s, l) => s.plus(l.credit), new Money(0));
  if (!debit.equals(credit)) throw new AboneError('ABONE_ERR_LEDGER_UNBALANCED', { debit: debit.toFixed(2), credit: credit.toFixed(2) });

  const receivableNet = lines.filter((l) => l.gl === RECEIVABLES).reduce((s, l) => s.plus(l.debit).minus(l.credit), new Money(0));
  const touchesReceivable = lines.some((l) => l.gl === RECEIVABLES);
  const needsAccount = input.kind !== 'transfer';
  if (needsAccount && (!Number.isSafeInteger(input.accountId) || input.accountId! < 1)) throw invalid(`a ${input.kind} names its current account (accountId)`);
  if ((ITEM_KINDS as readonly string[]).includes(input.kind)) {
    if (!receivableNet.greaterThan(0)) throw invalid(`a ${input.kind} debits the receivable`);
    const item = input.item;
    if (!item || (!isLocalDate(item.periodEnd) && !isLocalDate(item.dueDate))) throw invalid(`a ${input.kind} opens an item: item.periodEnd or item.dueDate (YYYY-MM-DD)`);
    if (item.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(item.period)) throw invalid('item.period must be YYYY-MM');
  } else if (input.item !== undefined) {
    throw invalid(`a ${input.kind} opens no item`);
  }
  if ((CREDIT_KINDS as readonly string[]).includes(input.kind) && !receivableNet.lessThan(0)) throw invalid(`a ${input.kind} credits the receivable`);
  if (input.kind === 'transfer' && (touchesReceivable || input.accountId !== undefined)) throw invalid('a transfer moves between general-ledger accounts and touches no current account');
  return { input, lines, receivableNet };
}
