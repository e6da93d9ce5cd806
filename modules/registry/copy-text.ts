/**
 * Rows to PostgreSQL's COPY text format, and a COPY into a table on a client inside the caller's transaction: the
 * bulk path of imports. Values are escaped here (backslash, tab, newline, carriage return), so no text ever becomes
 * SQL or breaks a row; null is \N.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export type CopyValue = string | number | boolean | null | undefined;

const escape = (v: CopyValue): string => {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
};

export function copyLine(values: CopyValue[]): string {
  return values.map(escape).join('\t') + '\n';
}

/** COPY `rows` into `table (columns)` on `client`, in chunks of ~256 KiB of text. */
export async function copyRows(client: pg.PoolClient | pg.Client, table: string, columns: string[], rows: Iterable<CopyValue[]>): Promise<void> {
  function* chunks() {
    let text = '';
    for (const r of rows) {
      text += copyLine(r);
      if (text.length > 256 * 1024) {
        yield text;
        text = '';
      }
    }
    if (text) yield text;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}
