/**
 * Daily reconciliation (mutabakat) with a bank or the PTT: the channel sends what it collected on a day, we compare
 * it with the payments we hold from that channel for that day, by the channel's reference. The answer gives both
 * sides' counts and totals and every difference; it reads only, so a bank may send its list as often as it likes.
 *
 * Differences:
 * - `missing_here`: the bank lists a payment we do not have (its call never reached us, or failed).
 * - `missing_at_bank`: we hold a payment the bank does not list (the bank thinks it failed or cancelled it).
 * - `amount_differs` / `subscriber_differs`: both hold the reference with another amount or subscriber.
 * - `cancelled_here`: the bank lists a payment that was cancelled here.
 * A payment cancelled here that the bank does not list either is agreement; it is listed under `cancelled`.
 */
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import type { Db } from '../ledger/index.ts';
import { SUBSCRIBER_NO } from './bank-payments.ts';

export interface BankLine {
  reference: string;
  subscriberNo: string;
  amount: string;
}

export type DifferenceKind = 'missing_here' | 'missing_at_bank' | 'amount_differs' | 'subscriber_differs' | 'cancelled_here';

export interface Difference {
  kind: DifferenceKind;
  reference: string;
  paymentId: number | null;
  ours: { subscriberNo: string; amount: string } | null;
  bank: { subscriberNo: string; amount: string } | null;
}

export interface Side {
  count: number;
  total: string;
}

export interface Reconciliation {
  date: string;
  source: string;
  /** Our payments from this channel on the day, cancelled ones left out. */
  ours: Side;
  bank: Side;
  /** Both sides hold the reference with the same subscriber and amount. */
  matched: Side;
  differences: Difference[];
  cancelled: Array<{ reference: string; paymentId: number; subscriberNo: string; amount: string }>;
  /** True when there is no difference. */
  agreed: boolean;
}

/** At most this many lines per list: a large bank's day is tens of thousands. */
export const MAX_LINES = 200_000;
const REFERENCE = /^[^\p{Cc}]{1,100}$/u;
const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;

const invalid = (line: number, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID', { line, reason });

/** Checks each line (numbered from `firstLine`) and refuses a list that names a reference twice. */
export function checkBankLines(lines: unknown[], firstLine = 1): BankLine[] {
  if (!Array.isArray(lines)) throw invalid(0, 'the payments must be a list');
  if (lines.length > MAX_LINES) throw invalid(firstLine + MAX_LINES, `at most ${MAX_LINES} payments per list`);
  const seen = new Map<string, number>();
  return lines.map((raw, i) => {
    const n = firstLine + i;
    const l = raw as Partial<BankLine> | null;
    if (!l || typeof l !== 'object') throw invalid(n, 'each payment is an object with reference, subscriberNo and amount');
    if (typeof l.reference !== 'string' || !REFERENCE.test(l.reference)) throw invalid(n, 'reference must be 1 to 100 characters without control characters');
    if (typeof l.subscriberNo !== 'string' || !SUBSCRIBER_NO.test(l.subscriberNo)) throw invalid(n, 'subscriber must be 1 to 64 letters, digits, _ or -');
    if (typeof l.amount !== 'string' || !AMOUNT.test(l.amount) || !new Money(l.amount).greaterThan(0)) throw invalid(n, 'amount must be a positive amount in TRY with at most two decimals, like 1024.67');
    const before = seen.get(l.reference);
    if (before !== undefined) throw invalid(n, `reference ${l.reference} is listed twice (first on line ${before})`);
    seen.set(l.reference, n);
    return { reference: l.reference, subscriberNo: l.subscriberNo, amount: new Money(l.amount).toFixed(2) };
  });
}

interface OurPayment {
  id: number;
  reference: string;
  subscriberNo: string;
  amount: string;
  cancelled: boolean;
}

const side = (amounts: string[]): Side => ({ count: amounts.length, total: amounts.reduce((s, a) => s.plus(a), new Money(0)).toFixed(2) });

export async function reconcile(db: Db, source: string, date: string, lines: BankLine[]): Promise<Reconciliation> {
  const { rows } = await db.query<OurPayment>(
    `SELECT p.id::int, p.reference, p.subscription_id AS "subscriberNo", p.amount::text, (x.payment_id IS NOT NULL) AS cancelled
     FROM collections_payment p LEFT JOIN collections_payment_cancellation x ON x.payment_id = p.id
     WHERE p.source = $1 AND p.business_date = $2 ORDER BY p.id`,
    [source, date],
  );
  const ours = new Map(rows.map((r) => [r.reference, r]));
  const bank = new Map(lines.map((l) => [l.reference, l]));
  const differences: Difference[] = [];
  const matched: string[] = [];
  for (const l of lines) {
    const p = ours.get(l.reference);
    const theirs = { subscriberNo: l.subscriberNo, amount: l.amount };
    if (!p) {
      differences.push({ kind: 'missing_here', reference: l.reference, paymentId: null, ours: null, bank: theirs });
      continue;
    }
    const mine = { subscriberNo: p.subscriberNo, amount: p.amount };
    const kind: DifferenceKind | undefined = p.cancelled ? 'cancelled_here' : p.subscriberNo !== l.subscriberNo ? 'subscriber_differs' : !new Money(p.amount).equals(l.amount) ? 'amount_differs' : undefined;
    if (kind) differences.push({ kind, reference: l.reference, paymentId: p.id, ours: mine, bank: theirs });
    else matched.push(p.amount);
  }
  const cancelled: Reconciliation['cancelled'] = [];
  for (const p of rows) {
    if (bank.has(p.reference)) continue;
    if (p.cancelled) cancelled.push({ reference: p.reference, paymentId: p.id, subscriberNo: p.subscriberNo, amount: p.amount });
    else differences.push({ kind: 'missing_at_bank', reference: p.reference, paymentId: p.id, ours: { subscriberNo: p.subscriberNo, amount: p.amount }, bank: null });
  }
  return {
    date,
    source,
    ours: side(rows.filter((r) => !r.cancelled).map((r) => r.amount)),
    bank: side(lines.map((l) => l.amount)),
    matched: side(matched),
    differences,
    cancelled,
    agreed: differences.length === 0,
  };
}
