/**
 * The import CSV reader: RFC 4180 quoting (commas, quotes and newlines inside quotes), line numbers that point at
 * the source, and a fuzz run of mutated rows that must never throw and always answer each row with fields or a reason.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { readCsv, type CsvRow } from './csv-rows.ts';

async function rows(chunks: Array<string | Buffer>, columns = 3, maxRowBytes?: number): Promise<{ header: string[]; rows: CsvRow[] }> {
  let header: string[] = [];
  const out: CsvRow[] = [];
  for await (const r of readCsv(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), { columns, maxRowBytes }, (h) => (header = h))) out.push(r);
  return { header, rows: out };
}

describe('registry: CSV reader', () => {
  it('reads quoted commas, doubled quotes and newlines inside quotes, numbering rows by their first line', async () => {
    const got = await rows(['a,b,c\r\n', '1,"x, y","say ""hi"""\r\n', '2,"two\nlines",z\n', '\n', '3,ş,ğ']);
    assert.deepEqual(got.header, ['a', 'b', 'c']);
    assert.deepEqual(got.rows, [
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', 'z'] },
      { line: 6, fields: ['3', 'ş', 'ğ'] },
    ]);
  });

  it('reads a multi-byte letter split across two chunks', async () => {
    const bytes = Buffer.from('a,b,c\nİ,ş,ü\n');
    const got = await rows([bytes.subarray(0, 7), bytes.subarray(7)]);
    assert.deepEqual(got.rows, [{ line: 2, fields: ['İ', 'ş', 'ü'] }]);
  });

  it('skips an over-long row without holding it, and goes on with the next', async () => {
    const got = await rows(['a,b,c\n', `1,${'x'.repeat(5000)},3\n`, '2,y,z\n'], 3, 1024);
    assert.deepEqual(got.rows, [{ line: 2, reason: 'row_too_long' }, { line: 3, fields: ['2', 'y', 'z'] }]);
  });

  it('never throws on 20,000 mutated rows and answers every row with 3 fields or a reason', async () => {
    const alphabet = [0x2c, 0x22, 0x0a, 0x0d, 0x00, 0xff, 0xc3, 0x9f, 0x41, 0x20, 0x5c];
    const seed = Buffer.from('1,"Atatürk, Bulvarı",ş\n');
    const chunks: Buffer[] = [Buffer.from('a,b,c\n')];
    for (let i = 0; i < 20_000; i++) {
      const b = Buffer.from(seed);
      for (let k = randomInt(0, 4); k > 0; k--) b[randomInt(0, b.length - 1)] = alphabet[randomInt(0, alphabet.length)];
      chunks.push(b);
    }
    const got = await rows(chunks, 3, 4096);
    assert.ok(got.rows.length > 0);
    for (const r of got.rows) {
      if ('fields' in r) assert.equal(r.fields.length, 3);
      else assert.ok(['encoding', 'row_too_long', 'column_count', 'unterminated_quote'].includes(r.reason), r.reason);
      assert.ok(r.line >= 2);
    }
  });
});
