/**
 * Demo business data on a first start (server/demo-business.ts), on a fresh database with the demo fleet's meters
 * registered the way `startDemo` registers them: 16 meters (DEMO-G-000001, DEMO-W-000002, ...) make 8 households of
 * one gas and one water meter; the eighth stands empty, so 7 subscribers hold 14 contracts. "Today" is pinned to
 * 28 November 2026, so the billed months are September (30 days) and October 2026 (31 days), and each meter's
 * consumption is the simulator's pure profile summed over the month.
 *
 * Households by payment plan: 1 Şükrü Çağlayan unpaid, 2 İpek Öztürk paid September at the bank (bank:0062) before
 * the due date, 3 Gülşen Yıldırım paid everything in cash at the desk today, 4 Çağrı Işık paid September by card at
 * the desk today, and again from 5 on; the fifth pays its September water by a wire transfer on today's bank statement.
 *
 * Hand-checked (tariffs in server/demo-business.ts; each line rounded to the kuruş once):
 *
 * Şükrü's water, DEMO-SU-KONUT (bands 15 / 30 m³ per 30 days, SU 13.76 / 19.80, ATIKSU 6.87 / 9.89, ÇTV 1.00, KDV 10 %):
 *   September 15.786 m³, 30 days, so the first band ends at 15:
 *     SU 15 × 13.76 = 206.40, 0.786 × 19.80 = 15.5628 → 15.56; ATIKSU 15 × 6.87 = 103.05, 0.786 × 9.89 = 7.77354 → 7.77
 *     net 332.78; ÇTV 15.786 → 15.79; KDV 33.278 → 33.28; gross 381.85
 *   October 15.124 m³, 31 days, so the first band ends at 15 × 31/30 = 15.5 and holds it all:
 *     SU 15.124 × 13.76 = 208.10624 → 208.11; ATIKSU 15.124 × 6.87 = 103.90188 → 103.90; net 312.01
 *     ÇTV 15.124 → 15.12; KDV 31.201 → 31.20; gross 358.33
 *   Balance 381.85 + 358.33 = 740.18. Late fee on 28 Nov at 3.7 % a month (rate from 13.11.2025):
 *     September, due 30 Sep + 15 = Thu 15 Oct, 44 days: 381.85 × 0.037 × 44 / 30 = 20.7217 → 20.72
 *     October, due 31 Oct + 15 = Sun 15 Nov → Mon 16 Nov, 12 days: 358.33 × 0.037 × 12 / 30 = 5.3033 → 5.30
 *     total late fee 26.02; payable 766.20
 *
 * Şükrü's gas, DEMO-GAZ-KONUT (GAS 7.771789 and SKB 2.357353 per m³, ÖTV 0.1373 per m³, KDV 20 % including ÖTV):
 *   September 20.066 m³: GAS 155.94871807 → 155.95; SKB 47.30264530 → 47.30; net 203.25; ÖTV 2.7550618 → 2.76;
 *     KDV 20 % × 206.01 = 41.202 → 41.20; gross 247.21
 *   October 65.981 m³ is more than three times September's bill (heating), so it is held for review: the first such
 *   bill of the run stays held for the review screen, the others are released by the demo's clerk. Balance 247.21.
 *
 * İpek's gas: September (19.131 m³, gross 235.69) paid at the bank on 10 October; October 62.132 m³ (released): GAS 482.876794… → 482.88; SKB 146.467057… →
 *   146.47; net 629.35; ÖTV 8.5307236 → 8.53; KDV 20 % × 637.88 = 127.576 → 127.58; gross 765.46. Balance 765.46.
 * İpek's water: September paid; October 9.453 m³, all in the first band: SU 130.07328 → 130.07; ATIKSU 64.94211 →
 *   64.94; net 195.01; ÇTV 9.45; KDV 19.501 → 19.50; gross 223.96. Balance 223.96.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { consumptionLitres, HOUR_MS, provisionDemoFleet } from '../simulators/index.ts';
import { demoPeriods, seedDemoBusiness, type DemoBusinessReport } from '../server/index.ts';
import { accountForSubscription, balance } from '../modules/ledger/index.ts';
import { debtInquiry } from '../modules/collections/index.ts';
import { subscriptionAccruals } from '../modules/billing/index.ts';
import { isTckn } from '../platform/pii.ts';

const NOW = new Date('2026-11-28T09:00:00Z');
const TABLES = ['party', 'address', 'premise', 'installation', 'meter_fitting', 'subscription', 'subscription_tariff', 'billing_tariff_revision', 'billing_run', 'billing_accrual',
  'ledger_account', 'ledger_entry', 'collections_payment', 'collections_late_fee', 'collections_drawer', 'reading', 'audit_log'];

describe('demo business data on a first start', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let headend: Headend;
  let report: DemoBusinessReport | undefined;

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url);
    await provisionDemoFleet(headend.registry, 16);
    report = await seedDemoBusiness(db.pool, headend, { now: NOW });
  });
  after(async () => {
    await headend?.stop();
    await db?.drop();
  });

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await db.pool.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    return out;
  };
  const account = async (name: string, commodity: 'gas' | 'water') => {
    const { rows } = await db.pool.query(`SELECT s.id FROM subscription s JOIN party p ON p.id = s.party_id WHERE p.name = $1 AND s.commodity = $2`, [name, commodity]);
    return { subscriptionId: Number(rows[0].id), accountId: (await accountForSubscription(db.pool, rows[0].id)).id };
  };
  const monthM3 = (serial: string, commodity: 'gas' | 'water', period: string) => {
    const p = demoPeriods(NOW).find((x) => x.period === period)!;
    let litres = 0;
    for (let h = p.from.getTime(); h < p.to.getTime(); h += HOUR_MS) litres += consumptionLitres({ serial, secret: '', commodity }, h);
    return (litres / 1000).toFixed(3);
  };

  it('seeds 7 subscribers with 14 contracts on 16 installations, bills for September and October, and payments', async () => {
    assert.ok(report);
    assert.deepEqual(report.periods, ['2026-09', '2026-10']);
    assert.equal(report.parties, 7);
    assert.equal(report.installations, 16);
    assert.equal(report.subscriptions, 14);
    assert.equal(report.readings, 14 * (30 + 31) * 24); // hourly consumption of the 14 subscribed meters
    assert.equal(report.bills, 28);
    // The 7 gas bills of October jump with the heating and are held; 6 are released, one stays for review.
    assert.deepEqual([report.posted, report.released, report.outsorted], [27, 6, 1]);
    assert.deepEqual(report.payments, { desk: 6, bank: 4, unpaid: 4 });
    // Today's bank statement: the fifth household's water September paid by a transfer naming it, 125.00 in suspense.
    assert.deepEqual(report.statement, { matched: 1, suspense: 1 });
    const c = await counts();
    assert.equal(c.party, 7);
    assert.equal(c.installation, 16);
    assert.equal(c.meter_fitting, 16); // the empty flat's meters are fitted too, without a contract
    assert.equal(c.billing_tariff_revision, 2);
    assert.equal(c.collections_payment, 11); // 6 desk, 4 bank, 1 wire
    assert.equal(c.collections_drawer, 1);
    assert.ok(c.collections_late_fee > 0, 'the desk payments today settle overdue bills with their late fees');
    const { rows } = await db.pool.query('SELECT name, national_id FROM party ORDER BY id');
    assert.equal(rows[0].name, 'Şükrü Çağlayan');
    assert.ok(rows.every((r) => isTckn(r.national_id) && r.national_id.startsWith('10000')));
  });

  it('bills the simulator profile of the month: consumption is the sum of the hours the fleet would have sent', async () => {
    const { subscriptionId } = await account('Şükrü Çağlayan', 'water');
    const [sep, oct] = await subscriptionAccruals(db.pool, subscriptionId);
    assert.deepEqual([sep.consumption, sep.gross, oct.consumption, oct.gross], [monthM3('DEMO-W-000002', 'water', '2026-09'), '381.85', monthM3('DEMO-W-000002', 'water', '2026-10'), '358.33']);
    assert.deepEqual([sep.consumption, oct.consumption], ['15.786', '15.124']);
  });

  it('leaves the unpaid subscriber owing both months, with late fees in the debt inquiry', async () => {
    const water = await account('Şükrü Çağlayan', 'water');
    assert.equal((await balance(db.pool, water.accountId)).balance, '740.18');
    const debt = await debtInquiry(db.pool, water.accountId, '2026-11-28');
    assert.deepEqual(debt.items.map((i) => [i.period, i.dueDate, i.open, i.lateFee]), [['2026-09', '2026-10-15', '381.85', '20.72'], ['2026-10', '2026-11-16', '358.33', '5.30']]);
    assert.deepEqual([debt.totalLateFee, debt.totalPayable], ['26.02', '766.20']);
    const gas = await account('Şükrü Çağlayan', 'gas');
    assert.equal((await balance(db.pool, gas.accountId)).balance, '247.21'); // October is held for review
    const [, oct] = await subscriptionAccruals(db.pool, gas.subscriptionId);
    assert.deepEqual([oct.state, oct.outsortReason, oct.consumption], ['outsorted', 'above_average', '65.981']);
  });

  it('leaves the bank payer owing October only', async () => {
    const gas = await account('İpek Öztürk', 'gas');
    const water = await account('İpek Öztürk', 'water');
    assert.equal((await balance(db.pool, gas.accountId)).balance, '765.46');
    assert.equal((await balance(db.pool, water.accountId)).balance, '223.96');
    const { rows } = await db.pool.query(`SELECT channel, source, amount::text, to_char(business_date, 'YYYY-MM-DD') AS day FROM collections_payment WHERE account_id = ANY($1) ORDER BY id`, [[gas.accountId, water.accountId]]);
    assert.deepEqual(rows, [
      { channel: 'bank', source: 'bank:0062', amount: '235.69', day: '2026-10-10' },
      { channel: 'bank', source: 'bank:0062', amount: '233.92', day: '2026-10-10' },
    ]);
  });

  it('leaves the cash payer owing nothing and the card payer owing October', async () => {
    for (const commodity of ['gas', 'water'] as const) assert.equal((await balance(db.pool, (await account('Gülşen Yıldırım', commodity)).accountId)).balance, '0.00');
    const card = await account('Çağrı Işık', 'water');
    const [, oct] = await subscriptionAccruals(db.pool, card.subscriptionId);
    assert.equal((await balance(db.pool, card.accountId)).balance, oct.gross);
    const { rows } = await db.pool.query(`SELECT channel, source, receipt_no FROM collections_payment WHERE account_id = $1`, [card.accountId]);
    assert.deepEqual([rows[0].channel, rows[0].source], ['card', 'desk:DEMO-MERKEZ']);
    assert.match(rows[0].receipt_no, /^DEMO-MERKEZ-\d{4}-\d{6}$/);
  });

  it('writes nothing on a second start', async () => {
    const before = await counts();
    assert.equal(await seedDemoBusiness(db.pool, headend, { now: NOW }), undefined);
    assert.deepEqual(await counts(), before);
  });
});
