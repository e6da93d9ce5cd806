/**
 * Matching a statement line to a subscriber, first by what the payer wrote, then by who paid:
 * 1. references in the remittance text and EndToEndId: invoice numbers (`ABN2026000001`: three letters, the year, six
 *    digits) anywhere, and subscriber numbers after the word ABONE (`ABONE NO 100234`, `Abone no: 100234`,
 *    `ABONE:100234`), or the whole text when it is a single token. All references must name one current account;
 * 2. else the payer's IBAN, through the registry's parties (see statement-payers.ts).
 * No match, or references naming two subscribers, leaves the line to suspense with the reason.
 */
import { AboneError } from '../../platform/errors.ts';
import { accountForSubscription, loadInvoice, type Db } from '../ledger/index.ts';
import { onePayer, payersByIban } from './statement-payers.ts';
import type { StatementLine } from './statement-line.ts';
import { statementReason, type StatementReason } from './statement-reasons.ts';

export type LineMatch = { accountId: number; by: 'invoice' | 'subscription' | 'iban' } | { accountId?: undefined; reason: StatementReason };

const INVOICE = /\b[A-Z]{3}\d{10}\b/g;
const SUBSCRIBER = /\bABONE\s*(?:NO|NUMARAS[IİıiI])?\s*[:.#-]?\s*([A-Za-z0-9_-]{1,64})/giu;
const SINGLE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** The invoice numbers and subscriber numbers a payer's text names (pure, for tests). */
export function referencesIn(text: string): { invoices: string[]; subscribers: string[] } {
  const upper = text.toUpperCase();
  const invoices = [...new Set(upper.match(INVOICE) ?? [])];
  const subscribers = new Set([...text.matchAll(SUBSCRIBER)].map((m) => m[1]));
  if (SINGLE_TOKEN.test(text.trim())) subscribers.add(text.trim());
  return { invoices, subscribers: [...subscribers] };
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof AboneError && err.status === 404) return undefined;
    throw err;
  }
}

export async function matchLine(db: Db, line: StatementLine): Promise<LineMatch> {
  const text = [line.remittance, line.endToEndId].filter(Boolean).join(' ');
  const { invoices, subscribers } = referencesIn(text);
  const byInvoice = (await Promise.all(invoices.map((n) => orUndefined(loadInvoice(db, n))))).filter((x) => x !== undefined).map((i) => i.accountId);
  const bySubscriber = (await Promise.all(subscribers.map((s) => orUndefined(accountForSubscription(db, s))))).filter((x) => x !== undefined).map((a) => a.id);
  const named = new Set([...byInvoice, ...bySubscriber]);
  if (named.size > 1) return { reason: statementReason('NAMES_SEVERAL', { count: named.size }) };
  if (named.size === 1) return { accountId: [...named][0], by: byInvoice.length ? 'invoice' : 'subscription' };
  if (!line.payerIban) return { reason: statementReason('NO_REFERENCE_NO_IBAN') };
  const payer = onePayer(await payersByIban(db, line.payerIban));
  if (payer === 'none') return { reason: statementReason('PAYER_UNKNOWN') };
  if (payer === 'ambiguous') return { reason: statementReason('PAYER_AMBIGUOUS') };
  return { accountId: payer.accountId, by: 'iban' };
}
