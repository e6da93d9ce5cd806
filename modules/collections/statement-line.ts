/**
 * What a bank statement says, whatever its format: the statement's own id and account, and one line per credit with
 * the fields matching needs. A line the parsers cannot book (another currency, an unreadable amount) stays in the
 * statement with `refused` set, so the import report shows it and the clerk sees it; a file that is broken as a whole
 * is refused outright and nothing is written.
 */
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { isTrIban } from '../registry/index.ts';
import { statementReason, type StatementReason } from './statement-reasons.ts';

export interface StatementLine {
  /** 1-based, in file order: the line's place in the statement, for reports and for a fallback reference. */
  lineNo: number;
  /** The bank's reference for the line; unique per account (the payment's idempotency key). */
  reference: string;
  bookingDate?: string;
  /** TRY, two decimals, more than zero. */
  amount?: string;
  payerIban?: string;
  payerName?: string;
  remittance?: string;
  /** Text the payer chose besides the remittance (CAMT EndToEndId): searched for references too. */
  endToEndId?: string;
  /** Why the line is not booked, when it is not. */
  refused?: StatementReason;
}

export interface ParsedStatement {
  format: 'camt053' | 'csv';
  statementId: string;
  accountIban: string;
  lines: StatementLine[];
}

export const MAX_STATEMENT_CHARS = 10 * 1024 * 1024;
export const MAX_STATEMENT_LINES = 50_000;

export const refuseStatement = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_STATEMENT_INVALID', { reason });
const CONTROL = /\p{Cc}/gu;

export function normaliseIban(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const iban = raw.replace(/\s+/g, '').toUpperCase();
  return isTrIban(iban) ? iban : undefined;
}

/** A statement id: short enough that `<id>/<line>` still fits a payment reference. */
export function checkStatementId(raw: string | undefined): string {
  const id = raw?.trim();
  if (!id || id.length > 60 || /\p{Cc}/u.test(id)) {
    throw refuseStatement('the statement id must be 1 to 60 characters without control characters');
  }
  return id;
}

export function checkAccountIban(raw: string | undefined): string {
  const iban = normaliseIban(raw);
  if (!iban) throw refuseStatement('the statement account must be a valid Turkish IBAN (TR + 24 digits)');
  return iban;
}

/** Free text kept for the clerk: control characters become spaces, at most `max` characters. */
export function cleanText(raw: string | undefined, max: number): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
  return t === '' ? undefined : t;
}

/** The line's own reference when usable as a payment reference, else `<statement id>/<line no>`. */
export function lineReference(raw: string | undefined, statementId: string, lineNo: number): string {
  const r = raw?.trim();
  if (r && r.length <= 100 && !/\p{Cc}/u.test(r) && r.toUpperCase() !== 'NOTPROVIDED') return r;
  return `${statementId}/${lineNo}`;
}

/**
 * An amount as banks write it: `1234.56`, `1234,56`, `1.234,56` (Turkish), `1,234.56`. With both separators the last
 * is the decimal one; a lone separator followed by exactly three digits (`1.234`) could be either and is refused.
 * Returns the signed amount with two decimals, or a reason.
 */
export function parseStatementAmount(raw: string): { value: string; negative: boolean } | { reason: StatementReason } {
  let s = raw.replace(/[\s\u00a0\u2009\u202f]/g, '').replace(/(TRY|TL|₺)$/i, '');
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  let whole: string, frac = '';
  let m: RegExpExecArray | null;
  if (/^\d+$/.test(s)) whole = s;
  else if ((m = /^(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})$/.exec(s))) [whole, frac] = [m[1].replace(/\./g, ''), m[2]];
  else if ((m = /^(\d{1,3}(?:,\d{3})+|\d+)\.(\d{1,2})$/.exec(s))) [whole, frac] = [m[1].replace(/,/g, ''), m[2]];
  else if (/^\d{1,3}([.,])\d{3}$/.test(s)) return { reason: statementReason('AMOUNT_AMBIGUOUS', { raw: cleanText(raw, 30)! }) };
  else {
    const shown = cleanText(raw, 30);
    return { reason: shown === undefined ? statementReason('AMOUNT_MISSING') : statementReason('AMOUNT_NOT_NUMBER', { raw: shown }) };
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  if (whole.length > 16) return { reason: statementReason('AMOUNT_TOO_LARGE') };
  return { value: `${whole}.${frac.padEnd(2, '0')}`, negative };
}

/** A booking date as `YYYY-MM-DD`, from ISO or Turkish `DD.MM.YYYY` (also `DD/MM/YYYY`). */
export function parseStatementDate(raw: string | undefined): string | undefined {
  const s = raw?.trim() ?? '';
  const iso = /^\d{4}-\d{2}-\d{2}/.exec(s)?.[0];
  const tr = /^(\d{2})[./](\d{2})[./](\d{4})$/.exec(s);
  const date = iso ?? (tr ? `${tr[3]}-${tr[2]}-${tr[1]}` : undefined);
  return date && DateTime.fromISO(date).isValid ? date : undefined;
}
