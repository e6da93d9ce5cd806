/** Shapes of the direct debit answers (modules/collections direct-debit-routes): IBANs arrive masked. */
export const ORDER_STATUSES = ['requested', 'approved', 'active', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface DirectDebitOrder {
  id: number;
  subscriptionId: string;
  accountId: number;
  bank: string;
  /** Masked by the server. */
  payerIban: string;
  status: OrderStatus;
  bankReference: string | null;
  requestedAt: string;
  approvedAt: string | null;
  activatedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  events: Array<{ status: string; detail: string | null; actor: string; at: string }>;
}

export interface ListTotals {
  lines: number;
  total: string;
  paidLines: number;
  paid: string;
  failedLines: number;
  failed: string;
  waitingLines: number;
}

export interface ListSummary {
  id: number;
  bank: string;
  dueDate: string;
  createdAt: string;
  actor: string;
  totals: ListTotals;
}

export interface ListLine {
  line: number;
  orderId: number;
  subscriptionId: string;
  accountId: number;
  itemId: number;
  amount: string;
  /** Masked by the server. */
  payerIban: string;
  result: { outcome: 'paid' | 'failed'; reasonCode: string | null; reason: string | null; paymentId: number | null } | null;
}

export interface CollectionList {
  id: number;
  bank: string;
  dueDate: string;
  createdAt: string;
  actor: string;
  total: string;
  lines: ListLine[];
  totals: ListTotals;
}

/** What a result file did to each line it named: recorded now, had it already, or a different answer refused. */
export interface ResultAnswer {
  line: number;
  status: 'recorded' | 'unchanged' | 'conflict';
  outcome: 'paid' | 'failed';
  paymentId: number | null;
}
