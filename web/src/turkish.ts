/**
 * Turkish text rules: the dotted and dotless i (i/İ, ı/I) and the order ç, ğ, ı, ö, ş, ü. The browser's default
 * locale must not decide them: an operator in an English UI still sorts subscribers' Turkish names the Turkish way.
 */
export const upperTr = (s: string): string => s.toLocaleUpperCase('tr');
export const lowerTr = (s: string): string => s.toLocaleLowerCase('tr');
export const compareTr = (a: string, b: string): number => a.localeCompare(b, 'tr');
/** Numbers and dates in the UI language; times are shown in the utility's zone, whatever the browser's. */
export const BUSINESS_ZONE = 'Europe/Istanbul';
/** Today in the utility's calendar (YYYY-MM-DD, Europe/Istanbul), as the server dates a payment's business day. */
export const businessToday = (): string => new Date().toLocaleDateString('en-CA', { timeZone: BUSINESS_ZONE });
export const formatTime = (iso: string, lng: string): string =>
  new Date(iso).toLocaleString(lng === 'en' ? 'en-GB' : 'tr-TR', { timeZone: BUSINESS_ZONE, dateStyle: 'short', timeStyle: 'medium' });
export const formatNumber = (n: number, lng: string, digits = 0): string =>
  n.toLocaleString(lng === 'en' ? 'en-GB' : 'tr-TR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
