/**
 * CSV bank statements, for banks that send no CAMT.053. The file has a header naming the columns (any order, any
 * case): `date`, `amount`, `reference`, `iban`, `description`, and optionally `currency`. Separator `;` (the usual one
 * in Turkey, where the decimal mark is a comma) or `,`, chosen by the header; fields may be quoted ("", RFC 4180);
 * UTF-8 with or without BOM. The statement's own id and account IBAN are not in the file: the importer gives them.
 *
 *   date;amount;reference;iban;description
 *   05.01.2026;1.250,40;EFT-000123;TR330006100519786457841326;ABONE NO 100234 OCAK FATURASI
 *
 * A positive amount is a credit (a collection); a negative one is a debit and is left out. A line with an unreadable
 * date or amount, or another currency, is refused on its own line; a missing column or a broken quote refuses the file.
 */
import { splitCsv } from './csv-statement-rows.ts';
import {
  checkAccountIban, checkStatementId, cleanText, lineReference, MAX_STATEMENT_CHARS, MAX_STATEMENT_LINES, normaliseIban, parseStatementAmount,
  parseStatementDate, refuseStatement, type ParsedStatement, type StatementLine,
} from './statement-line.ts';
import { onFileLine, statementReason, type StatementReason } from './statement-reasons.ts';

export const CSV_STATEMENT_COLUMNS = ['date', 'amount', 'reference', 'iban', 'description'] as const;

export function parseCsvStatement(content: string, statement: { statementId: string; accountIban: string }): ParsedStatement {
  const statementId = checkStatementId(statement?.statementId);
  const accountIban = checkAccountIban(statement?.accountIban);
  if (typeof content !== 'string' || content.trim() === '') throw refuseStatement('the file is empty');
  if (content.length > MAX_STATEMENT_CHARS) throw refuseStatement(`the file is larger than ${MAX_STATEMENT_CHARS} characters`);
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (text.includes('\ufffd')) throw refuseStatement('the file is not UTF-8 (it holds replacement characters)');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = firstLine.includes(';') ? ';' : ',';
  const rows = splitCsv(text, sep, refuseStatement);
  const header = rows.shift()!.fields.map((h) => h.trim().toLowerCase());
  const col = Object.fromEntries([...CSV_STATEMENT_COLUMNS, 'currency'].map((c) => [c, header.indexOf(c)]));
  const missing = CSV_STATEMENT_COLUMNS.filter((c) => col[c] === -1);
  if (missing.length) throw refuseStatement(`the CSV header lacks ${missing.join(', ')} (it needs ${CSV_STATEMENT_COLUMNS.join(sep)})`);
  if (new Set(header).size !== header.length) throw refuseStatement('the CSV header names a column twice');

  const lines: StatementLine[] = [];
  for (const row of rows) {
    if (row.fields.length === 1 && row.fields[0].trim() === '') continue;
    if (lines.length >= MAX_STATEMENT_LINES) throw refuseStatement(`more than ${MAX_STATEMENT_LINES} lines`);
    const lineNo = lines.length + 1;
    const f = (name: string) => (col[name] >= 0 ? row.fields[col[name]] : undefined);
    const base: StatementLine = {
      lineNo,
      reference: lineReference(f('reference'), statementId, lineNo),
      payerIban: normaliseIban(f('iban')),
      remittance: cleanText(f('description'), 500),
    };
    // Every refusal names the file line, which is what a clerk looks for in the bank's file.
    const refuse = (line: StatementLine, reason: StatementReason) => lines.push({ ...line, refused: onFileLine(reason, row.line) });
    if (row.fields.length !== header.length) {
      refuse(base, statementReason('FIELD_COUNT', { fields: row.fields.length, expected: header.length }));
      continue;
    }
    const amount = parseStatementAmount(f('amount') ?? '');
    if ('value' in amount && amount.negative) continue; // a debit: not a collection, not a line of ours
    const bookingDate = parseStatementDate(f('date'));
    const currency = f('currency')?.trim().toUpperCase();
    const line = { ...base, bookingDate };
    const rawDate = cleanText(f('date'), 20);
    if (!bookingDate) refuse(line, rawDate === undefined ? statementReason('DATE_MISSING') : statementReason('DATE_INVALID', { raw: rawDate }));
    else if (currency && currency !== 'TRY' && currency !== 'TL') refuse(line, statementReason('CURRENCY', { currency: cleanText(currency, 3) ?? '?' }));
    else if ('reason' in amount) refuse(line, amount.reason);
    else if (/^0+\.00$/.test(amount.value)) refuse(line, statementReason('AMOUNT_ZERO'));
    else lines.push({ ...line, amount: amount.value });
  }
  return { format: 'csv', statementId, accountIban, lines };
}
