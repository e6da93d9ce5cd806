/**
 * Amounts that enter the ledger: decimal text (or an integer), positive, to the kuruş, within numeric(18,2). Anything
 * else is refused with the field it came in, before a row is written; a float never gets here (money() reads a
 * non-integer number through its shortest text, and then the decimal-places check decides).
 */
import { AboneError } from '../../platform/errors.ts';
import { Money, money } from '../../platform/money.ts';

const LIMIT = money('9999999999999999.99');

// Two places, at most 16 digits before the point, no sign or space, a digit other than 0: by its shape alone a
// positive amount to the kuruş within numeric(18,2), so every check below would pass and give new Money(text). Bill
// runs post millions of such texts; anything else (an all-zero text too) takes the checks as before.
const PLAIN_KURUS = /^\d{1,16}\.\d\d$/;
const NONZERO = /[1-9]/;

export function parseAmount(value: unknown, field: string): Money {
  if (typeof value === 'string' && PLAIN_KURUS.test(value) && NONZERO.test(value)) return new Money(value);
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
