/**
 * A streaming CSV reader for imports (RFC 4180: comma-separated, double quotes, "" inside quotes, CRLF or LF) that
 * survives hostile files. It works on bytes and never holds more than one row of at most `maxRowBytes`: a 10 MB
 * field is skipped to the end of its row and reported, not buffered. Each field must be valid UTF-8 (a Latin-5 or
 * mojibake file is refused row by row with 'encoding', not stored garbled), and each row must have exactly the
 * header's number of columns. Rows come out numbered by their line in the file, so reports point at the source.
 */
import type { Readable } from 'node:stream';

export type CsvRow = { line: number; fields: string[] } | { line: number; reason: CsvReason };
export type CsvReason = 'encoding' | 'row_too_long' | 'column_count' | 'unterminated_quote';

const QUOTE = 0x22, COMMA = 0x2c, LF = 0x0a, CR = 0x0d;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface CsvOptions {
  columns: number;
  maxRowBytes?: number;
}

/** Yields every row after the header; the header itself is returned to `onHeader` to be checked by the caller. */
export async function* readCsv(input: Readable | AsyncIterable<Buffer | string>, opts: CsvOptions, onHeader: (fields: string[]) => void): AsyncGenerator<CsvRow> {
  const max = opts.maxRowBytes ?? 64 * 1024;
  const fieldBuf = Buffer.allocUnsafe(max + 1);
  let flen = 0;
  let fields: string[] = [];
  let rowBytes = 0;
  let inQuotes = false, afterQuote = false, tooLong = false, badEncoding = false, started = false, header = true;
  let line = 1, rowLine = 1; // rowLine: the line the current row started on
  let bom = true;

  const endField = () => {
    if (!tooLong) {
      try {
        fields.push(utf8.decode(fieldBuf.subarray(0, flen)));
      } catch {
        badEncoding = true;
        fields.push('');
      }
    }
    flen = 0;
    afterQuote = false;
  };
  const endRow = (): CsvRow | undefined => {
    endField();
    const got = fields;
    const reason: CsvReason | undefined = tooLong ? 'row_too_long' : badEncoding ? 'encoding' : undefined;
    fields = []; rowBytes = 0; tooLong = false; badEncoding = false; started = false;
    if (header) {
      header = false;
      onHeader(reason ? [] : got);
      return undefined;
    }
    if (!reason && got.length === 1 && got[0] === '') return undefined; // a blank line
    if (reason) return { line: rowLine, reason };
    if (got.length !== opts.columns) return { line: rowLine, reason: 'column_count' };
    return { line: rowLine, fields: got };
  };

  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let i = 0;
    if (bom && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
    bom = false;
    for (; i < buf.length; i++) {
      const b = buf[i];
      if (!started) { started = true; rowLine = line; }
      if (b === LF) line++;
      if (inQuotes) {
        if (b === QUOTE) { inQuotes = false; afterQuote = true; }
        else if (!tooLong) fieldBuf[flen++] = b;
      } else if (b === QUOTE && afterQuote) { inQuotes = true; if (!tooLong) fieldBuf[flen++] = QUOTE; } // "" inside quotes
      else if (b === QUOTE && flen === 0) inQuotes = true;
      else if (b === COMMA) { endField(); continue; }
      else if (b === LF) { const r = endRow(); if (r) yield r; continue; }
      else if (b === CR && buf[i + 1] === LF) continue;
      else if (!tooLong) fieldBuf[flen++] = b;
      if (++rowBytes > max && !tooLong) { tooLong = true; flen = 0; fields = []; }
    }
  }
  if (inQuotes) { yield { line: rowLine, reason: 'unterminated_quote' }; return; }
  if (started) { const r = endRow(); if (r) yield r; }
}
