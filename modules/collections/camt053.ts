/**
 * CAMT.053 (ISO 20022 BankToCustomerStatement, any version from .001.02 on): each `Stmt` is a statement of one account,
 * each booked credit `Ntry` (CdtDbtInd CRDT, status BOOK, not a reversal) becomes a line, or one line per `TxDtls` when
 * the bank batched several transfers into one entry. Debits, pending entries and reversals are not collections and
 * are left out. TRY only: a line in another currency is refused on its own line.
 *
 * Where each field comes from (TxDtls first, then its Ntry):
 *   reference    Refs/AcctSvcrRef, Ntry/AcctSvcrRef (+ "/n" per batched transfer), Refs/EndToEndId, Ntry/NtryRef,
 *                else "<statement id>/<line no>"
 *   amount       TxDtls/Amt, TxDtls/AmtDtls/TxAmt/Amt, Ntry/Amt (attribute Ccy)
 *   date         Ntry/BookgDt/Dt or /DtTm
 *   payer IBAN   RltdPties/DbtrAcct/Id/IBAN;  payer name RltdPties/Dbtr/Nm (or Dbtr/Pty/Nm)
 *   remittance   RmtInf/Ustrd (all of them, joined) and RmtInf/Strd/CdtrRefInf/Ref
 */
import { child, children, parseXml, textAt, type XmlElement } from './camt053-xml.ts';
import {
  checkAccountIban, checkStatementId, cleanText, lineReference, MAX_STATEMENT_CHARS, MAX_STATEMENT_LINES, normaliseIban, parseStatementDate, refuseStatement,
  type ParsedStatement, type StatementLine,
} from './statement-line.ts';
import { statementReason } from './statement-reasons.ts';

export function parseCamt053(xml: string): ParsedStatement[] {
  if (typeof xml !== 'string' || xml.trim() === '') throw refuseStatement('the file is empty');
  if (xml.length > MAX_STATEMENT_CHARS) throw refuseStatement(`the file is larger than ${MAX_STATEMENT_CHARS} characters`);
  const root = parseXml(xml);
  const body = root.name === 'Document' ? child(root, 'BkToCstmrStmt') : undefined;
  if (!body) throw refuseStatement('not a CAMT.053 document (Document/BkToCstmrStmt)');
  const statements = children(body, 'Stmt');
  if (!statements.length) throw refuseStatement('the document holds no statement (Stmt)');
  const parsed = statements.map(statement);
  const ids = new Set(parsed.map((s) => `${s.accountIban} ${s.statementId}`));
  if (ids.size !== parsed.length) throw refuseStatement('the document holds the same statement twice');
  return parsed;
}

function statement(stmt: XmlElement): ParsedStatement {
  const statementId = checkStatementId(textAt(stmt, 'Id'));
  const accountIban = checkAccountIban(textAt(stmt, 'Acct', 'Id', 'IBAN'));
  const lines: StatementLine[] = [];
  for (const ntry of children(stmt, 'Ntry')) {
    if (textAt(ntry, 'CdtDbtInd') !== 'CRDT' || textAt(ntry, 'RvslInd') === 'true') continue;
    const status = textAt(ntry, 'Sts') ?? textAt(ntry, 'Sts', 'Cd');
    if (status !== undefined && status !== 'BOOK') continue;
    const txs = children(ntry, 'NtryDtls').flatMap((d) => children(d, 'TxDtls'));
    const batched = txs.length > 1;
    (batched ? txs : [txs[0]]).forEach((tx, k) => {
      if (tx && textAt(tx, 'CdtDbtInd') === 'DBIT') return;
      if (lines.length >= MAX_STATEMENT_LINES) throw refuseStatement(`more than ${MAX_STATEMENT_LINES} lines`);
      lines.push(line(statementId, lines.length + 1, ntry, tx, batched ? k + 1 : undefined));
    });
  }
  return { format: 'camt053', statementId, accountIban, lines };
}

function line(statementId: string, lineNo: number, ntry: XmlElement, tx: XmlElement | undefined, part: number | undefined): StatementLine {
  const entryRef = textAt(ntry, 'AcctSvcrRef');
  const endToEndId = textAt(tx, 'Refs', 'EndToEndId');
  const ref = textAt(tx, 'Refs', 'AcctSvcrRef') ?? (entryRef && (part ? `${entryRef}/${part}` : entryRef)) ?? (endToEndId !== 'NOTPROVIDED' ? endToEndId : undefined) ?? textAt(ntry, 'NtryRef');
  const dated = textAt(ntry, 'BookgDt', 'Dt') ?? textAt(ntry, 'BookgDt', 'DtTm');
  // A real day, not only its shape: 2026-02-30 would otherwise reach the date column and fail the whole statement.
  const bookingDate = dated && /^\d{4}-\d{2}-\d{2}/.test(dated) ? parseStatementDate(dated.slice(0, 10)) : undefined;
  const amt = (part ? child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt') : undefined) ?? child(tx, 'Amt') ?? child(ntry, 'Amt');
  const parties = child(tx, 'RltdPties');
  const remittance = [...children(child(tx, 'RmtInf'), 'Ustrd').map((u) => u.text), ...children(child(tx, 'RmtInf'), 'Strd').map((s) => textAt(s, 'CdtrRefInf', 'Ref') ?? '')].join(' ');
  const base: StatementLine = {
    lineNo,
    reference: lineReference(ref, statementId, lineNo),
    bookingDate,
    payerIban: normaliseIban(textAt(parties, 'DbtrAcct', 'Id', 'IBAN')),
    payerName: cleanText(textAt(parties, 'Dbtr', 'Nm') ?? textAt(parties, 'Dbtr', 'Pty', 'Nm'), 140),
    remittance: cleanText(remittance, 500),
    endToEndId: endToEndId && endToEndId !== 'NOTPROVIDED' ? cleanText(endToEndId, 100) : undefined,
  };
  if (!bookingDate) return { ...base, refused: dated ? statementReason('DATE_INVALID', { raw: cleanText(dated, 30) ?? '?' }) : statementReason('DATE_MISSING') };
  if (!amt) return { ...base, refused: statementReason('AMOUNT_MISSING') };
  if (amt.attrs.Ccy !== 'TRY') {
    const currency = cleanText(amt.attrs.Ccy, 3);
    return { ...base, refused: currency === undefined ? statementReason('CURRENCY_MISSING') : statementReason('CURRENCY', { currency }) };
  }
  const value = amt.text.trim();
  const m = /^(\d{1,16})(?:\.(\d{1,5}))?$/.exec(value);
  if (!m || /[1-9]/.test((m[2] ?? '').slice(2))) return { ...base, refused: badAmount(value) };
  const amount = `${m[1].replace(/^0+(?=\d)/, '')}.${(m[2] ?? '').slice(0, 2).padEnd(2, '0')}`;
  if (/^0+\.00$/.test(amount)) return { ...base, refused: statementReason('AMOUNT_ZERO') };
  return { ...base, amount };
}

/** Why an amount CAMT.053 allows (digits, a point, at most two significant decimals) was refused, said precisely. */
function badAmount(value: string) {
  const raw = cleanText(value, 30);
  if (raw === undefined) return statementReason('AMOUNT_MISSING');
  const digits = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!digits) return statementReason('AMOUNT_NOT_NUMBER', { raw });
  if (digits[1].length > 16) return statementReason('AMOUNT_TOO_LARGE');
  return statementReason('AMOUNT_DECIMALS', { raw });
}
