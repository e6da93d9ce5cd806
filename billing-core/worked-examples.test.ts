/**
 * The worked examples of docs/tariffs.md, each computed there by hand from its source. Every number asserted here is
 * one a tariff clerk can check with a calculator.
 */
import assert from 'node:assert/strict';
import { parseTariff, rate, gasKwh, type BillJson } from './index.ts';
import { electricityBlocks, hourly, timeOfUsePriceChange, waterPriceChange } from './test-fixtures.ts';
import gasTariff from './examples/gas-residential.tariff.json' with { type: 'json' };
import gasUsage from './examples/gas-residential.usage.json' with { type: 'json' };
import waterTariff from './examples/water-block.tariff.json' with { type: 'json' };
import waterUsage from './examples/water-block.usage.json' with { type: 'json' };

/** [component, from, to, quantity, unitPrice, amount] of each line: the table docs/tariffs.md shows. */
function table(bill: BillJson): string[][] {
  return bill.lines.map((l) => [l.component, l.from, l.to, l.quantity, l.unitPrice, l.amount]);
}

describe('billing-core worked examples', () => {
  it('residential gas: 100 m³, K 0.9870, 9,250 kcal/m³, ESGAZ 10.266442 TL/Sm³ split into gas, ÖTV and SKB, KDV 20%', () => {
    assert.equal(gasKwh('100', '0.9870', '9250').slice(0, 12), '1061.0806350'); // 98.7 × 9250 / 860.42
    const bill = rate(parseTariff(gasTariff), gasUsage);
    assert.deepEqual(table(bill), [
      ['GAS', '2025-11-01', '2025-12-01', '1061.081', '0.730421', '775.04'],
      ['SKB', '2025-11-01', '2025-12-01', '1061.081', '0.221553', '235.09'],
      ['OTV', '2025-11-01', '2025-12-01', '98.7', '0.1373', '13.55'],
      ['KDV', '2025-11-01', '2025-12-01', '1023.68', '0.2', '204.74'],
    ]);
    assert.deepEqual(bill.totals, { net: '1010.13', taxes: '218.29', gross: '1228.42' });
    assert.equal(bill.lines[3].taxBase, '1023.68'); // GAS + SKB + ÖTV: ÖTV is part of the KDV base
  });

  it('block-priced water with wastewater on the water quantity (İSKİ konut bands), register rollover 99990 → 00015', () => {
    const bill = rate(parseTariff(waterTariff), waterUsage);
    assert.equal(bill.consumption.quantity, '25');
    assert.deepEqual(table(bill), [
      ['SU', '2023-11-01', '2023-12-01', '15', '13.76', '206.40'],
      ['SU', '2023-11-01', '2023-12-01', '10', '19.8', '198.00'],
      ['ATIKSU', '2023-11-01', '2023-12-01', '15', '6.87', '103.05'],
      ['ATIKSU', '2023-11-01', '2023-12-01', '10', '9.89', '98.90'],
      ['CTV', '2023-11-01', '2023-12-01', '25', '1', '25.00'],
      ['KDV', '2023-11-01', '2023-12-01', '606.35', '0.1', '60.64'], // 60.635 rounds half up
    ]);
    assert.deepEqual(bill.totals, { net: '606.35', taxes: '85.64', gross: '691.99' });
  });

  it('a tariff change on day 21 of a 30-day period gives 20/30 and 10/30 slices', () => {
    const usage = { unit: 'm3', from: '2025-05-12', to: '2025-06-11', reads: { start: '100', end: '130' } };
    const bill = rate(parseTariff(waterPriceChange), usage);
    assert.deepEqual(bill.slices, [
      { from: '2025-05-12', to: '2025-06-01', days: 20, version: '2025-01-01' },
      { from: '2025-06-01', to: '2025-06-11', days: 10, version: '2025-06-01' },
    ]);
    assert.deepEqual(table(bill), [
      ['SABIT', '2025-05-12', '2025-06-01', '0.666667', '30', '20.00'],
      ['SABIT', '2025-06-01', '2025-06-11', '0.333333', '33', '11.00'],
      // 30 m³ shared by days: 20 and 10; band limits 15/30 per 30 days become 10/20 and 5/10
      ['SU', '2025-05-12', '2025-06-01', '10', '42.37', '423.70'],
      ['SU', '2025-05-12', '2025-06-01', '10', '63.56', '635.60'],
      ['SU', '2025-06-01', '2025-06-11', '5', '46.62', '233.10'],
      ['SU', '2025-06-01', '2025-06-11', '5', '69.92', '349.60'],
    ]);
    assert.equal(bill.totals.net, '1673.00');
  });

  it('a block of 100–300 kWh per 30 days becomes 150–450 over a 45-day period', () => {
    const usage = { unit: 'kWh', from: '2026-01-01', to: '2026-02-15', reads: { start: '0', end: '500' } };
    const block = rate(parseTariff(electricityBlocks('block')), usage);
    assert.equal(block.days, 45);
    assert.deepEqual(table(block).map((r) => [r[3], r[4], r[5]]), [
      ['150', '2', '300.00'],
      ['300', '2.5', '750.00'],
      ['50', '3', '150.00'],
    ]);
    assert.equal(block.totals.net, '1200.00');
    // Scale pricing: the whole quantity at the price of the band reached (400 kWh ≤ 450 → 2.50; 500 → 3.00).
    assert.equal(rate(parseTariff(electricityBlocks('scale')), { ...usage, reads: { start: '0', end: '400' } }).totals.net, '1000.00');
    assert.equal(rate(parseTariff(electricityBlocks('scale')), usage).totals.net, '1500.00');
  });

  it('a price change mid-period for a time-of-use customer: each slice prices its own hours', () => {
    // 1 kWh in each day hour, 2 in each peak hour, 0.5 in each night hour: per day T1 11, T2 10, T3 4 kWh.
    const intervals = hourly('2026-03-01', '2026-03-11', (h) => (h >= 6 && h < 17 ? '1' : h >= 17 && h < 22 ? '2' : '0.5'));
    const bill = rate(parseTariff(timeOfUsePriceChange), { unit: 'kWh', from: '2026-03-01', to: '2026-03-11', resolution: 'hour', intervals });
    assert.deepEqual(bill.slices.map((s) => s.days), [5, 5]);
    assert.deepEqual(table(bill), [
      ['ENERJI', '2026-03-01', '2026-03-06', '55', '2.1', '115.50'],
      ['ENERJI', '2026-03-01', '2026-03-06', '50', '3.15', '157.50'],
      ['ENERJI', '2026-03-01', '2026-03-06', '20', '1.3', '26.00'],
      ['ENERJI', '2026-03-06', '2026-03-11', '55', '2.31', '127.05'],
      ['ENERJI', '2026-03-06', '2026-03-11', '50', '3.47', '173.50'],
      ['ENERJI', '2026-03-06', '2026-03-11', '20', '1.43', '28.60'],
      ['KDV', '2026-03-01', '2026-03-06', '299', '0.2', '59.80'],
      ['KDV', '2026-03-06', '2026-03-11', '329.15', '0.2', '65.83'],
    ]);
    assert.deepEqual(bill.totals, { net: '628.15', taxes: '125.63', gross: '753.78' });
  });
});
