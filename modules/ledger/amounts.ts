/**
 * Amounts that enter the ledger: decimal text (or an integer), positive, to the kuruş, within numeric(18,2). Anything
 * else is refused with the field it came in, before a row is written; a float never gets here (money() reads a
 * non-integer number through its shortest text, and then the decimal-places check decides).
 */
import { AboneError } from '../../platform/errors.ts';
import { money, type Money } from '../../platform/money.ts';

const LIMIT = money('9999999999999999.99');

export function parseAmount(value: unknown, field: string): Money {
  const refuse = (reason: string) => new AboneError('ABONE_ERR_LEDGER_AMOUNT_INVALID', { value: JSON.stringify(value) ?? String(value), field, reason });
  if (typeof value !== 'string' && typeof value !== 'number') throw refuse('not a decimal number');
  if (typeof value === 'string' && !/^-?\d{1,20}(\.\d{1,20})?$/.test(value.trim())) throw refuse('not a decimal number');
  let amount: Money;
  try {
    amount = money(typeof value === 'string' ? value.trim() : value);
  } catch {
    throw refuse('not a finite number');
  }
  if (amount.isNegative() && !amount.isZero()) throw refuse('negative');
  if (amount.isZero()) throw refuse('zero');
  if (amount.decimalPlaces() > 2) throw refuse('more than 2 decimal places (kuruş)');
  if (amount.greaterThan(LIMIT)) throw refuse('larger than numeric(18,2) holds');
  return amount;
}
