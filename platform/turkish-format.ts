/**
 * Amounts and dates as a Turkish invoice prints them: `1.234,56 ₺`, `28 Şubat 2026`, `Şubat 2026`. Amounts are
 * formatted from their decimal text, never through a float.
 */
import { DateTime } from 'luxon';
import { Money } from './money.ts';

export function formatLira(amount: string): string {
  const fixed = new Money(amount).toFixed(2);
  const negative = fixed.startsWith('-');
  const [whole, kurus] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped},${kurus} ₺`;
}

export function formatDate(date: string): string {
  return DateTime.fromISO(date, { locale: 'tr' }).toFormat('d MMMM yyyy');
}

export function formatPeriod(period: string): string {
  return DateTime.fromISO(`${period}-01`, { locale: 'tr' }).toFormat('LLLL yyyy');
}
