/**
 * Permissions and the default roles, as data. At start-up `syncCatalogue` adds what is missing to the database:
 * new permissions, new roles with their defaults, and every permission to `admin`. It never removes a grant an
 * administrator made or took away, so roles stay the utility's to shape. A context that adds routes adds its
 * permissions here.
 */
import type pg from 'pg';

export const PERMISSIONS = {
  'meters.read': 'See meters, their latest values and series',
  'meters.manage': 'Register meters and models, change how they communicate',
  'devices.credentials': 'Issue, rotate and revoke meters\' MQTT credentials',
  'ingest.dead_letters.read': 'See rejected payloads and why',
  'readings.write': 'Post readings and meter events over HTTP (integrations, hand-entered reads)',
  'users.manage': 'Create users, grant roles and scopes, issue API tokens',
  'audit.read': 'Read the audit trail',
  'pii.reveal': 'See personal data (TCKN, VKN, IBAN, phone) in full; every showing is audited',
  'parties.read': 'See parties (subscribers), personal data masked',
  'parties.manage': 'Create and change parties',
  'warehouse.stock.read': 'See meters in stock, per warehouse in scope',
  'warehouse.stock.move': 'Receive meters into, and move them out of, warehouses in scope',
  'warehouse.manage': 'Create warehouses and set their region',
  'registry.read': 'See addresses, premises and installations, and ask spatial questions about them',
  'registry.manage': 'Create addresses, premises and installations; import address files',
  'subscriptions.read': 'See subscriptions, their lifecycle, tariffs and meters fitted, and query them on the map',
  'subscriptions.manage': 'Move-in, move-out, transfer, freeze, cut-off, reconnect, cancel; assign tariffs; install and exchange meters',
  'workorders.read': 'See work orders, their trail and photos, crews and calibrations',
  'workorders.manage': 'Create, route, assign, reassign and move work orders through any allowed status; manage crews',
  'workorders.field': 'Start, comment on, photograph and complete the work orders assigned to your own crew',
  'calibration.record': 'Record meter calibration results (a failed one opens a replacement order)',
  'notices.create': 'Take call-centre notices (ihbar) that open work orders',
  'ledger.read': 'See current accounts: statements, open items, aging, invoices',
  'ledger.invoice': 'Issue bulk invoices over a current account\'s open accruals',
  'billing.read': 'See bill runs and their progress, accruals and the bills held for review',
  'billing.run': 'Start bill runs, release or re-rate outsorted bills, reverse and re-accrue accruals',
  'tariffs.manage': 'Create tariffs and add their versions',
  'alarms.read': 'See alarms and the rules that raise them',
  'alarms.manage': 'Acknowledge and clear alarms',
  'rules.manage': 'Write rules: new rules and new versions of existing ones',
  'collections.read': 'See payments, receipts, drawer sessions and daily close reports',
  'collections.take': 'Take payments at the cashier desk (cash, card, card instalments, offset) and open and close your own drawer',
  'collections.cancel': 'Cancel a same-day desk payment (supervisor); every cancellation is audited',
  'collections.offices': 'Assign cashiers to the offices where their drawers open (supervisor); audited',
  'collections.bank': 'The bank and PTT channel: debt inquiry, payment, cancellation and reconciliation as the calling bank',
  'collections.statements': 'Import bank statements (CAMT.053, CSV) and match or refund what waits in suspense',
  'collections.direct_debit': 'Manage direct debit orders, send due-date collection lists and read their result files',
  'collections.plans': 'Instalment plans, fixed payment plans and security deposits',
  'collections.field_sync': 'Sync payments taken offline on a field device',
} as const;

export type Permission = keyof typeof PERMISSIONS;
/** What a route declares when it needs no login (health checks, metrics scraping, login itself). */
export const PUBLIC = 'public';
export type RoutePermission = Permission | typeof PUBLIC;

export const ROLES: Record<string, { name: string; permissions: Permission[] }> = {
  admin: { name: 'Administrator', permissions: Object.keys(PERMISSIONS) as Permission[] },
  ami_operator: { name: 'AMI operator', permissions: ['meters.read', 'meters.manage', 'devices.credentials', 'ingest.dead_letters.read', 'readings.write', 'workorders.read', 'workorders.manage', 'alarms.read', 'alarms.manage', 'rules.manage'] },
  billing_clerk: { name: 'Billing clerk', permissions: ['meters.read', 'parties.read', 'ledger.read', 'ledger.invoice', 'registry.read', 'subscriptions.read', 'registry.manage', 'subscriptions.manage', 'billing.read', 'billing.run', 'tariffs.manage', 'collections.read', 'collections.statements', 'collections.direct_debit', 'collections.plans'] },
  cashier: { name: 'Cashier', permissions: ['parties.read', 'ledger.read', 'registry.read', 'subscriptions.read', 'collections.read', 'collections.take'] },
  cashier_supervisor: { name: 'Cashier supervisor', permissions: ['parties.read', 'ledger.read', 'registry.read', 'subscriptions.read', 'collections.read', 'collections.take', 'collections.cancel', 'collections.offices'] },
  bank_channel: { name: 'Bank or PTT channel (API)', permissions: ['collections.bank'] },
  field_crew: { name: 'Field crew', permissions: ['meters.read', 'warehouse.stock.read', 'workorders.read', 'workorders.field', 'calibration.record', 'registry.read', 'subscriptions.read', 'alarms.read', 'collections.field_sync'] },
  warehouse_keeper: { name: 'Warehouse keeper', permissions: ['meters.read', 'warehouse.stock.read', 'warehouse.stock.move', 'calibration.record'] },
  legal_officer: { name: 'Legal officer', permissions: ['parties.read', 'pii.reveal', 'ledger.read', 'registry.read', 'subscriptions.read'] },
  call_centre_agent: { name: 'Call-centre agent', permissions: ['parties.read', 'parties.manage', 'meters.read', 'workorders.read', 'notices.create', 'ledger.read', 'registry.read', 'subscriptions.read', 'registry.manage', 'subscriptions.manage', 'alarms.read'] },
  auditor: { name: 'Read-only auditor', permissions: ['meters.read', 'parties.read', 'audit.read', 'ingest.dead_letters.read', 'warehouse.stock.read', 'workorders.read', 'ledger.read', 'registry.read', 'subscriptions.read', 'billing.read', 'alarms.read', 'collections.read'] },
};

/**
 * Each default grant is applied once (recorded in `role_default_grant`): a new permission a release gives a built-in
 * role reaches existing databases, and a grant an administrator removed stays removed. `admin` always holds everything.
 */
export async function syncCatalogue(pool: pg.Pool, catalogue: { permissions: Record<string, string>; roles: typeof ROLES } = { permissions: PERMISSIONS, roles: ROLES }): Promise<void> {
  const perms = Object.entries(catalogue.permissions);
  await pool.query(
    `INSERT INTO permission (code, description) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description`,
    [perms.map((p) => p[0]), perms.map((p) => p[1])],
  );
  const roles = Object.entries(catalogue.roles);
  await pool.query('INSERT INTO role (code, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [roles.map((r) => r[0]), roles.map((r) => r[1].name)]);
  const pairs = roles.flatMap(([code, role]) => role.permissions.map((p) => [code, p] as const));
  await pool.query(
    `WITH fresh AS (
       INSERT INTO role_default_grant (role, permission) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING role, permission)
     INSERT INTO role_permission (role, permission) SELECT role, permission FROM fresh ON CONFLICT DO NOTHING`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  await pool.query(`INSERT INTO role_permission (role, permission) SELECT 'admin', code FROM permission ON CONFLICT DO NOTHING`);
}
