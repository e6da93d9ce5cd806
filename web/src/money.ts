/**
 * Money as the API sends it (decimal strings, "1234.50") shown in the UI language (1.234,50 ₺ / ₺1,234.50) by moving
 * digits, never through a float: 0.1 + 0.2 stays a ledger's problem that the screen does not add to.
 */
export function formatMoney(amount: string, lng: string): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!m) return amount;
  const [, sign, whole, frac = ''] = m;
  const cents = frac.padEnd(2, '0');
  const group = lng === 'en' ? ',' : '.';
  const decimal = lng === 'en' ? '.' : ',';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return lng === 'en' ? `${sign}₺${grouped}${decimal}${cents}` : `${sign}${grouped}${decimal}${cents} ₺`;
}
