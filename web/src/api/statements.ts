/** Shapes of the bank statement and suspense answers (modules/collections statement-routes). */
export interface StatementTotals {
  matched: string;
  suspense: string;
  matchedLines: number;
  suspenseLines: number;
  refusedLines: number;
}

export interface StatementSummary {
  id: number;
  format: 'camt053' | 'csv';
  accountIban: string;
  statementId: string;
  importedAt: string;
  actor: string;
  totals: StatementTotals;
}

export interface StatementLine {
  lineNo: number;
  reference: string;
  amount: string | null;
  bookingDate: string | null;
  outcome: 'matched' | 'suspense' | 'refused' | 'duplicate';
  matchedBy: 'invoice' | 'subscription' | 'iban' | null;
  accountId: number | null;
  paymentId: number | null;
  suspenseId: number | null;
  /** The server's English sentence; the console shows the text for `reasonCode` (statements/reason-text.ts). */
  reason: string | null;
  /** NULL for lines imported before there were codes. */
  reasonCode: string | null;
  reasonParams: Record<string, string | number> | null;
}

export interface StatementImport {
  id: number;
  format: 'camt053' | 'csv';
  accountIban: string;
  statementId: string;
  replayed: boolean;
  lines: StatementLine[];
  totals: StatementTotals & { duplicateLines: number };
}

export interface SuspenseItem {
  id: number;
  amount: string;
  bookingDate: string;
  statementId: string;
  lineNo: number;
  reference: string;
  /** Masked by the server. */
  payerIban: string | null;
  payerName: string | null;
  remittance: string | null;
  reason: string;
  reasonCode: string | null;
  reasonParams: Record<string, string | number> | null;
  status: 'open' | 'matched' | 'refunded';
}
