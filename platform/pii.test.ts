import assert from 'node:assert/strict';
import { isTckn, maskIban, maskPhone, maskTckn, scrubText } from './pii.ts';

describe('personal data masking', () => {
  it('recognises a TCKN by its check digits', () => {
    // By hand for the first nine digits 123456789: odd places 1+3+5+7+9 = 25, even places 2+4+6+8 = 20,
    // 10th digit = (25×7 − 20) mod 10 = 5, 11th digit = (1+2+…+9+5) mod 10 = 0, so 12345678950 is valid.
    assert.equal(isTckn('12345678950'), true);
    assert.equal(isTckn('12345678951'), false);
    assert.equal(isTckn('02345678950'), false);
    assert.equal(isTckn('1234567895'), false);
  });

  it('masks values the way the utility shows them', () => {
    assert.equal(maskTckn('12345678950'), '12*******50');
    assert.equal(maskIban('TR33 0006 1005 1978 6457 8413 26'), 'TR33******************1326');
    assert.equal(maskPhone('0532 123 45 67'), '053******67');
  });

  it('scrubs personal data out of free text and leaves other numbers alone', () => {
    const line = '{"msg":"party 12345678950 phone 05321234567 iban TR330006100519786457841326","count":12345678951,"ts":1795842596217}';
    const scrubbed = scrubText(line);
    assert.ok(!scrubbed.includes('12345678950'));
    assert.ok(!scrubbed.includes('05321234567'));
    assert.ok(!scrubbed.includes('TR330006100519786457841326'));
    assert.ok(scrubbed.includes('12345678951')); // fails the checksum: not a TCKN
    assert.ok(scrubbed.includes('1795842596217'));
  });
});
