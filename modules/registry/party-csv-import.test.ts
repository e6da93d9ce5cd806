/** The parties CSV import: created once per national id, flagged VKNs kept, hostile rows refused by line. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { importPartiesCsv, type CallContext } from './index.ts';
import { actorFor, breakCheckDigit, makeTckn, makeVkn } from './test-fixtures.ts';

const file = (...lines: Array<string | Buffer>) => Readable.from(['party_kind,party_name,national_id\n', ...lines].map((l) => (typeof l === 'string' ? Buffer.from(l) : l)));

describe('registry: parties CSV import', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  const count = async () => Number((await db.pool.query('SELECT count(*) AS n FROM party')).rows[0].n);
  before(async () => {
    db = await createTestDatabase();
    ctx = { actor: await actorFor(db.pool, 'call_centre_agent') };
  });
  after(() => db.drop());

  it('creates each national id once and keeps a legacy VKN that fails its check digit, flagged', async () => {
    const t = makeTckn();
    const v = breakCheckDigit(makeVkn());
    const report = await importPartiesCsv(db.pool, file(`person,Ayşe Yılmaz,${t}\n`, `person,AYŞE YILMAZ,${t}\n`, `organisation,"Öz Ticaret, A.Ş.",${v}\n`), ctx);
    assert.deepEqual([report.imported, report.rejectedCount], [3, 0]);
    assert.equal(await count(), 2);
    const { rows } = await db.pool.query('SELECT name, national_id_valid FROM party WHERE national_id = $1', [v]);
    assert.deepEqual(rows[0], { name: 'Öz Ticaret, A.Ş.', national_id_valid: false });
  });

  it('refuses hostile rows by line and reason; their batch commits nothing', async () => {
    const before = await count();
    const report = await importPartiesCsv(db.pool, file(
      `person,Ali Veli,${makeTckn()}\n`,
      `person,Mehmet Can,${breakCheckDigit(makeTckn())}\n`,
      `person,=HYPERLINK("x"),${makeTckn()}\n`,
      `person,${'A'.repeat(201)},${makeTckn()}\n`,
      Buffer.concat([Buffer.from('person,'), Buffer.from([0xdd, 0x73]), Buffer.from(`mail,${makeTckn()}\n`)]),
      `robot,R2,${makeTckn()}\n`,
      `person,Ali,${makeTckn()},extra\n`,
    ), ctx);
    assert.deepEqual(report.rejected, [
      { line: 3, reason: 'national_id' },
      { line: 4, reason: 'party_name' },
      { line: 5, reason: 'party_name' },
      { line: 6, reason: 'encoding' },
      { line: 7, reason: 'party_kind' },
      { line: 8, reason: 'column_count' },
    ]);
    assert.equal(await count(), before);
  });
});
