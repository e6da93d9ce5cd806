/**
 * Why a statement line was refused, left in suspense or reported as a duplicate: a stable code with its parameters,
 * which the console words in the clerk's language, and the English sentence for logs and API users. Both are made
 * here from the same code and parameters, so they cannot disagree. The codes are a contract (docs/collections.md,
 * "Reason codes", lists them; the console has a text for each): add codes, never rename one.
 */
export const STATEMENT_REASON_CODES = [
  'FIELD_COUNT',
  'DATE_MISSING',
  'DATE_INVALID',
  'CURRENCY',
  'CURRENCY_MISSING',
  'AMOUNT_MISSING',
  'AMOUNT_AMBIGUOUS',
  'AMOUNT_NOT_NUMBER',
  'AMOUNT_DECIMALS',
  'AMOUNT_TOO_LARGE',
  'AMOUNT_ZERO',
  'NOT_BOOKABLE',
  'DUPLICATE',
  'NAMES_SEVERAL',
  'NO_REFERENCE_NO_IBAN',
  'PAYER_UNKNOWN',
  'PAYER_AMBIGUOUS',
] as const;

export type StatementReasonCode = (typeof STATEMENT_REASON_CODES)[number];

/** Plain values only (stored as a jsonb object). `fileLine`, when present, is the CSV file line the reason is about. */
export type StatementReasonParams = Readonly<Record<string, string | number>>;

export interface StatementReason {
  code: StatementReasonCode;
  params: StatementReasonParams;
  /** The English sentence, as the API gave it before there were codes. */
  text: string;
}

const NO_REFERENCE = 'no reference in the text';

const ENGLISH: Record<StatementReasonCode, (p: StatementReasonParams) => string> = {
  FIELD_COUNT: (p) => `${p.fields} fields, the header has ${p.expected}`,
  DATE_MISSING: () => 'no booking date',
  DATE_INVALID: (p) => `date ${p.raw} is not YYYY-MM-DD or DD.MM.YYYY`,
  CURRENCY: (p) => `currency ${p.currency}: only TRY is collected`,
  CURRENCY_MISSING: () => 'currency missing: only TRY is collected',
  AMOUNT_MISSING: () => 'no amount',
  AMOUNT_AMBIGUOUS: (p) => `amount ${p.raw} is ambiguous (thousands or decimals?)`,
  AMOUNT_NOT_NUMBER: (p) => `amount ${p.raw} is not a number`,
  AMOUNT_DECIMALS: (p) => `amount ${p.raw} is not TRY with at most two decimals`,
  AMOUNT_TOO_LARGE: () => 'amount too large',
  AMOUNT_ZERO: () => 'amount is zero',
  NOT_BOOKABLE: () => 'not bookable',
  DUPLICATE: (p) => `already booked from statement ${p.statementId}`,
  NAMES_SEVERAL: (p) => `the text names ${p.count} subscribers`,
  NO_REFERENCE_NO_IBAN: () => `${NO_REFERENCE} and no payer IBAN`,
  PAYER_UNKNOWN: () => `${NO_REFERENCE}; the payer IBAN is not a known party's`,
  PAYER_AMBIGUOUS: () => `${NO_REFERENCE}; the payer IBAN pays for several subscriptions`,
};

export function statementReason(code: StatementReasonCode, params: StatementReasonParams = {}): StatementReason {
  const text = ENGLISH[code](params);
  return { code, params, text: params.fileLine === undefined ? text : `file line ${params.fileLine}: ${text}` };
}

/** The same reason, said of a CSV file line (the line a clerk looks for in the bank's file). */
export const onFileLine = (r: StatementReason, fileLine: number): StatementReason => statementReason(r.code, { ...r.params, fileLine });
