import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { Actor } from '../access/index.ts';
import { closeParty, createParty, readParty } from './parties.ts';
import { importParties } from './import.ts';
import { anonymiseExpiredParties, startRetentionJob } from './retention.ts';
import { actorFor, breakCheckDigit, makeIban, makePhone, makeTckn, makeVkn } from './test-fixtures.ts';

const DAY = 86_400_000;

describe('party retention and import', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let agent: Actor;
  let legal: Actor;
  const now = new Date('2036-03-01T09:00:00Z');
  const days = 3650;

  /** A party with every personal field set, closed `closedDaysAgo` days before `now` (undefined: open). */
  const party = async (closedDaysAgo?: number) => {
    const p = await createParty(db.pool, { kind: 'person', name: 'Şule Çınar', nationalId: makeTckn(), phone: makePhone().typed, email: 'sule@example.org', iban: makeIban(), smsConsent: true, emailConsent: true }, { actor: agent });
    if (closedDaysAgo !== undefined) await db.pool.query('UPDATE party SET closed_at = $2 WHERE id = $1', [p.id, new Date(now.getTime() - closedDaysAgo * DAY)]);
    return p.id;
  };
  const rowsOf = async (ids: number[]) => (await db.pool.query('SELECT * FROM party WHERE id = ANY($1) ORDER BY id', [ids])).rows;

  before(async () => {
    db = await createTestDatabase();
    agent = await actorFor(db.pool, 'call_centre_agent');
    legal = await actorFor(db.pool, 'legal_officer');
  });
  after(async () => db.drop());

  it('anonymises exactly the parties closed longer ago than the retention period', async () => {
    const expired = [await party(days + 1), await party(days * 2)];
    const kept = [await party(), await party(days - 1), await party(days), await party(0)]; // open, not yet, exactly at the limit, just closed
    const before = await rowsOf(kept);
    assert.deepEqual((await anonymiseExpiredParties(db.pool, days, now)).sort(), expired.sort());
    assert.deepEqual(await rowsOf(kept), before);
    for (const r of await rowsOf(expired)) {
      assert.deepEqual(
        [r.name, r.name_key, r.national_id, r.national_id_valid, r.phone, r.email, r.iban, r.sms_consent, r.email_consent, r.anonymised_at?.getTime()],
        ['Anonim', 'anonim', null, false, null, null, null, false, false, now.getTime()],
      );
      assert.ok(r.closed_at && r.created_at); // the row stays: other records refer to its id
    }
    const audited = await db.pool.query(`SELECT actor, entity_id, detail FROM audit_log WHERE action = 'party.anonymise' ORDER BY id`);
    assert.deepEqual(audited.rows.map((a) => [a.actor, Number(a.entity_id), a.detail.retentionDays]).sort(), expired.map((id) => ['system', id, days]).sort());
    assert.deepEqual(await anonymiseExpiredParties(db.pool, days, now), []); // nothing twice
    const shown = await readParty(db.pool, expired[0], true, { actor: legal });
    assert.deepEqual([shown.name, shown.nationalId, shown.phone, shown.email, shown.iban], ['Anonim', null, null, null, null]);
  });

  it('works through a large backlog in batches', async () => {
    await db.pool.query(
      `INSERT INTO party (kind, name, name_key, national_id, phone, closed_at)
       SELECT 'person', 'Toplu ' || g, 'toplu ' || g, lpad(g::text, 11, '9'), '+905320000000', $1 FROM generate_series(1, 1234) g`,
      [new Date(now.getTime() - (days + 30) * DAY)],
    );
    assert.equal((await anonymiseExpiredParties(db.pool, days, now)).length, 1234);
    const left = await db.pool.query(`SELECT count(*) AS n FROM party WHERE closed_at < $1 AND anonymised_at IS NULL`, [new Date(now.getTime() - days * DAY)]);
    assert.equal(left.rows[0].n, 0);
  });

  it('runs on demand through the job, and stops cleanly', async () => {
    const id = await party();
    await closeParty(db.pool, id, { actor: agent });
    await db.pool.query(`UPDATE party SET closed_at = now() - interval '3651 days' WHERE id = $1`, [id]);
    const job = startRetentionJob(db.pool, days); // against the real clock, as in production
    assert.deepEqual(await job.runNow(), [id]);
    await job.stop();
    const refusing = startRetentionJob(db.pool, days);
    await db.pool.query('ALTER TABLE party RENAME TO party_away');
    try {
      assert.deepEqual(await refusing.runNow(), []); // a failed run is logged and left to the next one
    } finally {
      await db.pool.query('ALTER TABLE party_away RENAME TO party');
      await refusing.stop();
    }
  });

  it('imports parties, keeping a bad VKN flagged and refusing a bad TCKN', async () => {
    const good = makeVkn();
    const badVkn = breakCheckDigit(makeVkn());
    const report = await importParties(
      db.pool,
      [
        { kind: 'organisation', name: 'Doğru Vergi Ltd', nationalId: good },
        { kind: 'organisation', name: 'Eski Kayıt A.Ş.', nationalId: badVkn },
        { kind: 'person', name: 'Hatalı Kişi', nationalId: breakCheckDigit(makeTckn()) },
        { kind: 'organisation', name: 'Kısa Numara', nationalId: '12345' },
        { kind: 'organisation', name: 'Çift Kayıt', nationalId: good },
        { name: 'no kind' },
      ],
      { actor: agent },
    );
    assert.equal(report.created.length, 2);
    assert.deepEqual(report.flagged, [report.created[1]]);
    assert.deepEqual(report.rejected, [
      { row: 2, code: 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID' },
      { row: 3, code: 'ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID' },
      { row: 4, code: 'ABONE_ERR_REGISTRY_PARTY_EXISTS' },
      { row: 5, code: 'ABONE_ERR_HTTP_VALIDATION' },
    ]);
    const { rows } = await db.pool.query('SELECT national_id, national_id_valid FROM party WHERE id = ANY($1) ORDER BY id', [report.created]);
    assert.deepEqual(rows, [{ national_id: good, national_id_valid: true }, { national_id: badVkn, national_id_valid: false }]);
    const audit = await db.pool.query(`SELECT detail FROM audit_log WHERE action = 'party.create' AND entity_id = $1`, [String(report.flagged[0])]);
    assert.deepEqual(audit.rows[0].detail, { kind: 'organisation', nationalIdValid: false, source: 'import' });
  });
});
