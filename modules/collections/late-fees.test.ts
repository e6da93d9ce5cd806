import assert from 'node:assert/strict';
import { lateFee, lateFactor, principalCovered } from './late-fees.ts';
import { Money } from '../../platform/money.ts';

const RATES = [
  { effectiveFrom: '2024-05-21', monthlyRate: '0.045' },
  { effectiveFrom: '2025-11-13', monthlyRate: '0.037' },
];

describe('collections: late payment surcharge (gecikme zammı)', () => {
  it('1,000 TL paid 20 days late at 3.7% a month is 24.67 TL (1000 × 0.037 × 20 / 30 = 24.666…)', () => {
    assert.equal(lateFee('1000.00', '2026-01-05', '2026-01-25', RATES).toFixed(2), '24.67');
  });

  it('charges nothing on the due date itself, and 1/30 of the monthly rate for one day late', () => {
    assert.equal(lateFee('1000.00', '2026-01-05', '2026-01-05', RATES).toFixed(2), '0.00');
    assert.equal(lateFee('1000.00', '2026-01-05', '2026-01-06', RATES).toFixed(2), '1.23'); // 37 / 30 = 1.2333
  });

  it('charges each day at the rate in force that day across a rate change', () => {
    // Due 1 Nov 2025, paid 21 Nov: 2–12 Nov (11 days) at 4.5%, 13–21 Nov (9 days) at 3.7%.
    // 1000 × (0.045 × 11 + 0.037 × 9) / 30 = 1000 × 0.828 / 30 = 27.60
    assert.equal(lateFee('1000.00', '2025-11-01', '2025-11-21', RATES).toFixed(2), '27.60');
  });

  it('charges nothing for days before the first known rate', () => {
    // Due 10 May 2024: 11–20 May have no rate in this table, 21–30 May (10 days) at 4.5%: 1000 × 0.045 × 10 / 30 = 15.00
    assert.equal(lateFee('1000.00', '2024-05-10', '2024-05-30', RATES).toFixed(2), '15.00');
  });

  it('splits a short payment between principal and fee so the two never exceed the money', () => {
    const factor = lateFactor('2026-01-05', '2026-01-25', RATES); // 0.0246666…
    // 500 / 1.024666… = 487.96; fee 487.96 × 0.024666… = 12.036 → 12.04; 487.96 + 12.04 = 500.00
    const { principal, fee } = principalCovered(new Money('500.00'), new Money('1000.00'), factor);
    assert.deepEqual([principal.toFixed(2), fee.toFixed(2)], ['487.96', '12.04']);
    for (let cents = 1; cents < 5000; cents += 37) {
      const money = new Money(cents).dividedBy(100);
      const split = principalCovered(money, new Money('1000.00'), factor);
      assert.ok(split.principal.plus(split.fee).lessThanOrEqualTo(money), `${money} covers ${split.principal} + ${split.fee}`);
      assert.ok(split.principal.plus('0.01').plus(split.principal.plus('0.01').times(factor).toDecimalPlaces(2)).greaterThan(money), `${money}: a kuruş more principal would not fit`);
    }
  });
});
