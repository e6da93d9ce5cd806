/** Statement line reasons in the console: a Turkish (and English) text for every code the server has, else its English. */
import assert from 'node:assert/strict';
import i18next from 'i18next';
import { STATEMENT_REASON_CODES } from '../../../modules/collections/index.ts';
import { trStatements } from '../i18n/tr-statements.ts';
import { enStatements } from '../i18n/en-statements.ts';
import { reasonText } from './reason-text.ts';

describe('web console: statement line reasons', () => {
  const i18n = i18next.createInstance();
  before(() => i18n.init({ resources: { tr: { translation: trStatements }, en: { translation: enStatements } }, lng: 'tr', interpolation: { escapeValue: false } }));

  it('has a Turkish and an English text for every code the server gives, and none for a code it does not', () => {
    const codes = (texts: Record<string, string>) => Object.keys(texts).filter((k) => k !== 'fileLine').sort();
    assert.deepEqual(codes(trStatements.statementReason), [...STATEMENT_REASON_CODES].sort());
    assert.deepEqual(codes(enStatements.statementReason), [...STATEMENT_REASON_CODES].sort());
  });

  it('words the code with its parameters, the CSV file line in front', () => {
    const line = { reason: 'file line 5: amount 1.234 is ambiguous (thousands or decimals?)', reasonCode: 'AMOUNT_AMBIGUOUS', reasonParams: { raw: '1.234', fileLine: 5 } };
    assert.equal(reasonText(i18n, line), 'Dosya satırı 5: 1.234 tutarı belirsiz (binlik ayırıcı mı, kuruş mu?)');
    assert.equal(reasonText(i18n, { reason: 'the text names 2 subscribers', reasonCode: 'NAMES_SEVERAL', reasonParams: { count: 2 } }), 'Açıklama 2 ayrı aboneyi gösteriyor');
    assert.equal(reasonText(i18n, { reason: 'x', reasonCode: 'DUPLICATE', reasonParams: { statementId: 'EKS-12' } }), 'EKS-12 numaralı ekstreden zaten kaydedildi');
  });

  it("falls back to the server's English sentence for a line without a code or with a code it has no text for", () => {
    assert.equal(reasonText(i18n, { reason: 'amount is zero', reasonCode: null, reasonParams: null }), 'amount is zero');
    assert.equal(reasonText(i18n, { reason: 'a newer reason', reasonCode: 'SOMETHING_NEW', reasonParams: {} }), 'a newer reason');
    assert.equal(reasonText(i18n, { reason: 'odd', reasonCode: 'fileLine', reasonParams: {} }), 'odd');
    assert.equal(reasonText(i18n, { reason: null, reasonCode: null, reasonParams: null }), '—');
  });
});
