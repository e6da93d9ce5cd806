/**
 * The statement parsers on their own: CAMT.053 and CSV fields as a bank writes them, and fuzzing. Random and mutated
 * input must never throw anything but an AboneError (a refused file), whatever the bytes.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { AboneError } from '../../platform/errors.ts';
import { parseCamt053 } from './camt053.ts';
import { parseCsvStatement } from './csv-statement.ts';
import { parseStatementAmount } from './statement-line.ts';
import { referencesIn } from './statement-match.ts';
import { camtSample } from './testdata/camt053-sample.ts';

const ACCOUNT = 'TR630006200000000000123456';
const SAMPLE = camtSample({ STATEMENT_ID: 'S-1', ACCOUNT_IBAN: ACCOUNT, PREFIX: 'R', SUBSCRIBER: '100234', INVOICE: 'ABN2026000001', PAYER_IBAN: 'TR910006400000000005555555' });

describe('collections: statement parsers', () => {
  it('CAMT.053: booked credits become lines with reference, amount, date, payer and remittance; debits and pending entries are left out', () => {
    const [st] = parseCamt053(SAMPLE);
    assert.deepEqual([st.format, st.statementId, st.accountIban], ['camt053', 'S-1', ACCOUNT]);
    assert.deepEqual(
      st.lines.map((l) => [l.lineNo, l.reference, l.amount, l.bookingDate, l.payerIban ?? null, l.remittance ?? null, l.refused?.text ?? null]),
      [
        [1, 'R-0001', '500.00', '2026-01-08', 'TR900001200000000000777777', 'ABONE NO 100234 OCAK DOĞALGAZ', null],
        [2, 'R-0002', '320.40', '2026-01-08', null, 'Fatura ABN2026000001 ödemesi', null],
        [3, 'R-0003', '150.00', '2026-01-08', 'TR910006400000000005555555', 'DOGALGAZ', null],
        [4, 'R-0004', '75.25', '2026-01-08', 'TR850001000000000009876543', 'KIRA OCAK', null],
        [5, 'R-0005', undefined, '2026-01-08', null, null, 'currency USD: only TRY is collected'],
      ],
    );
    assert.deepEqual([st.lines[0].payerName, st.lines[1].payerName], ['AYŞE YILMAZ', 'MEHMET & OĞULLARI LTD']);
  });

  it('CAMT.053: namespace prefixes, one line per batched transfer, fallback references', () => {
    const xml = `<?xml version="1.0"?><ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><ns2:BkToCstmrStmt><ns2:Stmt>
      <ns2:Id>B-7</ns2:Id><ns2:Acct><ns2:Id><ns2:IBAN>TR63 0006 2000 0000 0000 1234 56</ns2:IBAN></ns2:Id></ns2:Acct>
      <ns2:Ntry><ns2:Amt Ccy="TRY">300.5</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:BookgDt><ns2:DtTm>2026-02-01T10:00:00+03:00</ns2:DtTm></ns2:BookgDt>
        <ns2:AcctSvcrRef>BATCH9</ns2:AcctSvcrRef><ns2:NtryDtls>
          <ns2:TxDtls><ns2:Amt Ccy="TRY">100.50</ns2:Amt><ns2:RmtInf><ns2:Ustrd>ABONE:7</ns2:Ustrd></ns2:RmtInf></ns2:TxDtls>
          <ns2:TxDtls><ns2:AmtDtls><ns2:TxAmt><ns2:Amt Ccy="TRY">200.00</ns2:Amt></ns2:TxAmt></ns2:AmtDtls><ns2:Refs><ns2:AcctSvcrRef>OWN-2</ns2:AcctSvcrRef></ns2:Refs></ns2:TxDtls>
        </ns2:NtryDtls></ns2:Ntry>
      <ns2:Ntry><ns2:Amt Ccy="TRY">1.005</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:BookgDt><ns2:Dt>2026-02-01</ns2:Dt></ns2:BookgDt></ns2:Ntry>
    </ns2:Stmt></ns2:BkToCstmrStmt></ns2:Document>`;
    const [st] = parseCamt053(xml);
    assert.equal(st.accountIban, ACCOUNT);
    assert.deepEqual(st.lines.map((l) => [l.reference, l.amount, l.bookingDate, l.refused?.text ?? null]), [
      ['BATCH9/1', '100.50', '2026-02-01', null],
      ['OWN-2', '200.00', '2026-02-01', null],
      ['B-7/3', undefined, '2026-02-01', 'amount 1.005 is not TRY with at most two decimals'],
    ]);
  });

  it('CAMT.053: a broken file is refused whole with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['<a>', /not closed/],
      ['<Document><BkToCstmrStmt/></Document>', /no statement/],
      ['<Foo/>', /not a CAMT.053/],
      ['<!DOCTYPE x [<!ENTITY a "b">]><Document/>', /DOCTYPE/],
      [SAMPLE.replace(ACCOUNT, 'TR000006200000000000123456'), /valid Turkish IBAN/],
      [SAMPLE.replace('<Id>S-1</Id>', '<Id></Id>'), /statement id/],
      [SAMPLE.replace('</Stmt>', '</Stmt><Stmt><Id>S-1</Id><Acct><Id><IBAN>' + ACCOUNT + '</IBAN></Id></Acct></Stmt>'), /same statement twice/],
      ['<Document>&bogus;</Document>', /unknown entity/],
    ];
    for (const [xml, reason] of cases) {
      assert.throws(() => parseCamt053(xml), (e: AboneError) => e.code === 'ABONE_ERR_COLLECTIONS_STATEMENT_INVALID' && reason.test(e.message), xml.slice(0, 60));
    }
  });

  it('CSV: the documented columns in any order, ; or , separator, BOM, Turkish and dotted amounts, debits left out', () => {
    const csv = '\ufeffAmount;Date;Reference;IBAN;Description\r\n' +
      '1.250,40;05.01.2026;EFT-1;TR90 0001 2000 0000 0000 7777 77;ABONE NO 100234\r\n' +
      '99,5;2026-01-05;EFT-2;;"Fatura ABN2026000001; teşekkürler"\r\n' +
      '-40,00;05.01.2026;EFT-3;;iade\r\n' +
      '1.234;05.01.2026;EFT-4;;belirsiz\r\n' +
      '10,00;32.01.2026;EFT-5;;tarih\r\n' +
      '\r\n' +
      '12,00;05.01.2026;;;referanssız\r\n';
    const st = parseCsvStatement(csv, { statementId: 'CSV-1', accountIban: ACCOUNT });
    assert.deepEqual(st.lines.map((l) => [l.lineNo, l.reference, l.amount ?? null, l.bookingDate ?? null, l.payerIban ?? null, l.remittance ?? null, l.refused?.text ?? null]), [
      [1, 'EFT-1', '1250.40', '2026-01-05', 'TR900001200000000000777777', 'ABONE NO 100234', null],
      [2, 'EFT-2', '99.50', '2026-01-05', null, 'Fatura ABN2026000001; teşekkürler', null],
      [3, 'EFT-4', null, '2026-01-05', null, 'belirsiz', 'file line 5: amount 1.234 is ambiguous (thousands or decimals?)'],
      [4, 'EFT-5', null, null, null, 'tarih', 'file line 6: date 32.01.2026 is not YYYY-MM-DD or DD.MM.YYYY'],
      [5, 'CSV-1/5', '12.00', '2026-01-05', null, 'referanssız', null],
    ]);
    const comma = parseCsvStatement('date,amount,reference,iban,description,currency\n2026-01-05,"1,234.56",X1,,a,TRY\n2026-01-05,10.00,X2,,b,EUR\n', { statementId: 'CSV-2', accountIban: ACCOUNT });
    assert.deepEqual(comma.lines.map((l) => [l.amount ?? null, l.refused?.text ?? null]), [['1234.56', null], [null, 'file line 3: currency EUR: only TRY is collected']]);
  });

  // The console words these codes in Turkish (web/src/statements/reason.ts): each refusal a parser makes has one.
  const reasons = (st: { lines: Array<{ reference: string; refused?: { code: string; params: object } }> }) =>
    st.lines.map((l) => [l.reference, l.refused?.code ?? null, l.refused?.params ?? null]);

  it('CSV: each refused line carries its reason code, its parameters and the file line', () => {
    const csv = 'date;amount;reference;iban;description;currency\n' +
      '05.01.2026;10,00;C1;;a\n' +
      ';10,00;C2;;a;TRY\n' +
      '31.02.2026;10,00;C3;;a;TRY\n' +
      '05.01.2026;10,00;C4;;a;USD\n' +
      '05.01.2026;;C5;;a;TRY\n' +
      '05.01.2026;1.234;C6;;a;TRY\n' +
      '05.01.2026;on lira;C7;;a;TRY\n' +
      '05.01.2026;12345678901234567,00;C8;;a;TRY\n' +
      '05.01.2026;0,00;C9;;a;TL\n' +
      '05.01.2026;10,00;C10;;a;TL\n';
    const st = parseCsvStatement(csv, { statementId: 'CODES', accountIban: ACCOUNT });
    assert.deepEqual(reasons(st), [
      ['C1', 'FIELD_COUNT', { fields: 5, expected: 6, fileLine: 2 }],
      ['C2', 'DATE_MISSING', { fileLine: 3 }],
      ['C3', 'DATE_INVALID', { raw: '31.02.2026', fileLine: 4 }],
      ['C4', 'CURRENCY', { currency: 'USD', fileLine: 5 }],
      ['C5', 'AMOUNT_MISSING', { fileLine: 6 }],
      ['C6', 'AMOUNT_AMBIGUOUS', { raw: '1.234', fileLine: 7 }],
      ['C7', 'AMOUNT_NOT_NUMBER', { raw: 'on lira', fileLine: 8 }],
      ['C8', 'AMOUNT_TOO_LARGE', { fileLine: 9 }],
      ['C9', 'AMOUNT_ZERO', { fileLine: 10 }],
      ['C10', null, null],
    ]);
    // The English sentence is made from the same code and parameters.
    assert.deepEqual([st.lines[0].refused!.text, st.lines[4].refused!.text, st.lines[6].refused!.text], [
      'file line 2: 5 fields, the header has 6', 'file line 6: no amount', 'file line 8: amount on lira is not a number',
    ]);
  });

  it('CAMT.053: each refused line carries its reason code and parameters', () => {
    const ntry = (ref: string, amt: string, date = '<BookgDt><Dt>2026-02-01</Dt></BookgDt>') =>
      `<Ntry>${amt}<CdtDbtInd>CRDT</CdtDbtInd>${date}<AcctSvcrRef>${ref}</AcctSvcrRef></Ntry>`;
    const xml = `<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Id>K-1</Id><Acct><Id><IBAN>${ACCOUNT}</IBAN></Id></Acct>
      ${ntry('K1', '<Amt Ccy="TRY">10.00</Amt>', '')}
      ${ntry('K2', '<Amt Ccy="TRY">10.00</Amt>', '<BookgDt><Dt>1.2.2026</Dt></BookgDt>')}
      ${ntry('K3', '')}
      ${ntry('K4', '<Amt>10.00</Amt>')}
      ${ntry('K5', '<Amt Ccy="EUR">10.00</Amt>')}
      ${ntry('K6', '<Amt Ccy="TRY"> </Amt>')}
      ${ntry('K7', '<Amt Ccy="TRY">1,50</Amt>')}
      ${ntry('K8', '<Amt Ccy="TRY">1.005</Amt>')}
      ${ntry('K9', '<Amt Ccy="TRY">12345678901234567</Amt>')}
      ${ntry('K10', '<Amt Ccy="TRY">0.00</Amt>')}
      ${ntry('K11', '<Amt Ccy="TRY">1.50000</Amt>')}
      ${ntry('K12', '<Amt Ccy="TRY">10.00</Amt>', '<BookgDt><Dt>2026-02-30</Dt></BookgDt>')}
    </Stmt></BkToCstmrStmt></Document>`;
    const [st] = parseCamt053(xml);
    assert.deepEqual(reasons(st), [
      ['K1', 'DATE_MISSING', {}],
      ['K2', 'DATE_INVALID', { raw: '1.2.2026' }],
      ['K3', 'AMOUNT_MISSING', {}],
      ['K4', 'CURRENCY_MISSING', {}],
      ['K5', 'CURRENCY', { currency: 'EUR' }],
      ['K6', 'AMOUNT_MISSING', {}],
      ['K7', 'AMOUNT_NOT_NUMBER', { raw: '1,50' }],
      ['K8', 'AMOUNT_DECIMALS', { raw: '1.005' }],
      ['K9', 'AMOUNT_TOO_LARGE', {}],
      ['K10', 'AMOUNT_ZERO', {}],
      ['K11', null, null],
      ['K12', 'DATE_INVALID', { raw: '2026-02-30' }],
    ]);
    assert.equal(st.lines[10].amount, '1.50');
  });

  it('CSV: a missing column, a broken quote, no statement id or account is refused whole', () => {
    const ok = { statementId: 'C', accountIban: ACCOUNT };
    const cases: Array<[string, { statementId: string; accountIban: string }, RegExp]> = [
      ['date;amount;reference;iban\n', ok, /lacks description/],
      ['date;amount;reference;iban;description\n05.01.2026;"1,00;X;;a\n', ok, /never closed/],
      ['date;amount;reference;iban;description\n', { statementId: '', accountIban: ACCOUNT }, /statement id/],
      ['date;amount;reference;iban;description\n', { statementId: 'C', accountIban: 'TR12' }, /IBAN/],
      ['   ', ok, /empty/],
    ];
    for (const [csv, st, reason] of cases) {
      assert.throws(() => parseCsvStatement(csv, st), (e: AboneError) => e.code === 'ABONE_ERR_COLLECTIONS_STATEMENT_INVALID' && reason.test(e.message), csv);
    }
  });

  it('amounts: each way banks write them, and the ambiguous ones refused', () => {
    const got = ['1.234,56', '1,234.56', '1234,5', '1234.56', '0,01', '+7', '-3,00', '12 345,00 TL', '1.234', '1,234', '1,2,3', 'abc', ''].map((a) => {
      const r = parseStatementAmount(a);
      return 'value' in r ? `${r.negative ? '-' : ''}${r.value}` : 'refused';
    });
    assert.deepEqual(got, ['1234.56', '1234.56', '1234.50', '1234.56', '0.01', '7.00', '-3.00', '12345.00', 'refused', 'refused', 'refused', 'refused', 'refused']);
  });

  it('references in a payer\'s text: invoice numbers anywhere, subscriber numbers after ABONE or alone', () => {
    assert.deepEqual(referencesIn('Fatura abn2026000001 ve ABN2026000002'), { invoices: ['ABN2026000001', 'ABN2026000002'], subscribers: [] });
    assert.deepEqual(referencesIn('Abone no: 100234 ocak'), { invoices: [], subscribers: ['100234'] });
    assert.deepEqual(referencesIn('ABONE NUMARASİ 100234'), { invoices: [], subscribers: ['100234'] });
    assert.deepEqual(referencesIn('abone numarası: 100234'), { invoices: [], subscribers: ['100234'] });
    assert.deepEqual(referencesIn('ABONE100234'), { invoices: [], subscribers: ['100234', 'ABONE100234'] });
    assert.deepEqual(referencesIn(' 100234 '), { invoices: [], subscribers: ['100234'] });
    assert.deepEqual(referencesIn('KIRA OCAK 2026'), { invoices: [], subscribers: [] });
  });

  describe('fuzz: random and mutated input only ever throws AboneError', () => {
    // What a parser accepts must be storable: no control characters (PostgreSQL refuses NUL in text) in any field.
    const storable = (parsed: unknown) => {
      for (const st of [parsed].flat() as Array<{ lines: object[] }>) {
        for (const line of st.lines) {
          const refused = (line as { refused?: { text: string; params: object } }).refused;
          for (const v of [...Object.values(line), ...Object.values(refused?.params ?? {}), refused?.text]) if (typeof v === 'string') assert.ok(!/\p{Cc}/u.test(v), JSON.stringify(line));
        }
      }
    };
    const onlyAbone = (fn: () => unknown, input: string) => {
      try {
        storable(fn());
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        if (!(e instanceof AboneError)) assert.fail(`${(e as Error)?.stack}\ninput: ${JSON.stringify(input.slice(0, 300))}`);
      }
    };
    const mutate = (s: string) => {
      const chars = [...s];
      for (let k = randomInt(1, 8); k > 0; k--) {
        const at = randomInt(0, chars.length + 1);
        const op = randomInt(0, 4);
        const junk = ['<', '>', '/', '"', "'", '&', ';', '&#x0;', '&#99999999;', '<!--', ']]>', '<![CDATA[', '\u0000', '\ufffd', '\n', ',', '.', '-', 'Ntry', '</Stmt>', '<Amt Ccy="TRY">', '9'.repeat(30)][randomInt(0, 22)];
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, junk);
        else if (op === 2) chars.splice(at, randomInt(1, 40));
        else chars.splice(at, 0, ...chars.slice(randomInt(0, chars.length), randomInt(0, chars.length)));
      }
      return chars.join('');
    };
    const csvSample = 'date;amount;reference;iban;description\n05.01.2026;1.250,40;EFT-1;TR900001200000000000777777;"ABONE NO 1"\n2026-01-05;99,5;EFT-2;;x\n';

    it('CAMT.053: 3,000 mutations of the sample and 500 random strings', () => {
      for (let i = 0; i < 3000; i++) {
        const input = mutate(SAMPLE);
        onlyAbone(() => parseCamt053(input), input);
      }
      for (let i = 0; i < 500; i++) {
        const input = randomBytes(randomInt(0, 400)).toString(i % 2 ? 'latin1' : 'utf8');
        onlyAbone(() => parseCamt053(input), input);
        onlyAbone(() => parseCamt053('<Document><BkToCstmrStmt><Stmt>' + input), input);
      }
    });

    it('CSV: 3,000 mutations of a sample and 500 random strings', () => {
      for (let i = 0; i < 3000; i++) {
        const input = mutate(csvSample);
        onlyAbone(() => parseCsvStatement(input, { statementId: 'F', accountIban: ACCOUNT }), input);
      }
      for (let i = 0; i < 500; i++) {
        const input = randomBytes(randomInt(0, 400)).toString(i % 2 ? 'latin1' : 'utf8');
        onlyAbone(() => parseCsvStatement(input, { statementId: 'F', accountIban: ACCOUNT }), input);
      }
    });
  });
});
