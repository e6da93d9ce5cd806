/** Money in the console: shown and typed in the UI language's figures, carried as the API's decimal strings. */
import assert from 'node:assert/strict';
import { formatMoney, parseMoney } from './money.ts';

describe('web console: money figures', () => {
  it('shows 1234.5 as 1.234,50 ₺ in Turkish and ₺1,234.50 in English', () => {
    assert.equal(formatMoney('1234.5', 'tr'), '1.234,50 ₺');
    assert.equal(formatMoney('1234.5', 'en'), '₺1,234.50');
    assert.equal(formatMoney('-0.75', 'tr'), '-0,75 ₺');
  });

  it('reads what a Turkish cashier types: comma decimals, dot groups', () => {
    const cases: Array<[string, string | null]> = [
      ['100', '100.00'],
      ['100,5', '100.50'],
      ['1.234,56', '1234.56'],
      ['1.234', '1234.00'], // a dot before three digits groups thousands
      ['12.5', '12.50'], // a dot before one or two digits can only be a decimal point
      ['171,75 ₺', '171.75'],
      ['0,01', '0.01'],
      ['007', '7.00'],
      ['1,234', null], // three decimals
      ['12,345,6', null],
      ['1.23.4', null],
      ['-5', null],
      ['', null],
      ['abc', null],
    ];
    for (const [typed, api] of cases) assert.equal(parseMoney(typed, 'tr'), api, typed);
  });

  it('reads English figures with a dot for decimals and commas for groups', () => {
    assert.equal(parseMoney('1,234.56', 'en'), '1234.56');
    assert.equal(parseMoney('171.75', 'en'), '171.75');
    assert.equal(parseMoney('1.234,56', 'en'), null);
  });

  it('gives back what it shows: parse(format(x)) = x', () => {
    for (const x of ['0.00', '0.05', '171.75', '1234567.89']) for (const lng of ['tr', 'en']) assert.equal(parseMoney(formatMoney(x, lng), lng), x);
  });
});
