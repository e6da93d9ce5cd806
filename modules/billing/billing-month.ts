/**
 * A billing period as bill runs know it: a calendar month of Europe/Istanbul business days, written YYYY-MM, from
 * its first local day (inclusive) to the next month's first (exclusive), with the instants those days start at.
 */
import { AboneError } from '../../platform/errors.ts';
import { startOfLocalDay, type LocalDate } from '../../platform/calendar.ts';

export interface BillingMonth {
  period: string;
  from: LocalDate;
  to: LocalDate;
  /** The last day billed (to − 1 day): the ledger's periodEnd, from which the due date is counted. */
  lastDay: LocalDate;
  fromTs: Date;
  toTs: Date;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function billingMonth(period: string): BillingMonth {
  const m = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (!m) throw new AboneError('ABONE_ERR_BILLRUN_PERIOD_INVALID', { period: String(period) });
  const year = Number(m[1]);
  const month = Number(m[2]);
  const pad = (n: number) => String(n).padStart(2, '0');
  const from = `${year}-${pad(month)}-01`;
  const to = month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
  const lastDayNo = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period, from, to, lastDay: `${year}-${pad(month)}-${pad(lastDayNo)}`, fromTs: startOfLocalDay(from), toTs: startOfLocalDay(to) };
}
