/**
 * Each kind of component and tax on a small case computed by hand: free allowance, minimum charge, discounts for
 * entitled subscribers, tax exemptions, fixed charges per day, components that do not prorate, register reads shared
 * by days, time-of-use day types, holidays and seasons.
 */
import assert from 'node:assert/strict';
import { parseTariff, rate, type BillJson, type TariffInput } from './index.ts';
import { hourly } from './test-fixtures.ts';

const water = (components: unknown[], taxes: unknown[] = [], second?: { from: string; components: unknown[] }): TariffInput =>
  ({ code: 'W', commodity: 'water', unit: 'm3', versions: [{ from: '2025-01-01', components, taxes }, ...(second ? [{ ...second, taxes }] : [])] }) as TariffInput;
const reads = (end: string, from = '2025-05-01', to = '2025-05-31') => ({ unit: 'm3', from, to, reads: { start: '0', end } });
const rows = (bill: BillJson) => bill.lines.map((l) => [l.component, l.from, l.quantity, l.amount, ...(l.free !== undefined ? [l.free] : [])]);

describe('billing-core components', () => {
  it('free allowance: the first 10 m³ of a period are not charged, shared by days across slices', () => {
    const t = water([{ type: 'flat', code: 'SU', unit: 'm3', price: '5', free: '10' }], [], { from: '2025-05-21', components: [{ type: 'flat', code: 'SU', unit: 'm3', price: '6', free: '10' }] });
    const one = rate(parseTariff(t), reads('25', '2025-06-01', '2025-07-01')); // all under the second version
    assert.deepEqual(rows(one), [['SU', '2025-06-01', '15', '90.00', '10']]);
    const two = rate(parseTariff(t), reads('25', '2025-05-01', '2025-05-31')); // 30 days, change on day 21
    // 25 m³ shared 20/30 and 10/30: 16.667 and 8.333; allowance 6.667 and 3.333
    assert.deepEqual(rows(two), [
      ['SU', '2025-05-01', '10', '50.00', '6.667'],
      ['SU', '2025-05-21', '5', '30.00', '3.333'],
    ]);
  });

  it('minimum charge: tops the listed components up to 50 TL a period, and stays away when they reach it', () => {
    const t = parseTariff(water([{ type: 'flat', code: 'SU', unit: 'm3', price: '1' }, { type: 'minimum', code: 'ASGARI', amount: '50', on: ['SU'] }]));
    assert.deepEqual(rows(rate(t, reads('20'))), [['SU', '2025-05-01', '20', '20.00'], ['ASGARI', '2025-05-01', '1', '30.00']]);
    assert.deepEqual(rows(rate(t, reads('60'))), [['SU', '2025-05-01', '60', '60.00']]);
  });

  it('discount for an entitled subscriber only, inside the KDV base; a tax exemption removes the tax line', () => {
    const t = parseTariff(water([{ type: 'flat', code: 'SU', unit: 'm3', price: '10' }, { type: 'discount', code: 'GAZI', percent: '50', on: ['SU'] }], [{ type: 'per-unit', code: 'CTV', unit: 'm3', rate: '1' }, { type: 'percent', code: 'KDV', rate: '10' }]));
    const entitled = rate(t, { ...reads('10'), discounts: ['GAZI'] });
    assert.deepEqual(rows(entitled), [['SU', '2025-05-01', '10', '100.00'], ['GAZI', '2025-05-01', '100', '-50.00'], ['CTV', '2025-05-01', '10', '10.00'], ['KDV', '2025-05-01', '50', '5.00']]);
    assert.deepEqual(entitled.totals, { net: '50.00', taxes: '15.00', gross: '65.00' });
    const none = parseTariff(water([{ type: 'flat', code: 'SU', unit: 'm3', price: '10' }, { type: 'discount', code: 'GAZI', percent: '0', on: ['SU'] }]));
    assert.equal(rate(none, { ...reads('10'), discounts: ['GAZI'] }).lines[1].amount, '0.00'); // never "-0.00"
    const other = rate(t, { ...reads('10'), exemptions: ['CTV'] });
    assert.deepEqual(rows(other), [['SU', '2025-05-01', '10', '100.00'], ['KDV', '2025-05-01', '100', '10.00']]);
  });

  it('fixed charge per day over 45 days; a fixed charge that does not prorate takes the last version over the whole period', () => {
    const perDay = rate(parseTariff(water([{ type: 'fixed', code: 'SABIT', amount: '1.50', per: 'day' }])), reads('0', '2025-05-01', '2025-06-15'));
    assert.deepEqual(rows(perDay), [['SABIT', '2025-05-01', '45', '67.50']]);
    const t = water([{ type: 'fixed', code: 'SABIT', amount: '30', per: 'period', prorate: false }], [], { from: '2025-05-21', components: [{ type: 'fixed', code: 'SABIT', amount: '33', per: 'period', prorate: false }] });
    const bill = rate(parseTariff(t), reads('0'));
    assert.equal(bill.slices.length, 2);
    assert.deepEqual(bill.lines.map((l) => [l.from, l.to, l.quantity, l.amount]), [['2025-05-01', '2025-05-31', '1.000000', '33.00']]);
  });

  it('register reads are shared by days and the shares add up to the read difference exactly', () => {
    const v = (from: string, price: string) => ({ from, components: [{ type: 'flat', code: 'SU', unit: 'm3', price }] });
    const t = parseTariff({ code: 'W', commodity: 'water', unit: 'm3', versions: [v('2025-01-01', '1'), v('2025-05-11', '1'), v('2025-05-22', '1')] });
    const bill = rate(t, reads('100.001', '2025-05-01', '2025-06-01')); // 31 days: 10, 11, 10
    assert.deepEqual(bill.lines.map((l) => [l.quantity, l.amount]), [['32.258', '32.26'], ['35.484', '35.48'], ['32.259', '32.26']]);
  });

  it('time of use: day types, a public holiday from the tariff and seasons', () => {
    const t = parseTariff({
      code: 'E-SEASON',
      commodity: 'electricity',
      unit: 'kWh',
      holidays: ['2026-05-19'],
      versions: [
        {
          from: '2026-01-01',
          components: [
            {
              type: 'tou',
              code: 'ENERJI',
              unit: 'kWh',
              seasons: [{ name: 'summer', from: '04-01', to: '10-01' }, { name: 'winter', from: '10-01', to: '04-01' }],
              buckets: [
                { name: 'S-PEAK', price: '4', hours: [[12, 18]], dayTypes: ['weekday'], seasons: ['summer'] },
                { name: 'S-OFF', price: '2', hours: [[18, 12]], dayTypes: ['weekday'], seasons: ['summer'] },
                { name: 'S-REST', price: '1', hours: [[0, 24]], dayTypes: ['saturday', 'sunday', 'holiday'], seasons: ['summer'] },
                { name: 'W-ALL', price: '3', hours: [[0, 24]], seasons: ['winter'] },
              ],
            },
          ],
        },
      ],
    });
    const use = (from: string, to: string) => rate(t, { unit: 'kWh', from, to, resolution: 'hour', intervals: hourly(from, to, () => '1') });
    const bucketRows = (b: BillJson) => b.lines.map((l) => [l.bucket, l.quantity, l.amount]);
    // Monday 18 May a weekday, Tuesday 19 May (Gençlik ve Spor Bayramı) a holiday
    assert.deepEqual(bucketRows(use('2026-05-18', '2026-05-20')), [['S-PEAK', '6', '24.00'], ['S-OFF', '18', '36.00'], ['S-REST', '24', '24.00'], ['W-ALL', '0', '0.00']]);
    // Wednesday 30 September still summer, Thursday 1 October winter
    assert.deepEqual(bucketRows(use('2026-09-30', '2026-10-02')), [['S-PEAK', '6', '24.00'], ['S-OFF', '18', '36.00'], ['S-REST', '0', '0.00'], ['W-ALL', '24', '72.00']]);
  });

  it('time of use on the days of 23 and 25 hours Türkiye still had in 2015: each local hour counted where it falls', () => {
    const t = parseTariff({ code: 'E', commodity: 'electricity', unit: 'kWh', versions: [{ from: '2015-01-01', components: [{ type: 'tou', code: 'E', unit: 'kWh', buckets: [{ name: 'D', price: '1', hours: [[6, 22]] }, { name: 'N', price: '2', hours: [[22, 6]] }] }] }] });
    const day = (from: string, to: string) => rate(t, { unit: 'kWh', from, to, resolution: 'hour', intervals: hourly(from, to, () => '1') }).lines.map((l) => l.quantity);
    assert.deepEqual(day('2015-03-29', '2015-03-30'), ['16', '7']); // 03:00 never happened: night hours 0, 1, 2, 4, 5, 22, 23
    assert.deepEqual(day('2015-11-08', '2015-11-09'), ['16', '9']); // 03:00 happened twice
  });

  it('scale pricing: a quantity exactly on a band limit stays in that band', () => {
    const t = parseTariff(water([{ type: 'scale', code: 'SU', unit: 'm3', bands: [{ from: '0', to: '15', price: '10' }, { from: '15', price: '20' }] }]));
    assert.deepEqual(rows(rate(t, reads('15'))), [['SU', '2025-05-01', '15', '150.00']]);
    assert.deepEqual(rows(rate(t, reads('15.001'))), [['SU', '2025-05-01', '15.001', '300.02']]);
  });
});
