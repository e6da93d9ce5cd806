/** The shapes of the business screens' answers (work orders, registry, subscriptions, ledger, billing, access). */
export interface WorkOrder {
  id: number;
  type: string;
  status: string;
  priority: string;
  source: string;
  meterSerial: string | null;
  address: string | null;
  region: string | null;
  description: string | null;
  crew: string | null;
  createdAt: string;
  slaDueAt: string;
  onHoldSince: string | null;
  closedAt: string | null;
  breached: boolean;
}
export const WORK_ORDER_STATUSES = ['open', 'assigned', 'in_progress', 'on_hold', 'completed', 'cancelled'] as const;

export interface Crew {
  code: string;
  name: string;
  region: string;
  skills: string[];
  capacity: number;
  active: boolean;
  load: number;
}

export interface Party {
  id: number;
  kind: 'person' | 'organisation';
  name: string;
  nationalId: string | null;
  phone: string | null;
  email: string | null;
  masked: boolean;
  closedAt: string | null;
}

export interface PartySubscription {
  id: number;
  class: string;
  status: string;
  commodity: string;
  startedAt: string;
  endedAt: string | null;
  installationId: number;
  address: { il: string; ilce: string; mahalle: string; street: string; buildingNo: string; doorNo: string | null; coordinates: [number, number] };
  meter: { serial: string; status: string } | null;
  accountId: number | null;
}

export interface OpenItem {
  id: number;
  kind: string;
  period: string | null;
  dueDate: string;
  amount: string;
  open: string;
  invoiceNumber: string | null;
}

export interface Statement {
  openingBalance: string;
  closingBalance: string;
  lines: Array<{ entryId: number; kind: string; businessDate: string; description: string | null; debit: string; credit: string; balance: string }>;
}

export interface Alarm {
  id: number;
  type: string;
  severity: string;
  active: boolean;
  acknowledged: boolean;
  raisedAt: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  outcome: string;
}

export interface Tariff {
  code: string;
  revision: number;
  commodity: string;
  unit: string;
  name?: string;
  versions: Array<{ from: string; to?: string }>;
}

export interface BillRun {
  id: number;
  period: string;
  region: string | null;
  createdAt: string;
  finishedAt: string | null;
  shards: { total: number; done: number; claimed: number; pending: number };
  bills: number;
  posted: number;
  /** Held for review by the shards (the run's record). */
  outsorted: number;
  /** Still held for review now, after releases and re-rates. */
  awaitingReview: number;
  errors: number;
}

export interface Accrual {
  id: number;
  subscriptionId: number;
  period: string;
  runId: number | null;
  tariffCode: string | null;
  consumption: string | null;
  gross: string | null;
  state: string;
  outsortReason: string | null;
  outsortDetail: string | null;
}

export interface User {
  username: string;
  displayName: string;
  status: 'active' | 'disabled';
  roles: Array<{ role: string; regions: string[] | null; warehouses: string[] | null }>;
}

export interface RoleInfo {
  code: string;
  name: string;
  permissions: string[];
}

export interface MeterMapAnswer {
  mode: 'cells' | 'meters';
  total: number;
  truncated: boolean;
  items: Array<Array<number | string>>;
}

export interface MeterInPolygon {
  serial: string;
  commodity: string;
  state: string;
  installationId: number;
  coordinates: [number, number];
}
