import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { maskTckn } from '../../platform/pii.ts';
import { anonymiseExpiredParties } from './retention.ts';
import { makeTckn, makeVkn } from './test-fixtures.ts';

describe('party search: Turkish-aware names, exact national ids, masked and audited', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let agent: { cookie: string; username: string };
  let cashier: { cookie: string; username: string };
  const ids = new Map<string, number>();
  const tckns = new Map<string, string>();

  const search = (q: string, who = cashier) => app.inject({ method: 'GET', url: `/api/v1/parties?q=${encodeURIComponent(q)}`, headers: { cookie: who.cookie } });
  const names = async (q: string) => {
    const res = await search(q);
    assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
    return res.json().items.map((p: { name: string }) => p.name).sort();
  };
  const count = async (table: string) => (await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n as number;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    agent = await sessionAs(app, db.pool, [{ role: 'call_centre_agent' }]);
    cashier = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    const people = ['ismail yılmaz', 'ISMAIL AKSOY', 'SUKRU KAYA', 'Şükrü Öztürk', 'Çağla Ünal', 'Sıla Işık', 'Silahtar Ağa', 'Eski Abone'];
    for (const name of people) {
      const nationalId = makeTckn();
      const res = await app.inject({ method: 'POST', url: '/api/v1/parties', headers: { cookie: agent.cookie }, payload: { kind: 'person', name, nationalId } });
      assert.equal(res.statusCode, 201, res.body);
      ids.set(name, res.json().id);
      tckns.set(name, nationalId);
    }
    const org = await app.inject({ method: 'POST', url: '/api/v1/parties', headers: { cookie: agent.cookie }, payload: { kind: 'organisation', name: 'IŞIK Gaz A.Ş.', nationalId: makeVkn() } });
    ids.set('IŞIK Gaz A.Ş.', org.json().id);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('finds names whatever the case and Turkish letters of either side', async () => {
    assert.deepEqual(await names('İSMAİL'), ['ISMAIL AKSOY', 'ismail yılmaz']);
    assert.deepEqual(await names('ismail'), ['ISMAIL AKSOY', 'ismail yılmaz']);
    assert.deepEqual(await names('ısmaıl'), ['ISMAIL AKSOY', 'ismail yılmaz']);
    assert.deepEqual(await names('şükrü'), ['SUKRU KAYA', 'Şükrü Öztürk']);
    assert.deepEqual(await names('SUKRU'), ['SUKRU KAYA', 'Şükrü Öztürk']);
    assert.deepEqual(await names('ÇAĞLA ünal'), ['Çağla Ünal']);
    assert.deepEqual(await names('cagla unal'), ['Çağla Ünal']);
    assert.deepEqual(await names('YILMAZ'), ['ismail yılmaz']);
    assert.deepEqual(await names('ışık'), ['IŞIK Gaz A.Ş.', 'Sıla Işık']);
    assert.deepEqual(await names('gaz aş'), ['IŞIK Gaz A.Ş.']);
    // The price of folding ı and i together, accepted in name-key.ts: 'sıla' also finds 'Silahtar'.
    assert.deepEqual(await names('SILA'), ['Silahtar Ağa', 'Sıla Işık']);
    assert.deepEqual(await names('nobody at all'), []);
  });

  it('finds a party by its exact national id only, and answers masked', async () => {
    const tckn = tckns.get('Çağla Ünal')!;
    const res = await search(tckn);
    assert.deepEqual(res.json().items.map((p: { id: number; nationalId: string }) => [p.id, p.nationalId]), [[ids.get('Çağla Ünal'), maskTckn(tckn)]]);
    assert.equal((await search(`${tckn.slice(0, 3)} ${tckn.slice(3)}`)).json().items.length, 1);
    assert.deepEqual(await names(tckn.slice(0, 9)), []); // no prefix search: numbers cannot be enumerated
    const all = await search('a');
    assert.equal(all.json().code, 'ABONE_ERR_REGISTRY_QUERY_TOO_SHORT');
    const many = await search('ab');
    for (const t of tckns.values()) assert.ok(!many.body.includes(t) && !res.body.includes(t));
  });

  it('audits each search once, with the ids it returned and without the query', async () => {
    await search('şükrü');
    const { rows } = await db.pool.query(`SELECT actor, action, entity, entity_id, detail FROM audit_log WHERE action = 'party.search' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(rows[0], { actor: cashier.username, action: 'party.search', entity: 'party', entity_id: null, detail: { by: 'name', ids: [ids.get('SUKRU KAYA'), ids.get('Şükrü Öztürk')] } });
    await search(tckns.get('Eski Abone')!);
    const last = await db.pool.query(`SELECT detail FROM audit_log WHERE action = 'party.search' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(last.rows[0].detail, { by: 'nationalId', ids: [ids.get('Eski Abone')] });
    const everything = await db.pool.query(`SELECT detail::text AS d FROM audit_log WHERE action = 'party.search'`);
    for (const r of everything.rows) for (const t of tckns.values()) assert.ok(!r.d.includes(t));
  });

  it('treats SQL and LIKE metacharacters as text: no match, no error, nothing changed', async () => {
    const parties = await count('party');
    for (const q of ["' OR '1'='1", "'; DROP TABLE party; --", 'a%\' OR 1=1 --', '%%', '__', '%ş%', '\\', '\\%', "ismail' --", '*', '$1', 'ismail%']) {
      const res = await search(q);
      if (res.statusCode === 200) {
        const found = res.json().items.map((p: { name: string }) => p.name);
        assert.ok(found.length <= 2 && found.every((n: string) => /ismail/i.test(n)), `${q} -> ${found}`);
      } else assert.deepEqual([res.statusCode, res.json().code], [400, 'ABONE_ERR_REGISTRY_QUERY_TOO_SHORT'], q);
    }
    assert.equal((await search('x'.repeat(201))).json().code, 'ABONE_ERR_HTTP_VALIDATION');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/parties', headers: { cookie: cashier.cookie } })).json().code, 'ABONE_ERR_HTTP_VALIDATION');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/parties?q=ab&limit=1000', headers: { cookie: cashier.cookie } })).json().code, 'ABONE_ERR_HTTP_VALIDATION');
    assert.equal(await count('party'), parties);
  });

  it('no longer finds anonymised parties', async () => {
    const id = ids.get('Eski Abone')!;
    await db.pool.query(`UPDATE party SET closed_at = now() - interval '20 days' WHERE id = $1`, [id]);
    assert.deepEqual(await anonymiseExpiredParties(db.pool, 10), [id]);
    assert.deepEqual(await names('eski abone'), []);
    assert.deepEqual(await names('anonim'), []);
    assert.equal((await search(tckns.get('Eski Abone')!)).json().items.length, 0);
  });
});
