/**
 * The permission matrix: every route of the real app, asked by every role (and by nobody), against what this table
 * says each role may do. The table is the specification, written by hand; a route missing from it fails the test,
 * so a new route cannot ship without someone deciding who may call it.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { buildTestApp } from './support/app.ts';
import { sessionAs } from './support/auth.ts';
import { ROLES } from '../modules/access/index.ts';
import { createApp, type App } from '../server/index.ts';

const ALL = Object.keys(ROLES);
const READ_METERS = ['admin', 'ami_operator', 'billing_clerk', 'field_crew', 'warehouse_keeper', 'call_centre_agent', 'auditor'];
const READ_STOCK = ['admin', 'field_crew', 'warehouse_keeper', 'auditor'];
const READ_PARTIES = ['admin', 'billing_clerk', 'cashier', 'cashier_supervisor', 'legal_officer', 'call_centre_agent', 'auditor'];
const READ_PLACES = ['admin', 'billing_clerk', 'cashier', 'cashier_supervisor', 'call_centre_agent', 'legal_officer', 'auditor', 'field_crew']; // registry.read = subscriptions.read
const MANAGE_PLACES = ['admin', 'billing_clerk', 'call_centre_agent']; // registry.manage = subscriptions.manage
const READ_WORKORDERS = ['admin', 'ami_operator', 'field_crew', 'call_centre_agent', 'auditor'];
const READ_LEDGER = ['admin', 'billing_clerk', 'cashier', 'cashier_supervisor', 'call_centre_agent', 'legal_officer', 'auditor'];
const READ_BILLING = ['admin', 'billing_clerk', 'auditor'];
const READ_COLLECTIONS = ['admin', 'billing_clerk', 'cashier', 'cashier_supervisor', 'auditor'];
const TAKE_PAYMENTS = ['admin', 'cashier', 'cashier_supervisor'];
const CANCEL_PAYMENTS = ['admin', 'cashier_supervisor'];
const BANK_CHANNEL = ['admin', 'bank_channel'];
const BACK_OFFICE = ['admin', 'billing_clerk']; // collections.statements, .direct_debit, .plans
const FIELD_SYNC = ['admin', 'field_crew'];

/** route -> roles allowed; 'public' needs no login; 'authenticated' any logged-in role. */
const MATRIX: Record<string, string[] | 'public' | 'authenticated'> = {
  'GET /health': 'public',
  'GET /metrics': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'public',
  'GET /api/v1/auth/me': 'authenticated',
  'POST /api/v1/auth/password': 'authenticated',
  'PUT /api/v1/users/:username/password': ['admin'],
  'PUT /api/v1/users/:username/status': ['admin'],
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'PUT /api/v1/users/:username/roles': ['admin'],
  'POST /api/v1/tokens': ['admin'],
  'DELETE /api/v1/tokens/:id': ['admin'],
  'GET /api/v1/audit': ['admin', 'auditor'],
  'GET /api/v1/meters': READ_METERS,
  'GET /api/v1/meters/:serial': READ_METERS,
  'GET /api/v1/meters/:serial/latest': READ_METERS,
  'GET /api/v1/meters/:serial/series': READ_METERS,
  'GET /api/v1/dead-letters': ['admin', 'ami_operator', 'auditor'],
  'POST /api/v1/meters/:serial/credentials': ['admin', 'ami_operator'],
  'DELETE /api/v1/meters/:serial/credentials': ['admin', 'ami_operator'],
  'POST /api/v1/meters/:serial/readings': ['admin', 'ami_operator'],
  'POST /api/v1/meters/:serial/events': ['admin', 'ami_operator'],
  'POST /api/v1/warehouses': ['admin'],
  'GET /api/v1/warehouses': READ_STOCK,
  'GET /api/v1/warehouses/:code/stock': READ_STOCK,
  'GET /api/v1/warehouses/:code/moves': READ_STOCK,
  'POST /api/v1/warehouses/:code/receipts': ['admin', 'warehouse_keeper'],
  'POST /api/v1/warehouses/:code/moves': ['admin', 'warehouse_keeper'],
  'POST /api/v1/warehouses/:code/issues': ['admin', 'warehouse_keeper'],
  'POST /api/v1/parties': ['admin', 'call_centre_agent'],
  'POST /api/v1/parties/:id/close': ['admin', 'call_centre_agent'],
  'GET /api/v1/parties': READ_PARTIES,
  'GET /api/v1/parties/:id': READ_PARTIES,
  'POST /api/v1/addresses': MANAGE_PLACES,
  'GET /api/v1/addresses': READ_PLACES,
  'GET /api/v1/addresses/:id': READ_PLACES,
  'POST /api/v1/premises': MANAGE_PLACES,
  'POST /api/v1/installations': MANAGE_PLACES,
  'GET /api/v1/installations/:id': READ_PLACES,
  'GET /api/v1/installations/nearest': READ_PLACES,
  'POST /api/v1/subscriptions': MANAGE_PLACES,
  'GET /api/v1/subscriptions/:id': READ_PLACES,
  'POST /api/v1/subscriptions/:id/events': MANAGE_PLACES,
  'POST /api/v1/subscriptions/:id/tariffs': MANAGE_PLACES,
  'POST /api/v1/installations/:id/meters': MANAGE_PLACES,
  'GET /api/v1/installations/:id/meters': READ_PLACES,
  'GET /api/v1/meter-history/:id': READ_PLACES,
  'POST /api/v1/subscriptions/within': READ_PLACES,
  'GET /api/v1/subscriptions/counts': READ_PLACES,
  'GET /api/v1/parties/:id/subscriptions': READ_PLACES,
  'GET /api/v1/meter-map': READ_METERS,
  'POST /api/v1/meter-map/within': READ_METERS,
  'GET /api/v1/meter-map/points': READ_METERS,
  'GET /api/v1/parties/by-address': READ_PARTIES,
  'GET /api/v1/parties/near': READ_PARTIES,
  'GET /api/v1/work-orders': READ_WORKORDERS,
  'GET /api/v1/work-orders/:id': READ_WORKORDERS,
  'GET /api/v1/work-orders/:id/photos/:photoId': READ_WORKORDERS,
  'POST /api/v1/work-orders': ['admin', 'ami_operator'],
  'POST /api/v1/work-orders/:id/assignment': ['admin', 'ami_operator'],
  'POST /api/v1/work-orders/:id/transitions': ['admin', 'ami_operator'],
  'POST /api/v1/work-orders/:id/start': ['admin', 'field_crew'],
  'POST /api/v1/work-orders/:id/complete': ['admin', 'field_crew'],
  'POST /api/v1/work-orders/:id/comments': ['admin', 'field_crew'],
  'POST /api/v1/work-orders/:id/photos': ['admin', 'field_crew'],
  'GET /api/v1/crews': READ_WORKORDERS,
  'POST /api/v1/crews': ['admin', 'ami_operator'],
  'PATCH /api/v1/crews/:code': ['admin', 'ami_operator'],
  'POST /api/v1/notices': ['admin', 'call_centre_agent'],
  'POST /api/v1/calibrations': ['admin', 'field_crew', 'warehouse_keeper'],
  'GET /api/v1/calibrations': READ_WORKORDERS,
  'GET /api/v1/gas-factors': READ_BILLING,
  'PUT /api/v1/gas-factors/:period': ['admin', 'billing_clerk'],
  'GET /api/v1/collections/debt': READ_COLLECTIONS,
  'POST /api/v1/collections/drawers': TAKE_PAYMENTS,
  'GET /api/v1/collections/drawers/current': TAKE_PAYMENTS,
  'GET /api/v1/collections/cashier-offices/me': TAKE_PAYMENTS,
  'GET /api/v1/collections/cashier-offices': CANCEL_PAYMENTS, // collections.offices: the supervisor's
  'PUT /api/v1/collections/cashier-offices/:cashier': CANCEL_PAYMENTS,
  'POST /api/v1/collections/drawers/:id/close': TAKE_PAYMENTS,
  'GET /api/v1/collections/drawers/:id/report': READ_COLLECTIONS,
  'GET /api/v1/collections/reports/daily': READ_COLLECTIONS,
  'POST /api/v1/collections/payments': TAKE_PAYMENTS,
  'GET /api/v1/collections/payments': READ_COLLECTIONS,
  'GET /api/v1/collections/payments/:id': READ_COLLECTIONS,
  'GET /api/v1/collections/payments/:id/receipt.pdf': READ_COLLECTIONS,
  'POST /api/v1/collections/payments/:id/cancel': CANCEL_PAYMENTS,
  'POST /api/v1/collections/offsets': TAKE_PAYMENTS,
  'POST /api/v1/collections/instalment-plans': BACK_OFFICE,
  'GET /api/v1/collections/instalment-plans/:id': READ_COLLECTIONS,
  'POST /api/v1/collections/instalment-plans/:id/cancel': BACK_OFFICE,
  'POST /api/v1/collections/instalment-plans/review': BACK_OFFICE,
  'POST /api/v1/collections/fixed-plans': BACK_OFFICE,
  'GET /api/v1/collections/fixed-plans/:id': READ_COLLECTIONS,
  'POST /api/v1/collections/fixed-plans/:id/true-up': BACK_OFFICE,
  'POST /api/v1/collections/fixed-plans/:id/cancel': BACK_OFFICE,
  'PUT /api/v1/collections/deposit-rates': BACK_OFFICE,
  'POST /api/v1/collections/deposit-exemptions': BACK_OFFICE,
  'POST /api/v1/collections/deposits': BACK_OFFICE,
  'GET /api/v1/collections/deposits/:id': READ_COLLECTIONS,
  'POST /api/v1/collections/deposits/carry': BACK_OFFICE,
  'POST /api/v1/collections/deposits/close': BACK_OFFICE,
  'POST /api/v1/collections/late-fee-runs': BACK_OFFICE,
  'POST /api/v1/collections/dunning-runs': BACK_OFFICE,
  'GET /api/v1/collections/dunning-notices': READ_COLLECTIONS,
  'POST /api/v1/bank-channels': ['admin'],
  'GET /api/v1/bank-channels': ['admin'],
  'GET /api/v1/bank/subscribers/:subscriberNo/debt': BANK_CHANNEL,
  'POST /api/v1/bank/payments': BANK_CHANNEL,
  'GET /api/v1/bank/payments/:reference': BANK_CHANNEL,
  'POST /api/v1/bank/cancellations': BANK_CHANNEL,
  'POST /api/v1/bank/reconciliation': BANK_CHANNEL,
  'POST /api/v1/bank/reconciliation.csv': BANK_CHANNEL,
  'POST /api/v1/statements': BACK_OFFICE,
  'POST /api/v1/statements.camt053': BACK_OFFICE,
  'POST /api/v1/statements.csv': BACK_OFFICE,
  'GET /api/v1/statements': BACK_OFFICE,
  'GET /api/v1/statements/:id': BACK_OFFICE,
  'GET /api/v1/suspense': BACK_OFFICE,
  'GET /api/v1/suspense/:id': BACK_OFFICE,
  'POST /api/v1/suspense/:id/match': BACK_OFFICE,
  'POST /api/v1/suspense/:id/refund': BACK_OFFICE,
  'POST /api/v1/field-sync': FIELD_SYNC,
  'PUT /api/v1/field-devices/:deviceId': ['admin'],
  'POST /api/v1/direct-debit/orders': BACK_OFFICE,
  'GET /api/v1/direct-debit/orders': BACK_OFFICE,
  'GET /api/v1/direct-debit/orders/:id': BACK_OFFICE,
  'POST /api/v1/direct-debit/orders/:id/approve': BACK_OFFICE,
  'POST /api/v1/direct-debit/orders/:id/activate': BACK_OFFICE,
  'POST /api/v1/direct-debit/orders/:id/cancel': BACK_OFFICE,
  'POST /api/v1/direct-debit/lists': BACK_OFFICE,
  'GET /api/v1/direct-debit/lists': BACK_OFFICE,
  'GET /api/v1/direct-debit/lists/:id': BACK_OFFICE,
  'POST /api/v1/direct-debit/lists/:id/results': BACK_OFFICE,
  'GET /api/v1/direct-debit/lists/:id/file.csv': BACK_OFFICE,
  'POST /api/v1/direct-debit/lists/:id/results.csv': BACK_OFFICE,
  'GET /api/v1/accounts/:id/statement': READ_LEDGER,
  'GET /api/v1/accounts/:id/open-items': READ_LEDGER,
  'GET /api/v1/accounts/:id/aging': READ_LEDGER,
  'POST /api/v1/accounts/:id/invoices': ['admin', 'billing_clerk'],
  'GET /api/v1/invoices/:number/pdf': READ_LEDGER,
  'GET /api/v1/tariffs': READ_BILLING,
  'GET /api/v1/tariffs/:code': READ_BILLING,
  'POST /api/v1/tariffs': ['admin', 'billing_clerk'],
  'POST /api/v1/tariffs/:code/versions': ['admin', 'billing_clerk'],
  'POST /api/v1/bill-runs': ['admin', 'billing_clerk'],
  'GET /api/v1/bill-runs': READ_BILLING,
  'GET /api/v1/bill-runs/:id': READ_BILLING,
  'GET /api/v1/accruals/outsorted': READ_BILLING,
  'GET /api/v1/accruals/:id': READ_BILLING,
  'POST /api/v1/accruals/:id/release': ['admin', 'billing_clerk'],
  'POST /api/v1/accruals/:id/rerate': ['admin', 'billing_clerk'],
  'POST /api/v1/accruals/:id/reverse': ['admin', 'billing_clerk'],
  'GET /api/v1/alarms': ['admin', 'ami_operator', 'field_crew', 'call_centre_agent', 'auditor'],
  'POST /api/v1/alarms/:id/acknowledge': ['admin', 'ami_operator'],
  'POST /api/v1/alarms/:id/clear': ['admin', 'ami_operator'],
  'GET /api/v1/rules': ['admin', 'ami_operator', 'field_crew', 'call_centre_agent', 'auditor'],
  'POST /api/v1/rules': ['admin', 'ami_operator'],
  // Any logged-in user may ask; each stream is served only with its permission (alarms.read, workorders.read).
  'GET /api/v1/feed': ['admin', 'ami_operator', 'field_crew', 'call_centre_agent', 'auditor'],
  'GET /api/v1/web-config': 'public',
  'GET /*': 'public', // the web console's files and its screens (SPA fallback); the API keeps its 404
};

const SAMPLE_PARAMS: Record<string, string> = { serial: 'NO-SUCH-METER', username: 'no-such-user', id: '999999', code: 'NO-SUCH-WH' };

describe('permission matrix: every route × every role, on the real app', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let app: App;
  const routes: Array<{ key: string; method: string; url: string }> = [];
  const cookies = new Map<string, string>();

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool, (r) => {
      if (r.url.startsWith('/docs')) return; // the OpenAPI pages: declared public by the guard
      for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ key: `${method} ${r.url}`, method, url: r.url });
    });
    for (const role of ALL) cookies.set(role, (await sessionAs(app, db.pool, [{ role }])).cookie);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('has an entry for every route the app serves, and no stale ones', () => {
    assert.deepEqual(routes.map((r) => r.key).sort(), Object.keys(MATRIX).sort());
  });

  it('lets exactly the listed roles through the guard, and nobody without a login', async () => {
    const wrong: string[] = [];
    // Logout revokes the session it is called with: it goes last, so the other routes see live sessions.
    const ordered = [...routes].sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
    for (const r of ordered) {
      const url = r.url.replace(/:(\w+)/g, (_, p) => SAMPLE_PARAMS[p] ?? 'x');
      const rule = MATRIX[r.key];
      const ask = (cookie?: string) => app.inject({ method: r.method as 'GET', url, headers: cookie ? { cookie } : {}, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      const anonymous = await ask();
      if (rule !== 'public' && anonymous.statusCode !== 401) wrong.push(`${r.key} anonymous -> ${anonymous.statusCode}`);
      for (const role of ALL) {
        const res = await ask(cookies.get(role));
        const allowed = rule === 'public' || rule === 'authenticated' || rule.includes(role);
        // The bank API's guard lets the role through; the route then wants a registered channel, which these users are not.
        const refused = res.statusCode === 401 || (res.statusCode === 403 && res.json().code !== 'ABONE_ERR_COLLECTIONS_BANK_CHANNEL_UNKNOWN');
        if (allowed === refused) wrong.push(`${r.key} as ${role} -> ${res.statusCode} ${res.body.slice(0, 80)}`);
        if (refused && res.json().code !== 'ABONE_ERR_AUTH_FORBIDDEN') wrong.push(`${r.key} as ${role}: ${res.json().code}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses to start when a route declares no permission', async () => {
    const bare = await createApp(db.pool);
    assert.throws(() => bare.get('/api/v1/forgotten', async () => ({})), /declares no permission/);
    await bare.close();
  });
});
