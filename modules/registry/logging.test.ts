/**
 * Registry code must log ids only. The logger masks TCKNs, IBANs and phones in every line as a last line of defence;
 * this test reads the lines before that filter (tapRawLogLines), so it fails if registry code (or the request log of
 * its routes) writes personal data itself, even data the filter would have caught.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { tapRawLogLines } from '../../platform/logger.ts';
import { isTckn } from '../../platform/pii.ts';
import { importParties } from './import.ts';
import { anonymiseExpiredParties } from './retention.ts';
import { actorFor, breakCheckDigit, makeIban, makePhone, makeTckn, makeVkn } from './test-fixtures.ts';

describe('registry logging: no personal data in any line, before the scrubber', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  const lines: string[] = [];
  let untap: () => void;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    untap = tapRawLogLines((line) => lines.push(line));
  });
  after(async () => {
    untap();
    await app.close();
    await db.drop();
  });

  it('logs ids, never the names, numbers and addresses of the parties it handles', async () => {
    const person = { name: 'Gülşen Karaağaç', tckn: makeTckn(), foreigner: makeTckn('99'), phone: makePhone(), iban: makeIban(), email: 'gulsen.karaagac@example.net' };
    const org = { name: 'Boğaziçi Doğalgaz Tesisat Ltd. Şti.', vkn: makeVkn(), badVkn: breakCheckDigit(makeVkn()) };
    const badTckn = breakCheckDigit(makeTckn());
    const agent = await sessionAs(app, db.pool, [{ role: 'call_centre_agent' }]);
    const legal = await sessionAs(app, db.pool, [{ role: 'legal_officer' }]);
    const cashier = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    const as = (who: { cookie: string }, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: { cookie: who.cookie } });

    const created = await as(agent, 'POST', '/api/v1/parties', { kind: 'person', name: person.name, nationalId: person.tckn, phone: person.phone.typed, iban: person.iban, email: person.email, smsConsent: true });
    const id = created.json().id as number;
    const foreigner = (await as(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'John Smith', nationalId: person.foreigner })).json().id as number;
    await as(agent, 'POST', '/api/v1/parties', { kind: 'organisation', name: org.name, nationalId: org.vkn, phone: '+49 30 1234567' });
    const refusals = [
      await as(agent, 'POST', '/api/v1/parties', { kind: 'person', name: person.name, nationalId: person.tckn }),
      await as(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'Yanlış Numara', nationalId: badTckn, phone: person.phone.typed }),
      await as(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'Yanlış IBAN', nationalId: makeTckn(), iban: breakCheckDigit(person.iban) }),
      await as(cashier, 'GET', `/api/v1/parties/${id}?reveal=true`),
    ];
    assert.deepEqual(refusals.map((r) => r.statusCode), [409, 400, 400, 403]);
    assert.equal((await as(cashier, 'GET', `/api/v1/parties/${id}`)).statusCode, 200);
    assert.equal((await as(legal, 'GET', `/api/v1/parties/${id}?reveal=true`)).json().nationalId, person.tckn);
    for (const q of [person.name, 'gulsen', person.tckn, person.foreigner, org.vkn, person.phone.typed, person.email]) {
      assert.equal((await as(cashier, 'GET', `/api/v1/parties?q=${encodeURIComponent(q)}`)).statusCode, 200, q);
    }
    assert.equal((await as(agent, 'POST', `/api/v1/parties/${foreigner}/close`)).statusCode, 200);
    const report = await importParties(db.pool, [{ kind: 'organisation', name: 'Eski Sistem A.Ş.', nationalId: org.badVkn }, { kind: 'person', name: 'Bozuk Kayıt', nationalId: badTckn }], { actor: await actorFor(db.pool, 'call_centre_agent') });
    assert.equal(report.flagged.length, 1);
    await db.pool.query(`UPDATE party SET closed_at = now() - interval '40 days' WHERE id = $1`, [foreigner]);
    assert.deepEqual(await anonymiseExpiredParties(db.pool, 30), [foreigner]);

    // The tap saw the registry's own lines (so an empty scan cannot pass by accident) and the routes' request lines.
    assert.ok(lines.some((l) => l.includes('"party created"') && l.includes(`"partyId":${id}`)), 'registry lines captured');
    assert.ok(lines.some((l) => l.includes('"parties anonymised after retention"')));
    assert.ok(lines.some((l) => l.includes('incoming request') && l.includes('"url":"/api/v1/parties"')), 'request lines captured');

    const secrets = [
      person.tckn, person.foreigner, badTckn, org.vkn, org.badVkn, person.iban, person.iban.slice(4), person.phone.stored.slice(3), '301234567',
      person.email, 'gulsen.karaagac', person.name, 'Gülşen', 'gulsen', 'Karaağaç', 'Boğaziçi', 'John Smith', 'Yanlış', 'Eski Sistem', 'Bozuk Kayıt',
    ];
    const leaks = lines.flatMap((line) => [
      ...secrets.filter((s) => line.toLowerCase().includes(s.toLowerCase()) || line.includes(encodeURIComponent(s))).map((s) => `${s} in ${line.slice(0, 200)}`),
      ...[...line.matchAll(/(?<!\d)[1-9]\d{10}(?!\d)/g)].filter((m) => isTckn(m[0])).map((m) => `TCKN ${m[0]} in ${line.slice(0, 200)}`),
    ]);
    assert.deepEqual(leaks, []);
  });
});
