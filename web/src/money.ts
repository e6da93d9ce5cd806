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

/**
 * An amount typed by a cashier, in the UI language's figures ("1.234,50" in Turkish, "1,234.50" in English), as the
 * API's decimal string ("1234.50"); null when it is not an amount of at most two decimals. In Turkish a lone dot
 * followed by one or two digits ("12.5") is read as a decimal point too: nobody groups thousands that way.
 */
export function parseMoney(typed: string, lng: string): string | null {
  let s = typed.replace(/[\s₺]/g, '').replace(/TL$/i, '');
  if (!s) return null;
  const [group, decimal] = lng === 'en' ? [',', '.'] : ['.', ','];
  if (lng !== 'en' && !s.includes(',') && /^\d+\.\d{1,2}$/.test(s)) s = s.replace('.', ',');
  const m = new RegExp(`^(\\d{1,3}(?:\\${group}\\d{3})+|\\d+)(?:\\${decimal}(\\d{1,2}))?$`).exec(s);
  if (!m) return null;
  const whole = m[1].split(group).join('').replace(/^0+(?=\d)/, '');
  return `${whole}.${(m[2] ?? '').padEnd(2, '0')}`;
}
