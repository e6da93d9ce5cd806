/**
 * The direct debit files as banks exchange them, in CSV (UTF-8, `;`, a header). The collection list the bank debits:
 *
 *   line;reference;subscriber;iban;amount;due_date
 *   1;14-1;100234;TR900001200000000000777777;400.00;2026-02-10
 *
 * and the result file it sends back, one row per line it answers (columns in any order, `;` or `,`):
 *
 *   line;status;reason_code;reason
 *   1;paid;;
 *   2;failed;INSUFFICIENT_FUNDS;Yetersiz bakiye
 *
 * `reference` is `<list id>-<line>`, the reference of the payment a paid line becomes. The result file is read whole
 * before anything is applied: a malformed one is refused with ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID.
 */
import { AboneError } from '../../platform/errors.ts';
import { splitCsv } from './csv-statement-rows.ts';
import type { CollectionList, ResultLine } from './direct-debit-list.ts';

export const DD_LIST_HEADER = 'line;reference;subscriber;iban;amount;due_date';
export const DD_RESULT_COLUMNS = ['line', 'status', 'reason_code', 'reason'] as const;
const MAX_CHARS = 8 * 1024 * 1024;

const invalid = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID', { reason });

export function collectionListCsv(list: CollectionList): string {
  const rows = list.lines.map((l) => [l.line, `${list.id}-${l.line}`, l.subscriptionId, l.payerIban, l.amount, list.dueDate].join(';'));
  return [DD_LIST_HEADER, ...rows].join('\r\n') + '\r\n';
}

export function parseResultCsv(content: string): ResultLine[] {
  if (typeof content !== 'string' || content.trim() === '') throw invalid('the file is empty');
  if (content.length > MAX_CHARS) throw invalid(`the file is larger than ${MAX_CHARS} characters`);
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const rows = splitCsv(text, firstLine.includes(';') ? ';' : ',', invalid);
  const header = rows.shift()!.fields.map((h) => h.trim().toLowerCase());
  const col = Object.fromEntries(DD_RESULT_COLUMNS.map((c) => [c, header.indexOf(c)]));
  if (col.line < 0 || col.status < 0) throw invalid(`the header needs line and status (${DD_RESULT_COLUMNS.join(';')})`);
  const lines: ResultLine[] = [];
  for (const row of rows) {
    if (row.fields.length === 1 && row.fields[0].trim() === '') continue;
    if (row.fields.length !== header.length) throw invalid(`file line ${row.line}: ${row.fields.length} fields, the header has ${header.length}`);
    const f = (name: string) => (col[name] >= 0 ? row.fields[col[name]].trim() : '');
    const line = f('line');
    if (!/^[1-9]\d{0,8}$/.test(line)) throw invalid(`file line ${row.line}: line must be a line number of the list`);
    const status = f('status').toLowerCase();
    if (status !== 'paid' && status !== 'failed') throw invalid(`file line ${row.line}: status must be paid or failed`);
    const reasonCode = f('reason_code') || undefined;
    const reason = f('reason') || undefined;
    lines.push({ line: Number(line), status, ...(reasonCode !== undefined && { reasonCode }), ...(reason !== undefined && { reason }) });
  }
  if (!lines.length) throw invalid('it holds no lines');
  return lines;
}
