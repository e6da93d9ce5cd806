import assert from 'node:assert/strict';
import { allocate, lineAmount, money, sum, toKurus } from './money.ts';

describe('money', () => {
  it('adds kuruş exactly where floats drift', () => {
    assert.equal(0.1 + 0.2 === 0.3, false); // the reason this module exists
    assert.equal(sum([money('0.1'), money('0.2')]).toFixed(), '0.3');
  });

  it('rounds a line to the kuruş, half away from zero', () => {
    // 123.456 m3 × 12.345678 TRY/m3 = 1524.148...: 1524.15
    assert.equal(lineAmount('123.456', '12.345678').toFixed(2), '1524.15');
    assert.equal(toKurus(money('2.345')).toFixed(2), '2.35');
    assert.equal(toKurus(money('-2.345')).toFixed(2), '-2.35');
  });

  it('splits an amount into instalments that add up to the whole', () => {
    const parts = allocate(money('100'), 3);
    assert.deepEqual(parts.map((p) => p.toFixed(2)), ['33.34', '33.33', '33.33']);
    assert.equal(sum(parts).toFixed(2), '100.00');
    for (let i = 0; i < 500; i++) {
      const amount = money((Math.floor(Math.random() * 1e8) / 100).toFixed(2));
      const n = 1 + Math.floor(Math.random() * 24);
      assert.equal(sum(allocate(amount, n)).toFixed(2), amount.toFixed(2));
    }
  });

  it('refuses what is not a finite amount', () => {
    assert.throws(() => money('NaN'));
    assert.throws(() => money(Infinity));
    assert.throws(() => allocate(money('1'), 0));
  });
});
