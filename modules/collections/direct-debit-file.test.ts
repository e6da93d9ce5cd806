/** The direct debit CSV files: the list as the bank gets it, the result file as it comes back, and fuzzing. */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { AboneError } from '../../platform/errors.ts';
import { collectionListCsv, parseResultCsv } from './direct-debit-file.ts';
import type { CollectionList } from './direct-debit-list.ts';

describe('collections: direct debit files', () => {
  it('writes the list the bank debits, one row per line with the reference its payment will carry', () => {
    const list = {
      id: 14, bank: '0062', dueDate: '2026-02-10', createdAt: new Date(), total: '650.00', replayed: false,
      lines: [
        { line: 1, orderId: 3, subscriptionId: '100234', accountId: 88, itemId: 5120, amount: '400.00', payerIban: 'TR900001200000000000777777', result: null },
        { line: 2, orderId: 7, subscriptionId: '100871', accountId: 91, itemId: 5133, amount: '250.00', payerIban: 'TR910006400000000005555555', result: null },
      ],
    } satisfies CollectionList;
    assert.equal(collectionListCsv(list), 'line;reference;subscriber;iban;amount;due_date\r\n1;14-1;100234;TR900001200000000000777777;400.00;2026-02-10\r\n2;14-2;100871;TR910006400000000005555555;250.00;2026-02-10\r\n');
  });

  it('reads a result file: columns in any order, ; or , , BOM, blank lines, optional reasons', () => {
    assert.deepEqual(parseResultCsv('\ufeffline;status;reason_code;reason\r\n1;paid;;\r\n\r\n2;FAILED;INSUFFICIENT_FUNDS;"Yetersiz bakiye; hesap 0"\r\n'), [
      { line: 1, status: 'paid' },
      { line: 2, status: 'failed', reasonCode: 'INSUFFICIENT_FUNDS', reason: 'Yetersiz bakiye; hesap 0' },
    ]);
    assert.deepEqual(parseResultCsv('status,line\npaid,3\n'), [{ line: 3, status: 'paid' }]);
  });

  it('refuses a malformed result file whole', () => {
    for (const [csv, reason] of [
      ['', /empty/], ['line;reason\n1;x\n', /needs line and status/], ['line;status\n0;paid\n', /line number/], ['line;status\n1;ok\n', /paid or failed/],
      ['line;status\n1;paid;extra\n', /fields/], ['line;status\n', /no lines/], ['line;status\n1;"paid\n', /never closed/],
    ] as Array<[string, RegExp]>) {
      assert.throws(() => parseResultCsv(csv), (e: AboneError) => e.code === 'ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID' && reason.test(e.message), csv);
    }
  });

  it('fuzz: 3,000 mutations and 500 random strings only ever throw AboneError', () => {
    const sample = 'line;status;reason_code;reason\n1;paid;;\n2;failed;INSUFFICIENT_FUNDS;"Yetersiz bakiye"\n';
    const junk = [';', ',', '"', '\n', '\r', '0', '9', 'paid', 'failed', '\u0000', '\ufeff', 'x'];
    const check = (input: string) => {
      try {
        for (const l of parseResultCsv(input)) assert.ok(Number.isSafeInteger(l.line) && l.line > 0 && (l.status === 'paid' || l.status === 'failed'));
      } catch (e) {
        if (!(e instanceof AboneError)) assert.fail(`${(e as Error)?.stack}\ninput: ${JSON.stringify(input)}`);
      }
    };
    for (let i = 0; i < 3000; i++) {
      const chars = [...sample];
      for (let k = randomInt(1, 8); k > 0; k--) {
        const at = randomInt(0, chars.length + 1);
        if (randomInt(0, 2)) chars.splice(at, randomInt(1, 10)); else chars.splice(at, 0, junk[randomInt(0, junk.length)]);
      }
      check(chars.join(''));
    }
    for (let i = 0; i < 500; i++) check(randomBytes(randomInt(0, 300)).toString(i % 2 ? 'latin1' : 'utf8'));
  });
});
