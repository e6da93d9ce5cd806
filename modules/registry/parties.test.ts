import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { maskIban, maskPhone, maskTckn } from '../../platform/pii.ts';
import { ROLES } from '../access/index.ts';
import { breakCheckDigit, makeIban, makePhone, makeTckn, makeVkn } from './test-fixtures.ts';

const READERS = Object.keys(ROLES).filter((r) => ROLES[r].permissions.includes('parties.read'));

describe('parties over HTTP: masking, reveal, the audit trail of reads, refusals', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let agent: { cookie: string; username: string };
  let admin: { cookie: string; username: string };
  const tckn = makeTckn();
  const phone = makePhone();
  const iban = makeIban();
  const email = 'ayse.yilmaz@example.com.tr';
  let id: number;

  const call = (who: { cookie: string }, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: { cookie: who.cookie } });
  const count = async (table: string) => (await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n as number;
  const trail = async (partyId: number) => (await call(admin, 'GET', `/api/v1/audit?entity=party&entityId=${partyId}`)).json().items as Array<{ actor: string; action: string; outcome: string; detail: any }>;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    agent = await sessionAs(app, db.pool, [{ role: 'call_centre_agent' }]);
    admin = await sessionAs(app, db.pool, [{ role: 'admin' }]);
    const res = await call(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'Ayşe Yılmaz', nationalId: tckn, phone: phone.typed, email, iban: iban.replace(/(.{4})/g, '$1 '), smsConsent: true });
    assert.equal(res.statusCode, 201, res.body);
    id = res.json().id;
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('stores what it validated, normalised', async () => {
    const { rows } = await db.pool.query('SELECT * FROM party WHERE id = $1', [id]);
    assert.deepEqual(
      [rows[0].kind, rows[0].name, rows[0].national_id, rows[0].national_id_valid, rows[0].phone, rows[0].email, rows[0].iban, rows[0].sms_consent, rows[0].email_consent],
      ['person', 'Ayşe Yılmaz', tckn, true, phone.stored, email, iban, true, false],
    );
  });

  it('masks personal data by default for every role that may read parties', async () => {
    assert.deepEqual(READERS.sort(), ['admin', 'auditor', 'billing_clerk', 'call_centre_agent', 'cashier', 'cashier_supervisor', 'legal_officer']);
    for (const role of READERS) {
      const who = await sessionAs(app, db.pool, [{ role }]);
      const res = await call(who, 'GET', `/api/v1/parties/${id}`);
      assert.equal(res.statusCode, 200, role);
      const p = res.json();
      assert.deepEqual([p.name, p.nationalId, p.phone, p.email, p.iban, p.masked], ['Ayşe Yılmaz', maskTckn(tckn), maskPhone(phone.stored), 'ay**********************tr', maskIban(iban), true], role);
      assert.match(p.nationalId, /^\d\d\*{7}\d\d$/);
      for (const secret of [tckn, phone.stored, phone.stored.slice(3), iban, email]) assert.ok(!res.body.includes(secret), `${role} saw ${secret}`);
    }
  });

  it('refuses a reveal without pii.reveal, and audits the attempt', async () => {
    for (const role of ['cashier', 'billing_clerk', 'auditor', 'call_centre_agent']) {
      const who = await sessionAs(app, db.pool, [{ role }]);
      const res = await call(who, 'GET', `/api/v1/parties/${id}?reveal=true`);
      assert.deepEqual([res.statusCode, res.json().code], [403, 'ABONE_ERR_AUTH_FORBIDDEN'], role);
      assert.ok(!res.body.includes(tckn));
      const [last] = await trail(id);
      assert.deepEqual([last.actor, last.action, last.outcome], [who.username, 'pii.reveal', 'denied']);
    }
  });

  it('reveals in full to pii.reveal, audited with the fields shown', async () => {
    const legal = await sessionAs(app, db.pool, [{ role: 'legal_officer' }]);
    const res = await call(legal, 'GET', `/api/v1/parties/${id}?reveal=true`);
    assert.equal(res.statusCode, 200);
    const p = res.json();
    assert.deepEqual([p.nationalId, p.phone, p.email, p.iban, p.masked], [tckn, phone.stored, email, iban, false]);
    const [reveal, read] = await trail(id);
    assert.deepEqual([reveal.actor, reveal.action, reveal.outcome, reveal.detail], [legal.username, 'pii.reveal', 'ok', { fields: ['nationalId', 'phone', 'email', 'iban'] }]);
    assert.deepEqual([read.actor, read.action, read.detail], [legal.username, 'party.read', { masked: false }]);
    assert.equal((await call(legal, 'GET', `/api/v1/parties/${id}?reveal=yes`)).json().code, 'ABONE_ERR_HTTP_VALIDATION');
    assert.equal((await call(legal, 'GET', `/api/v1/parties/${id}?reveal=false`)).json().masked, true);
  });

  it('answers "who looked at this subscriber" with exactly the readers, newest first', async () => {
    const created = await call(agent, 'POST', '/api/v1/parties', { kind: 'organisation', name: 'Işık Gaz A.Ş.', nationalId: makeVkn() });
    const org = created.json().id as number;
    const [cashier, clerk, legal] = await Promise.all(['cashier', 'billing_clerk', 'legal_officer'].map((role) => sessionAs(app, db.pool, [{ role }])));
    for (const [who, url] of [[cashier, ''], [clerk, ''], [cashier, ''], [legal, '?reveal=true'], [clerk, '']] as const) {
      assert.equal((await call(who, 'GET', `/api/v1/parties/${org}${url}`)).statusCode, 200);
    }
    await call(cashier, 'GET', `/api/v1/parties/${id}`); // another party: not in this one's trail
    const entries = (await trail(org)).map((e) => `${e.action} by ${e.actor}`);
    assert.deepEqual(entries, [
      `party.read by ${clerk.username}`,
      `pii.reveal by ${legal.username}`,
      `party.read by ${legal.username}`,
      `party.read by ${cashier.username}`,
      `party.read by ${clerk.username}`,
      `party.read by ${cashier.username}`,
      `party.create by ${agent.username}`,
    ]);
  });

  it('closes a party once', async () => {
    const other = (await call(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'Kapanan Abone', nationalId: makeTckn() })).json().id;
    const closed = await call(agent, 'POST', `/api/v1/parties/${other}/close`);
    assert.equal(closed.statusCode, 200);
    assert.ok(closed.json().closedAt);
    assert.deepEqual([(await call(agent, 'POST', `/api/v1/parties/${other}/close`)).json().code], ['ABONE_ERR_REGISTRY_PARTY_CLOSED']);
    assert.equal((await call(agent, 'POST', '/api/v1/parties/999999/close')).json().code, 'ABONE_ERR_REGISTRY_PARTY_NOT_FOUND');
    assert.equal((await trail(other))[0].action, 'party.close');
    const cashier = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    assert.equal((await call(cashier, 'POST', `/api/v1/parties/${id}/close`)).statusCode, 403);
    assert.equal((await call(agent, 'GET', `/api/v1/parties/${id}`)).json().closedAt, null);
  });

  it('refuses bad input with a stable code, never echoing the number, and changes nothing', async () => {
    const parties = await count('party');
    const audits = await count('audit_log');
    const person = { kind: 'person', name: 'Mehmet Demir' };
    const badTckn = breakCheckDigit(makeTckn());
    const cases: Array<[object, number, string]> = [
      [{ ...person, nationalId: badTckn }, 400, 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID'],
      [{ ...person, nationalId: '0' + makeTckn().slice(1) }, 400, 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID'],
      [{ ...person, nationalId: makeVkn() }, 400, 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID'], // a VKN is not a person's id
      [{ kind: 'organisation', name: 'Bozuk Ltd', nationalId: breakCheckDigit(makeVkn()) }, 400, 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID'],
      [{ ...person, nationalId: tckn }, 409, 'ABONE_ERR_REGISTRY_PARTY_EXISTS'],
      [{ ...person, nationalId: makeTckn(), iban: 'TR340006100519786457841326' }, 400, 'ABONE_ERR_REGISTRY_IBAN_INVALID'],
      [{ ...person, nationalId: makeTckn(), phone: '12345' }, 400, 'ABONE_ERR_REGISTRY_PHONE_INVALID'],
      [{ ...person, nationalId: makeTckn(), email: 'not an address' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, name: 'x'.repeat(201), nationalId: makeTckn() }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, nationalId: '1'.repeat(10_000) }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, nationalId: makeTckn(), email: `${'a'.repeat(250)}@example.com` }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, nationalId: makeTckn(), phone: '0'.repeat(5000) }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, name: 'Mehmet\u0000Demir', nationalId: makeTckn() }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, name: '   ', nationalId: makeTckn() }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, kind: 'robot', nationalId: makeTckn() }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, nationalId: { $ne: null } }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...person, nationalId: makeTckn(), smsConsent: 'yes' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call(agent, 'POST', '/api/v1/parties', payload);
      assert.deepEqual([res.statusCode, res.json().code], [status, code], JSON.stringify(payload).slice(0, 100));
      assert.ok(!res.body.includes(badTckn) && !res.body.includes(tckn));
    }
    for (const url of ['/api/v1/parties/abc', '/api/v1/parties/-1', "/api/v1/parties/1';DROP TABLE party;--", `/api/v1/parties/${'9'.repeat(30)}`]) {
      assert.equal((await call(agent, 'GET', url)).statusCode, 400, url);
    }
    assert.equal((await call(agent, 'GET', '/api/v1/parties/999999')).json().code, 'ABONE_ERR_REGISTRY_PARTY_NOT_FOUND');
    assert.equal(await count('party'), parties);
    assert.equal(await count('audit_log'), audits);
  });

  it('takes SQL in a name literally', async () => {
    const name = "Robert'); DROP TABLE party; --";
    const res = await call(agent, 'POST', '/api/v1/parties', { kind: 'person', name, nationalId: makeTckn() });
    assert.equal(res.statusCode, 201);
    assert.equal((await call(agent, 'GET', `/api/v1/parties/${res.json().id}`)).json().name, name);
  });
});
