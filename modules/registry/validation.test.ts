import assert from 'node:assert/strict';
import { isTckn } from '../../platform/pii.ts';
import { AboneError } from '../../platform/errors.ts';
import { loadSettings } from '../../platform/config.ts';
import { isVkn } from './national-id.ts';
import { isTrIban, normaliseIban } from './iban.ts';
import { normalisePhone } from '../../platform/phone.ts';
import { nameKey } from './name-key.ts';
import { registrySettings } from './settings.ts';
import { breakCheckDigit, makeIban, makeTckn, makeVkn } from './test-fixtures.ts';

describe('registry checks: VKN, IBAN, phone, name folding', () => {
  it('checks a VKN by its check digit', () => {
    // By hand for 454053692: t = (d + 9 - i) mod 10 = 3,3,1,6,0,7,9,1,3; t·2^(9-i) mod 9 = 6,3,2,6,0,4,0→9,4,6;
    // sum 40, check digit (10 - 0) mod 10 = 0, so 4540536920 is valid (python-stdnum's tr.vkn example as well).
    assert.equal(isVkn('4540536920'), true);
    assert.equal(isVkn('4540536921'), false);
    assert.equal(isVkn('454053692'), false);
    assert.equal(isVkn('45405369200'), false);
    assert.equal(isVkn('45405a6920'), false);
    for (let i = 0; i < 200; i++) {
      const v = makeVkn();
      assert.equal(isVkn(v), true, v);
      assert.equal(isVkn(breakCheckDigit(v)), false, v); // one check digit: any other last digit fails
    }
  });

  it('accepts foreigners\' 99-numbers as TCKNs by the same rule', () => {
    const foreign = makeTckn('99');
    assert.ok(foreign.startsWith('99') && isTckn(foreign));
  });

  it('checks a Turkish IBAN by mod 97', () => {
    assert.equal(isTrIban(normaliseIban('TR33 0006 1005 1978 6457 8413 26')), true);
    assert.equal(isTrIban(normaliseIban('tr33 0006 1005 1978 6457 8413 26')), true);
    assert.equal(isTrIban('TR340006100519786457841326'), false); // check digits off by one
    assert.equal(isTrIban('TR330006100519786457841362'), false); // two digits swapped
    assert.equal(isTrIban('DE89370400440532013000'), false); // a valid IBAN, but not Turkish
    assert.equal(isTrIban('TR33000610051978645784132'), false);
    for (let i = 0; i < 100; i++) assert.equal(isTrIban(makeIban()), true);
  });

  it('keeps phone numbers in E.164 however they were typed', () => {
    for (const typed of ['0532 123 45 67', '+90 (532) 123-45-67', '905321234567', '5321234567', '0090 532 123 45 67', '0532.123.45.67']) {
      assert.equal(normalisePhone(typed), '+905321234567', typed);
    }
    assert.equal(normalisePhone('0312 555 12 34'), '+903125551234');
    assert.equal(normalisePhone('+49 30 1234567'), '+49301234567');
    for (const bad of ['123', '0532 123 45 6', 'call me', '+0 123 456 789', '0632 123 45 67', '']) assert.equal(normalisePhone(bad), undefined, bad);
  });

  it('folds names for search: case and Turkish diacritics, dotted and dotless i alike', () => {
    const same = (a: string, b: string) => assert.equal(nameKey(a), nameKey(b), `${a} ~ ${b}`);
    same('İSMAİL', 'ismail');
    same('ISMAIL', 'ismail');
    same('ısmaıl', 'İsmail');
    same('şükrü', 'SUKRU');
    same('ŞÜKRÜ', 'sükrü');
    same('ÇAĞLA ÖĞÜT', 'cagla ogut');
    same('S\u0327u\u0308kru\u0308', 'Şükrü'); // decomposed input (some keyboards and PDFs) folds the same
    same('IŞIK Gaz A.Ş.', 'isik gaz as');
    same('Ayşe-Nur  Çelik', 'ayse nur celik');
    assert.equal(nameKey("' OR '1'='1"), 'or 1 1');
    assert.equal(nameKey('%_\\'), '');
  });

  it('validates the retention setting at start-up', () => {
    assert.equal(loadSettings(registrySettings, {}).piiRetentionDays, 3650);
    assert.equal(loadSettings(registrySettings, { ABONE_PII_RETENTION_DAYS: '30' }).piiRetentionDays, 30);
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      assert.throws(() => loadSettings(registrySettings, { ABONE_PII_RETENTION_DAYS: bad }), (e: unknown) => e instanceof AboneError && e.code === 'ABONE_ERR_CONFIG_INVALID');
    }
  });
});
