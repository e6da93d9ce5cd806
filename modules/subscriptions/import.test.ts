/**
 * The subscriber import: holders found or created by national id, one address, premise, installation and active
 * contract per row with its first tariff, refused rows reported, and a batch with one committing nothing.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { CallContext } from '../registry/index.ts';
import { billableSubscriptions, countsByRegion, importSubscribers, SUBSCRIBER_COLUMNS } from './index.ts';
import { billingPeriod } from '../../platform/calendar.ts';
import { breakCheckDigit, callContext, makeTckn, makeVkn } from './test-fixtures.ts';

const line = (o: Record<string, string>) => SUBSCRIBER_COLUMNS.map((c) => o[c] ?? '').join(',') + '\n';
const base = (over: Record<string, string> = {}) => ({
  party_kind: 'person', party_name: 'Ayşe Yılmaz', national_id: makeTckn(), il: 'Eskişehir', ilce: 'Tepebaşı', mahalle: 'Hoşnudiye', street: 'İsmet İnönü Caddesi',
  building_no: '7', door_no: '2', uavt_code: '', lon: '30.5206', lat: '39.7767', premise_kind: 'dwelling', commodity: 'gas', class: 'residential', tariff_code: 'GAS-RES', start_date: '2024-03-01', ...over,
});
const file = (...rows: string[]) => Readable.from([SUBSCRIBER_COLUMNS.join(',') + '\n', ...rows].map((r) => Buffer.from(r)));

describe('subscriptions: subscriber import', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  const counts = async () => (await db.pool.query('SELECT (SELECT count(*) FROM party) p, (SELECT count(*) FROM address) a, (SELECT count(*) FROM subscription) s, (SELECT count(*) FROM subscription_tariff) t')).rows[0];
  before(async () => {
    db = await createTestDatabase();
    ctx = await callContext(db.pool);
  });
  after(() => db.drop());

  it('imports subscribers: one party per national id, a contract per row, billed from its start date', async () => {
    const tckn = makeTckn();
    const vkn = breakCheckDigit(makeVkn()); // a legacy VKN failing its check digit: kept, flagged
    const report = await importSubscribers(db.pool, file(
      line(base({ national_id: tckn })),
      line(base({ national_id: tckn, door_no: '3', commodity: 'water', tariff_code: 'WTR-RES' })),
      line(base({ party_kind: 'organisation', party_name: 'Öz Ticaret A.Ş.', national_id: vkn, class: 'commercial', ilce: 'Odunpazarı', premise_kind: 'shop', tariff_code: 'GAS-COM', start_date: '2025-12-15' })),
    ), ctx);
    assert.deepEqual([report.imported, report.rejectedCount], [3, 0]);
    assert.deepEqual(await counts(), { p: 2, a: 3, s: 3, t: 3 });
    const { rows } = await db.pool.query('SELECT national_id_valid FROM party WHERE national_id = $1', [vkn]);
    assert.equal(rows[0].national_id_valid, false);
    assert.deepEqual(await countsByRegion(db.pool, 'ilce'), [{ il: 'eskisehir', ilce: 'odunpazari', count: 1 }, { il: 'eskisehir', ilce: 'tepebasi', count: 2 }]);
    // Started 2025-12-15 00:00 Istanbul = 2025-12-14T21:00Z, so December is billed from there, on GAS-COM.
    const dec = (await billableSubscriptions(db.pool, billingPeriod(2025, 12))).find((b) => b.class === 'commercial')!;
    assert.equal(dec.from.toISOString(), '2025-12-14T21:00:00.000Z');
    assert.deepEqual(dec.tariffs.map((t) => t.tariffCode), ['GAS-COM']);
  });

  it('refuses bad rows by line and reason, committing nothing of their batch', async () => {
    const before = await counts();
    const report = await importSubscribers(db.pool, file(
      line(base()),
      line(base({ national_id: breakCheckDigit(makeTckn()) })),
      line(base({ party_name: '=cmd|calc' })),
      line(base({ class: 'royal' })),
      line(base({ tariff_code: "x'; DROP TABLE subscription; --" })),
      line(base({ start_date: '2024-02-30' })),
      line(base({ start_date: '2999-01-01' })),
      line(base({ street: 'Robert"); DROP TABLE party;--' })),
    ), ctx);
    assert.deepEqual(report.rejected, [
      { line: 3, reason: 'national_id' },
      { line: 4, reason: 'party_name' },
      { line: 5, reason: 'class' },
      { line: 6, reason: 'tariff_code' },
      { line: 7, reason: 'start_date' },
      { line: 8, reason: 'start_date' },
      { line: 9, reason: 'street' },
    ]);
    assert.equal(report.imported, 0);
    assert.deepEqual(await counts(), before);
  });
});
