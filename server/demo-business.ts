/**
 * The business side of the demo, so a first start shows subscribers, bills and payments beside the meters: Turkish
 * households in Çankaya (Ankara) with gas and water installations carrying the demo fleet's meters, contracts on two
 * stored tariffs, two months of billed history, and payments on the desk and bank channels (some left overdue, so
 * the debt inquiry shows late fees).
 *
 * When: after the demo fleet is provisioned (its meters must exist to be fitted), once, into a database without any
 * party, so a utility's own data is never touched; a second start sees the parties and writes nothing. Everything
 * goes through the contexts' doors, as a clerk's actions would.
 *
 * Billing needs consumption for the months it bills, and the fleet only catches up on its last week. So the seed
 * back-fills the hourly `consumption` channel of each subscribed meter for the two months before the current one,
 * through the head-end's ingest pipeline (the same pure profile the fleet publishes: any hour can be computed
 * alone), brings the rollups up to date, and then runs the two months' bill runs the way `abone bill-run` does. Two
 * months, not one: the older month's bills are past their due date whatever day the demo starts on, so late fees
 * show even on the 2nd of a month. The opening register of each contract is the fleet's starting register less the
 * back-filled consumption, so the register the fleet then publishes never runs backwards from it.
 *
 * Gas is priced per m³ (the demo tariff takes ESGAZ's per-Sm³ prices as per-m³ ones): pricing in kWh needs the
 * period's correction factor and calorific value in billing_gas_factor, which billing has no door to write yet.
 *
 * A start interrupted in the middle leaves the parties written so far and, with them, a partial demo: later starts
 * do not finish it. Delete `.data/` (the embedded database) to start over.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { BUSINESS_ZONE, localDate, startOfLocalDay } from '../platform/calendar.ts';
import { withTransaction } from '../platform/db/pool.ts';
import { contextLogger } from '../platform/logger.ts';
import type { Envelope, Headend } from '../headend/index.ts';
import type { Actor } from '../modules/access/index.ts';
import { createAddress, createInstallation, createParty, createPremise, type CallContext } from '../modules/registry/index.ts';
import { installMeter, moveIn } from '../modules/subscriptions/index.ts';
import { createTariff, listTariffs, outsortedAccruals, releaseAccrual, runProgress, runWorker, startRun } from '../modules/billing/index.ts';
import { accountForSubscription } from '../modules/ledger/index.ts';
import { debtInquiry, importStatement, openDrawer, openDrawerOf, parseCsvStatement, takeDeskPayment, takePayment } from '../modules/collections/index.ts';
import { consumptionLitres, HOUR_MS, initialRegister, rollover, type SimMeter } from '../simulators/index.ts';

const log = contextLogger('demo');

const ACTOR: Actor = { userId: 0, username: 'system:demo', via: 'session', permissions: new Map() };
const CTX: CallContext = { actor: ACTOR, correlationId: 'demo-business' };
/** Every eighth household stands empty: fitted meters, no contract (what a vacant flat looks like). */
const VACANT_EVERY = 8;
export const DEMO_OFFICE = 'DEMO-MERKEZ';
export const DEMO_CASHIER = 'demo.vezne';
export const DEMO_BANK = 'bank:0062';

export interface DemoBusinessReport {
  parties: number;
  installations: number;
  subscriptions: number;
  periods: string[];
  readings: number;
  bills: number;
  /** Posted by the runs, plus those the demo's clerk released from review. */
  posted: number;
  released: number;
  /** Left in review for the billing clerk's screen. */
  outsorted: number;
  payments: { desk: number; bank: number; unpaid: number };
  /** Today's bank statement: lines matched to a subscriber, lines left in suspense. */
  statement: { matched: number; suspense: number };
  ms: number;
  /** Milliseconds per phase (places, backfill, bills, payments): a slow first start says where its time went. */
  phases: Record<string, number>;
}

interface Household {
  index: number;
  gas: string;
  water: string;
  partyId?: number;
  subscriptions: Array<{ id: number; serial: string; commodity: 'gas' | 'water' }>;
}

/** The payment story of the k-th occupied household, so the cashier and the debt screens have every case. */
type PaymentPlan = 'unpaid' | 'bank-older-month' | 'desk-cash-all' | 'desk-card-older-month';
const paymentPlanOf = (k: number): PaymentPlan => (['unpaid', 'bank-older-month', 'desk-cash-all', 'desk-card-older-month'] as const)[k % 4];

/** The two billing periods before the current month (Europe/Istanbul), older first, with their first instants. */
export function demoPeriods(now: Date): Array<{ period: string; from: Date; to: Date; lastDay: string }> {
  const month = DateTime.fromJSDate(now, { zone: BUSINESS_ZONE }).startOf('month');
  return [2, 1].map((back) => {
    const start = month.minus({ months: back });
    const end = start.plus({ months: 1 });
    return { period: start.toFormat('yyyy-MM'), from: startOfLocalDay(start.toISODate()!), to: startOfLocalDay(end.toISODate()!), lastDay: end.minus({ days: 1 }).toISODate()! };
  });
}

/** Seeds the demo's business data when the database has no party yet; returns what it wrote, or undefined. */
export async function seedDemoBusiness(pool: pg.Pool, headend: Pick<Headend, 'registry' | 'pipeline' | 'runRollupsNow'>, opts: { now?: Date } = {}): Promise<DemoBusinessReport | undefined> {
  const t0 = Date.now();
  // The one read outside a door: "is this database still empty of parties?" (the registry has no count to ask).
  const { rows } = await pool.query('SELECT EXISTS (SELECT 1 FROM party) AS any');
  if (rows[0].any) return undefined;
  const households = await demoHouseholds(headend.registry);
  if (!households.length) {
    log.info('demo: no demo fleet meters registered; business data not seeded');
    return undefined;
  }
  const now = opts.now ?? new Date();
  const periods = demoPeriods(now);
  const since = periods[0].from;
  const phases: Record<string, number> = {};
  let lap = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - lap;
    lap = Date.now();
  };
  await ensureTariffs(pool);
  const installations = await seedPlaces(pool, headend.registry, households, since, periods[1].to);
  phase('places');
  const readings = await backfill(headend, households, since, periods[1].to);
  phase('backfill');
  const billed = { bills: 0, posted: 0, released: 0, outsorted: 0 };
  for (const p of periods) {
    const r = await billPeriod(pool, p.period);
    for (const k of Object.keys(billed) as Array<keyof typeof billed>) billed[k] += r[k];
  }
  phase('bills');
  const payments = await seedPayments(pool, households, periods);
  const statement = await seedStatement(pool, households, periods[0].period);
  phase('payments');
  const report: DemoBusinessReport = {
    parties: households.filter((h) => h.partyId).length,
    installations,
    subscriptions: households.reduce((n, h) => n + h.subscriptions.length, 0),
    periods: periods.map((p) => p.period),
    readings,
    ...billed,
    payments,
    statement,
    ms: Date.now() - t0,
    phases,
  };
  log.info(report, `demo: ${report.parties} subscribers, ${report.subscriptions} contracts, bills for ${report.periods.join(' and ')}, ${payments.desk + payments.bank} payments seeded`);
  return report;
}

/** The fleet's gas and water meters paired into households (gas n with water n), as many as there are names. */
async function demoHouseholds(registry: Pick<Headend['registry'], 'load' | 'all'>): Promise<Household[]> {
  await registry.load();
  const serials = registry.all().map((m) => m.serial).filter((s) => /^DEMO-[GW]-\d{6}$/.test(s)).sort();
  const gas = serials.filter((s) => s.startsWith('DEMO-G-'));
  const water = serials.filter((s) => s.startsWith('DEMO-W-'));
  const n = Math.min(gas.length, water.length, HOUSEHOLD_NAMES.length);
  return Array.from({ length: n }, (_, index) => ({ index, gas: gas[index], water: water[index], subscriptions: [] }));
}

async function ensureTariffs(pool: pg.Pool): Promise<void> {
  const stored = new Set((await listTariffs(pool)).map((t) => t.code));
  for (const t of [DEMO_GAS_TARIFF, DEMO_WATER_TARIFF]) if (!stored.has(t.code)) await createTariff(pool, t, ACTOR.username);
}

const sim = (serial: string, commodity: 'gas' | 'water'): SimMeter => ({ serial, secret: '', commodity, registerDigits: commodity === 'gas' ? 8 : 5 });

/** m³ the meter measured over [from, to), hour by hour, the way the fleet would have published it (no faults). */
function consumedM3(meter: SimMeter, from: Date, to: Date): number {
  let litres = 0;
  for (let h = from.getTime(); h < to.getTime(); h += HOUR_MS) litres += consumptionLitres(meter, h);
  return litres / 1000;
}

/** Parties, addresses, premises, installations, fitted meters and move-ins; returns the installations made. */
async function seedPlaces(pool: pg.Pool, registry: Headend['registry'], households: Household[], since: Date, until: Date): Promise<number> {
  let installations = 0;
  let occupied = 0;
  for (const h of households) {
    const street = STREETS[h.index % STREETS.length];
    // Buildings along the street, a few metres apart: close enough to cluster on the map, apart when zoomed in.
    const along = Math.floor(h.index / STREETS.length);
    const address = await createAddress(pool, {
      il: 'Ankara', ilce: 'Çankaya', mahalle: street.mahalle, street: street.name, buildingNo: String(3 + 2 * along), doorNo: String(1 + (h.index % 9)),
      location: { type: 'Point', coordinates: [round6(street.lon + along * street.dLon), round6(street.lat + along * street.dLat)] },
    }, CTX);
    const premise = await createPremise(pool, { addressId: address.id, kind: 'dwelling' }, CTX);
    const vacant = h.index % VACANT_EVERY === VACANT_EVERY - 1;
    if (!vacant) {
      const name = HOUSEHOLD_NAMES[h.index];
      const party = await createParty(pool, {
        kind: 'person', name, nationalId: demoTckn(h.index + 1), phone: `0555000${String(1000 + h.index).slice(-4)}`,
        ...(occupied % 6 === 0 && { iban: demoIban(h.index + 1) }), smsConsent: occupied % 2 === 0, emailConsent: false,
      }, CTX, { source: 'demo' });
      h.partyId = party.id;
    }
    for (const commodity of ['gas', 'water'] as const) {
      const serial = h[commodity];
      const inst = await createInstallation(pool, { premiseId: premise.id, commodity, serviceLine: commodity === 'gas' ? { material: 'pe', diameterMm: '20', pressureClass: '21 mbar' } : { material: 'pe', diameterMm: '25' } }, CTX);
      installations++;
      // The register when the back-fill starts: where the fleet starts, less what the back-filled months add to it.
      const meter = sim(serial, commodity);
      const opening = rollover(initialRegister(meter) - consumedM3(meter, since, until), meter.registerDigits).toFixed(3);
      await installMeter(pool, registry, inst.id, { serial, reading: opening, at: since }, CTX);
      if (vacant) continue;
      const sub = await moveIn(pool, { partyId: h.partyId!, installationId: inst.id, class: 'residential', tariffCode: commodity === 'gas' ? DEMO_GAS_TARIFF.code : DEMO_WATER_TARIFF.code, openingReading: opening, at: since }, CTX);
      h.subscriptions.push({ id: sub.id, serial, commodity });
    }
    if (!vacant) occupied++;
  }
  return installations;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Hourly consumption of every subscribed meter over [from, to), through the ingest pipeline; then rollups. */
async function backfill(headend: Pick<Headend, 'pipeline' | 'runRollupsNow'>, households: Household[], from: Date, to: Date): Promise<number> {
  const meters = households.flatMap((h) => h.subscriptions.map((s) => sim(s.serial, s.commodity)));
  const end = Math.min(to.getTime(), Date.now());
  let count = 0;
  const one = async (m: SimMeter) => {
    const envelopes: Envelope[] = [];
    for (let ts = from.getTime(); ts < end; ts += HOUR_MS) {
      envelopes.push({ id: `demo-history:${m.serial}:${ts}`, ts, type: 'reading', meterSerial: m.serial, channel: 'consumption', value: consumptionLitres(m, ts) / 1000, unit: 'm3', quality: 'good', source: 'file', receivedAt: Date.now(), correlationId: 'demo-business' });
    }
    count += envelopes.length;
    await headend.pipeline.submit({ source: 'file', topic: null, raw: null, envelopes });
  };
  // A few meters at a time: the pipeline's back-pressure paces us, the fleet's own messages keep flowing beside.
  for (let i = 0; i < meters.length; i += 8) await Promise.all(meters.slice(i, i + 8).map(one));
  await headend.runRollupsNow();
  return count;
}

/**
 * One period's bill run, as `abone bill-run` does it, waiting until every shard is done (a start-up worker may take
 * one). Gas bills jump from September to October with the heating, so outsorting holds them as "above average"; the
 * demo's billing clerk releases all but the first, which stays in review so that screen has something to show.
 */
async function billPeriod(pool: pg.Pool, period: string): Promise<{ bills: number; posted: number; released: number; outsorted: number }> {
  const { run } = await startRun(pool, { period, actor: ACTOR.username });
  await runWorker(pool, run.id, { actor: ACTOR.username });
  let p = await runProgress(pool, run.id);
  for (let waited = 0; !p.finishedAt && p.shards.done < p.shards.total; waited += 200) {
    if (waited > 60_000) {
      log.warn({ runId: run.id, period }, 'demo: bill run not finished after a minute; payments may find fewer bills');
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
    p = await runProgress(pool, run.id);
  }
  const held = (await outsortedAccruals(pool, { runId: run.id, limit: 1000 })).filter((a) => a.outsortReason === 'above_average');
  for (const a of held.slice(1)) await releaseAccrual(pool, a.id, ACTOR.username);
  const released = Math.max(0, held.length - 1);
  return { bills: p.bills, posted: p.posted + released, released, outsorted: p.outsorted - released };
}

/** Payments by each household's plan: on the bank channel before the due date, or at the demo desk today. */
async function seedPayments(pool: pg.Pool, households: Household[], periods: Array<{ period: string; lastDay: string }>): Promise<DemoBusinessReport['payments']> {
  const counts = { desk: 0, bank: 0, unpaid: 0 };
  const today = localDate(Date.now());
  const older = periods[0];
  let drawerId: number | undefined;
  const drawer = async () => (drawerId ??= (await openDrawerOf(pool, DEMO_CASHIER))?.id ?? (await withTransaction(pool, (c) => openDrawer(c, { office: DEMO_OFFICE, cashier: DEMO_CASHIER, openingFloat: '500.00' }))).id);
  let k = 0;
  for (const h of households) {
    if (!h.subscriptions.length) continue;
    const plan = paymentPlanOf(k++);
    for (const s of h.subscriptions) {
      const account = await accountForSubscription(pool, s.id).catch(() => undefined);
      if (!account) continue; // nothing billed: no account yet
      if (plan === 'unpaid') {
        counts.unpaid++;
        continue;
      }
      if (plan === 'bank-older-month') {
        // Paid ten days after the period ended: before the due date (ABONE_LEDGER_DUE_DAYS, 15 by default).
        const paidOn = DateTime.fromISO(older.lastDay).plus({ days: 10 }).toISODate()!;
        const on = paidOn < today ? paidOn : today;
        const item = (await debtInquiry(pool, account.id, on)).items.find((i) => i.period === older.period);
        if (!item) continue;
        await takePayment(pool, { accountId: account.id, amount: item.payable, channel: 'bank', source: DEMO_BANK, reference: `DEMO-${older.period}-${s.id}`, businessDate: on, itemIds: [item.itemId], description: 'Banka tahsilatı (demo)', actor: ACTOR.username });
        counts.bank++;
        continue;
      }
      const debt = await debtInquiry(pool, account.id, today);
      const item = debt.items.find((i) => i.period === older.period);
      const [amount, itemIds] = plan === 'desk-cash-all' ? [debt.totalPayable, undefined] : [item?.payable, item && [item.itemId]];
      if (!amount || amount === '0.00') continue;
      const id = await drawer();
      await withTransaction(pool, (c) => takeDeskPayment(c, { subscriptionId: String(s.id), amount, method: plan === 'desk-cash-all' ? 'cash' : 'card', drawerId: id, clientReference: `demo-${s.id}`, itemIds, cashier: DEMO_CASHIER }));
      counts.desk++;
    }
  }
  return counts;
}

/**
 * Today's statement of the utility's collection account, for the statements screen: a transfer whose text names the
 * fifth household's water contract pays its older bill with the late fee to date (matched by the subscriber number),
 * and a transfer nobody can be found for waits in suspense for a clerk.
 */
async function seedStatement(pool: pg.Pool, households: Household[], older: string): Promise<DemoBusinessReport['statement']> {
  const today = localDate(Date.now());
  const day = DateTime.fromISO(today).toFormat('dd.MM.yyyy');
  const lines = [`${day};125,00;DEMO-EFT-KIRA;;Kira ödemesi`];
  const water = households.filter((h) => h.subscriptions.length)[4]?.subscriptions.find((s) => s.commodity === 'water');
  const account = water && (await accountForSubscription(pool, water.id).catch(() => undefined));
  const item = account && (await debtInquiry(pool, account.id, today)).items.find((i) => i.period === older);
  if (water && item) lines.unshift(`${day};${item.payable.replace('.', ',')};DEMO-EFT-${water.id};;ABONE NO ${water.id} ${older} su faturası`);
  const csv = ['date;amount;reference;iban;description', ...lines].join('\n') + '\n';
  const report = await importStatement(pool, parseCsvStatement(csv, { statementId: `DEMO-${today}`, accountIban: demoIban(999_999) }), ACTOR.username);
  return { matched: report.totals.matchedLines, suspense: report.totals.suspenseLines };
}

// --- the demo's data ---------------------------------------------------------------------------------------------

/** Household names, with the letters a Turkish name field must hold (ğ ş ı İ ö ü ç). */
export const HOUSEHOLD_NAMES = [
  'Şükrü Çağlayan', 'İpek Öztürk', 'Gülşen Yıldırım', 'Çağrı Işık', 'Ömer Faruk Güneş', 'Ayşegül Kılıç', 'Tuğba Erdoğan', 'İsmail Çelik',
  'Büşra Şahin', 'Oğuz Aydın', 'Zeynep Doğan', 'Hüseyin Koç', 'Şebnem Aslan', 'Ercüment Özdemir', 'Gökçe Yücel', 'Ilgın Kaya',
  'Mustafa Çakır', 'Nurgül Arslan', 'Barış Uğurlu', 'Didem Şimşek', 'Cengiz Türkmen', 'Özlem Keskin', 'Ümit Karagöz', 'Sevgi Ünal',
  'İlker Bozkurt', 'Duygu Çınar', 'Tolga Akgün', 'Gönül Sarıkaya', 'Serkan Öğüt', 'Elçin Güçlü', 'Kâmil Erbaş', 'Meltem İnce',
  'Uğur Demirtaş', 'Şule Kocabıyık', 'Cansu Yağcı', 'Hakan Gündoğdu', 'Fügen Işıklar', 'Rıza Tekin', 'Pınar Çoşkun', 'Yiğit Ağaoğlu',
];

/** Streets of Çankaya around Kızılay: the first building's point and the step from one building to the next. */
export const STREETS = [
  { name: 'Atatürk Bulvarı', mahalle: 'Kızılay', lon: 32.8543, lat: 39.918, dLon: 0, dLat: 0.0004 },
  { name: 'Meşrutiyet Caddesi', mahalle: 'Meşrutiyet', lon: 32.8562, lat: 39.915, dLon: 0.0005, dLat: 0 },
  { name: 'Karanfil Sokak', mahalle: 'Kızılay', lon: 32.8576, lat: 39.9196, dLon: 0, dLat: -0.0003 },
  { name: 'Tunalı Hilmi Caddesi', mahalle: 'Kavaklıdere', lon: 32.8601, lat: 39.906, dLon: 0, dLat: -0.0005 },
  { name: '7. Cadde', mahalle: 'Bahçelievler', lon: 32.828, lat: 39.922, dLon: 0.0005, dLat: 0 },
];

/** An obviously made-up TCKN (10000 then a serial number) with correct check digits: the registry checks them. */
export function demoTckn(n: number): string {
  const d = [...`10000${String(n).padStart(4, '0')}`].map(Number);
  const tenth = ((((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10) + 10) % 10;
  const eleventh = (d.reduce((a, b) => a + b, 0) + tenth) % 10;
  return d.join('') + tenth + eleventh;
}

/** A made-up IBAN at bank 00062 with correct ISO 13616 check digits: 98 − (account, then "TR00" as digits) mod 97. */
export function demoIban(n: number): string {
  const bban = `000620${String(n).padStart(16, '0')}`;
  let rest = 0;
  for (const ch of `${bban}2927` + '00') rest = (rest * 10 + Number(ch)) % 97;
  return `TR${String(98 - rest).padStart(2, '0')}${bban}`;
}

/**
 * Residential gas, priced per m³ at ESGAZ's per-Sm³ figures of 01.08.2025 (docs/tariffs.md, example 1): gas
 * 7.771789, system usage fee 2.357353, ÖTV 0.1373, KDV 20 % on all of it. Illustrative: see the header.
 */
export const DEMO_GAS_TARIFF = {
  code: 'DEMO-GAZ-KONUT',
  name: 'Konut doğal gaz (demo; ESGAZ 01.08.2025 birim fiyatları, m³ başına)',
  commodity: 'gas',
  unit: 'm3',
  versions: [{
    from: '2025-08-01',
    components: [
      { type: 'flat', code: 'GAS', name: 'Gaz bedeli', unit: 'm3', price: '7.771789' },
      { type: 'flat', code: 'SKB', name: 'Sistem kullanım bedeli', unit: 'm3', price: '2.357353' },
    ],
    taxes: [
      { type: 'per-unit', code: 'OTV', name: 'ÖTV', unit: 'm3', rate: '0.1373' },
      { type: 'percent', code: 'KDV', name: 'KDV %20', rate: '20', includeTaxes: ['OTV'] },
    ],
  }],
};

/** İSKİ konut water and wastewater in 30-day blocks (docs/tariffs.md, example 2); ÇTV and KDV illustrative. */
export const DEMO_WATER_TARIFF = {
  code: 'DEMO-SU-KONUT',
  name: 'Konut su ve atıksu (demo; İSKİ 13.09.2023 birim fiyatları)',
  commodity: 'water',
  unit: 'm3',
  versions: [{
    from: '2023-09-13',
    components: [
      { type: 'block', code: 'SU', name: 'Su bedeli', unit: 'm3', bandDays: 30, bands: [{ from: '0', to: '15', price: '13.76' }, { from: '15', to: '30', price: '19.80' }, { from: '30', price: '26.96' }] },
      { type: 'block', code: 'ATIKSU', name: 'Atıksu bedeli', unit: 'm3', bandDays: 30, linkedTo: 'SU', bands: [{ from: '0', to: '15', price: '6.87' }, { from: '15', to: '30', price: '9.89' }, { from: '30', price: '13.47' }] },
    ],
    taxes: [
      { type: 'per-unit', code: 'CTV', name: 'Çevre temizlik vergisi', unit: 'm3', rate: '1.00' },
      { type: 'percent', code: 'KDV', name: 'KDV %10', rate: '10', on: ['SU', 'ATIKSU'] },
    ],
  }],
};
