/**
 * Hostile address import files: broken encodings, injection strings, formula fields, control characters, a 10 MB
 * field, wrong column counts, bad coordinates, duplicate UAVT codes, an unterminated quote. Each refused row is
 * reported by line and reason; a batch holding one commits nothing; clean batches commit whole.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { AboneError } from '../../platform/errors.ts';
import { ADDRESS_COLUMNS, importAddresses, readAddress, type CallContext } from './index.ts';
import { actorFor } from './test-fixtures.ts';

const HEADER = ADDRESS_COLUMNS.join(',') + '\n';
const row = (over: Partial<Record<(typeof ADDRESS_COLUMNS)[number], string>> = {}) => {
  const base = { il: 'Ankara', ilce: 'Çankaya', mahalle: 'Kızılay', street: 'Atatürk Bulvarı', building_no: '12/A', door_no: '3', uavt_code: '', lon: '32.8597', lat: '39.9208', premise_kind: 'dwelling', commodity: 'gas', ...over };
  return ADDRESS_COLUMNS.map((c) => base[c]).join(',') + '\n';
};
const file = (...parts: Array<string | Buffer>) => Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

describe('registry: address import', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let ctx: CallContext;
  const counts = async () => (await db.pool.query('SELECT (SELECT count(*) FROM address) a, (SELECT count(*) FROM premise) p, (SELECT count(*) FROM installation) i')).rows[0];

  before(async () => {
    db = await createTestDatabase();
    ctx = { actor: await actorFor(db.pool, 'call_centre_agent') };
  });
  after(() => db.drop());

  it('imports clean rows with quotes, CRLF and a BOM, coordinates to metres and back', async () => {
    const report = await importAddresses(db.pool, file('\uFEFF' + HEADER.replace('\n', '\r\n'), row({ street: '"Cumhuriyet Cad., No 5"' }).replace('\n', '\r\n'), row({ lon: '29.0251234', lat: '40.9812345', il: 'İstanbul', ilce: 'Kadıköy', uavt_code: '1000000001' })), ctx);
    assert.deepEqual({ rows: report.rows, imported: report.imported, rejected: report.rejected }, { rows: 2, imported: 2, rejected: [] });
    const { rows } = await db.pool.query('SELECT id FROM address ORDER BY id');
    const second = await readAddress(db.pool, rows[1].id);
    assert.deepEqual([second.il, second.ilce, second.uavtCode, second.location.coordinates], ['İstanbul', 'Kadıköy', '1000000001', [29.0251234, 40.9812345]]);
    assert.equal((await readAddress(db.pool, rows[0].id)).street, 'Cumhuriyet Cad., No 5');
  });

  it('refuses every hostile row with its reason, and commits nothing of a batch holding one', async () => {
    const before = await counts();
    const latin5 = Buffer.concat([Buffer.from('Ankara,'), Buffer.from([0xc7]), Buffer.from('ankaya,Kızılay,Sokak,1,,,32.8,39.9,dwelling,gas\n')]); // windows-1254 Ç
    const overlong = Buffer.concat([Buffer.from('Ankara,Çankaya,"'), Buffer.alloc(10 * 1024 * 1024, 'A'), Buffer.from('",Sokak,1,,,32.8,39.9,dwelling,gas\n')]);
    const report = await importAddresses(db.pool, file(
      HEADER,
      row(), // line 2: fine, but its batch holds bad rows
      latin5, // 3
      row({ street: "'; DROP TABLE address; --" }), // 4
      row({ mahalle: '"=HYPERLINK(""http://evil"")"' }), // 5
      row({ il: 'Ank\u0000ara' }), // 6
      overlong, // 7
      'Ankara,Çankaya,Kızılay,Sokak,1,,,32.8,39.9,dwelling\n', // 8: 10 columns
      'Ankara,Çankaya,Kızılay,Sokak,1,,,32.8,39.9,dwelling,gas,extra\n', // 9: 12 columns
      row({ lon: '1e2' }), // 10
      row({ lat: '95.0' }), // 11
      row({ street: '<script>alert(1)</script>' }), // 12
      row({ commodity: 'steam' }), // 13
      row({ uavt_code: '12345' }), // 14
      row({ uavt_code: '1000000001' }), // 15: taken by the first test's import
      row({ building_no: '' }), // 16
      row({ door_no: '@SUM(A1)' }), // 17
      'Ankara,"Çankaya,Kızılay\n', // 18: quote never closed
    ), ctx, { batchSize: 1000 });
    assert.deepEqual(report.rejected, [
      { line: 3, reason: 'encoding' },
      { line: 4, reason: 'street' },
      { line: 5, reason: 'mahalle' },
      { line: 6, reason: 'il' },
      { line: 7, reason: 'row_too_long' },
      { line: 8, reason: 'column_count' },
      { line: 9, reason: 'column_count' },
      { line: 10, reason: 'lon_lat' },
      { line: 11, reason: 'lon_lat' },
      { line: 12, reason: 'street' },
      { line: 13, reason: 'commodity' },
      { line: 14, reason: 'uavt_code' },
      { line: 16, reason: 'building_no' },
      { line: 17, reason: 'door_no' },
      { line: 18, reason: 'unterminated_quote' },
    ]);
    assert.equal(report.imported, 0);
    assert.equal(report.heldBack, 2, 'lines 2 and 15 were fine on their own (15 clashes only against the database, checked for clean batches)');
    assert.deepEqual(await counts(), before);
    const { rows } = await db.pool.query(`SELECT count(*) AS n FROM pg_tables WHERE tablename IN ('address', 'premise', 'installation')`);
    assert.equal(rows[0].n, 3, 'the tables are still there');
  });

  it('commits clean batches whole and refuses the batch with a duplicate UAVT code', async () => {
    const before = await counts();
    const report = await importAddresses(db.pool, file(HEADER, row(), row(), row({ uavt_code: '2000000001' }), row({ uavt_code: '2000000001' }), row(), row()), ctx, { batchSize: 2 });
    assert.deepEqual(report.rejected, [{ line: 5, reason: 'uavt_code_taken' }]);
    assert.deepEqual([report.imported, report.batchesCommitted, report.batchesRefused], [4, 2, 1]);
    const after = await counts();
    assert.deepEqual([after.a - before.a, after.p - before.p, after.i - before.i], [4, 4, 4]);
  });

  it('refuses a file whose header is not the expected one, reading nothing', async () => {
    const before = await counts();
    await assert.rejects(importAddresses(db.pool, file('il;ilce;mahalle\n', row()), ctx), (e) => e instanceof AboneError && e.code === 'ABONE_ERR_REGISTRY_IMPORT_HEADER');
    await assert.rejects(importAddresses(db.pool, file(''), ctx), (e) => e instanceof AboneError && e.code === 'ABONE_ERR_REGISTRY_IMPORT_HEADER');
    assert.deepEqual(await counts(), before);
  });
});
