/**
 * The reconciliation file a bank or the PTT sends (docs/collections.md, "Reconciliation (mutabakat)"): UTF-8 text,
 * a header line `reference,subscriber,amount,date`, then one payment per line, fields separated by commas, no quoting
 * (references with a comma or a quote go in the JSON form instead), the amount with a point and at most two decimals,
 * every date the day being reconciled. CRLF or LF; a byte-order mark and empty lines at the end are tolerated.
 * Anything else is refused with the line number; nothing is ever written.
 */
import { AboneError } from '../../platform/errors.ts';
import { checkBankLines, MAX_LINES, type BankLine } from './reconciliation.ts';

export const RECONCILIATION_HEADER = 'reference,subscriber,amount,date';

const invalid = (line: number, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID', { line, reason });

export function parseReconciliationCsv(text: string, date: string): BankLine[] {
  if (typeof text !== 'string') throw invalid(0, 'the file must be text (Content-Type: text/csv)');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines[0]?.trim().toLowerCase() !== RECONCILIATION_HEADER) throw invalid(1, `the first line must be the header ${RECONCILIATION_HEADER}`);
  if (lines.length - 1 > MAX_LINES) throw invalid(MAX_LINES + 2, `at most ${MAX_LINES} payments per file`);
  const rows = lines.slice(1).map((line, i) => {
    const n = i + 2;
    const fields = line.split(',');
    if (fields.length !== 4) throw invalid(n, `4 fields separated by commas, found ${fields.length}`);
    const [reference, subscriberNo, amount, day] = fields.map((f) => f.trim());
    if (day !== date) throw invalid(n, `date ${day.slice(0, 20)} is not the day reconciled, ${date}`);
    return { reference, subscriberNo, amount };
  });
  return checkBankLines(rows, 2);
}
