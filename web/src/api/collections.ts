/** The shapes of the cashier desk's answers (modules/collections/desk-routes.ts), as the console reads them. */
export const DESK_METHODS = ['cash', 'card', 'card_instalment'] as const;
export type DeskMethod = (typeof DESK_METHODS)[number];

export interface MethodTotal {
  channel: string;
  count: number;
  total: string;
}

export interface DrawerReport {
  drawerId: number;
  office: string;
  cashier: string;
  businessDate: string;
  openingFloat: string;
  byMethod: MethodTotal[];
  cancelled: MethodTotal[];
  expectedCash: string;
  countedCash: string | null;
  difference: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

export interface Drawer {
  id: number;
  office: string;
  cashier: string;
  businessDate: string;
  openingFloat: string;
  openedAt: string;
  report: DrawerReport;
}

export interface DebtLine {
  itemId: number;
  kind: string;
  period: string | null;
  dueDate: string;
  invoiceNumber: string | null;
  open: string;
  lateFee: string;
  payable: string;
}

export interface Debt {
  subscriptionId: string;
  accountId: number;
  asOf: string;
  items: DebtLine[];
  totalOpen: string;
  totalLateFee: string;
  totalPayable: string;
}

export interface Payment {
  id: number;
  subscriptionId: string;
  channel: string;
  source: string;
  amount: string;
  businessDate: string;
  instalments: number | null;
  receiptNo: string | null;
  actor: string;
  takenAt: string;
  allocations?: Array<{ itemId: number; kind: string; amount: string }>;
  unallocated?: string;
  /** The list route says whether; a single payment says when, by whom and why. */
  cancelled: boolean | { at: string; by: string; reason: string } | null;
  replayed?: boolean;
}

/** The daily close of one day: every drawer opened that day (of one office or all), with its report. */
export interface DailyReport {
  date: string;
  office: string | null;
  drawers: DrawerReport[];
  byMethod: MethodTotal[];
  cancelled: MethodTotal[];
}
