/**
 * npm run bench:registry [-- --n 1000000 --batch 10000 --queries 40]
 *
 * On a fresh database: imports N subscribers (holder, address with coordinates, premise, installation, contract and
 * tariff per row) from one generated CSV through the real import (streaming parser, row checks, batches of COPY in
 * one transaction each), and COPYs the same CSV bytes into a bare text table in the same run (raw COPY: the floor,
 * no checks, no indexes). Then times polygon selection of ~10 % of the points (registry installation ids, and live
 * contracts on top) and party searches (by name, national id, address, map point), printing p50/p95 ms. The table
 * states N.
 */
import './quiet.ts';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import { from as copyFrom } from 'pg-copy-streams';
import { createUser, loadActor, syncCatalogue } from '../modules/access/index.ts';
import { addressesInPolygon, installationsInPolygon, searchParties, type CallContext, type GeoPolygon } from '../modules/registry/index.ts';
import { importSubscribers, partiesByAddress, partiesNearPoint, subscriptionsInPolygon, SUBSCRIBER_COLUMNS } from '../modules/subscriptions/index.ts';
import { openBenchServer } from './db.ts';

const { values: opt } = parseArgs({ options: { n: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '10000' }, queries: { type: 'string', default: '40' } } });
const N = Number(opt.n);
const BATCH = Number(opt.batch);
const Q = Number(opt.queries);

// Points uniform in lon/lat over a 1° × 1° box around Ankara; a polygon 0.1° wide and the box's full height holds 10 %.
const LON0 = 32.3, LAT0 = 39.6;
const FIRST = ['Ayşe', 'Mehmet', 'Fatma', 'Mustafa', 'Emine', 'Ahmet', 'Hatice', 'Ali', 'Zeynep', 'Hüseyin', 'Elif', 'İbrahim', 'Şükrü', 'Gülşen', 'Çağla', 'Öznur', 'Ümit', 'Ilgın'];
const LAST = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Kara', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Güneş', 'Ağaoğlu'];
const ILCE = ['Çankaya', 'Keçiören', 'Yenimahalle', 'Mamak', 'Etimesgut', 'Sincan', 'Altındağ', 'Pursaklar', 'Gölbaşı', 'Polatlı'];
const STREET = ['Atatürk Bulvarı', 'İnönü Caddesi', 'Gazi Mustafa Kemal Bulvarı', 'Şehit Ömer Halisdemir Caddesi', 'Çiçek Sokak', 'Güvenlik Caddesi', 'Ilgaz Sokak', 'Öğretmenler Caddesi'];

/** Deterministic pseudo-random numbers, so every run imports the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function tckn(i: number): string {
  const d = [...String(100_000_000 + i)].map(Number); // unique 9-digit stems, first digit non-zero
  const tenth = ((((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10) + 10) % 10;
  return d.join('') + tenth + ((d.reduce((a, b) => a + b, 0) + tenth) % 10);
}

/** The CSV, in ~1 MiB chunks; every 10th holder has a second contract (a party holds many). */
function* csv(): Generator<Buffer> {
  const r = rng(42);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  let text = SUBSCRIBER_COLUMNS.join(',') + '\n';
  for (let i = 0; i < N; i++) {
    const holder = i % 10 === 9 ? i - 1 : i;
    const lon = (LON0 + r()).toFixed(7), lat = (LAT0 + r()).toFixed(7);
    text += `person,${pick(FIRST)} ${pick(LAST)},${tckn(holder)},Ankara,${pick(ILCE)},Mahalle ${1 + (i % 300)},${pick(STREET)},${1 + (i % 250)},${1 + (i % 40)},${i % 3 === 0 ? String(1_000_000_000 + i) : ''},${lon},${lat},dwelling,${i % 4 === 0 ? 'water' : 'gas'},residential,GAS-RES,2020-01-0${1 + (i % 9)}\n`;
    if (text.length > 1 << 20) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text) yield Buffer.from(text);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
async function timed(n: number, work: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number; result: unknown }> {
  const ms: number[] = [];
  let result: unknown;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    result = await work(i);
    ms.push(performance.now() - t);
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95), result };
}

const server = await openBenchServer();
const db = await server.createDatabase('registry');
const out: string[] = [];
try {
  await syncCatalogue(db.pool);
  const userId = await createUser(db.pool, { username: 'bench-import', displayName: 'bench', password: 'correct horse battery staple', roles: [{ role: 'admin' }] });
  const ctx: CallContext = { actor: (await loadActor(db.pool, userId, 'session'))!, correlationId: 'bench' };
  const bytes = [...csv()].reduce((a, b) => a + b.length, 0);

  // Raw COPY of the same bytes into a bare text table: what PostgreSQL alone costs for getting the file in.
  await db.pool.query(`CREATE UNLOGGED TABLE bench_raw (${SUBSCRIBER_COLUMNS.map((c) => `${c} text`).join(', ')})`);
  const c = await db.pool.connect();
  let t = performance.now();
  await pipeline(Readable.from(csv()), c.query(copyFrom(`COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)`)));
  const rawS = (performance.now() - t) / 1000;
  c.release();
  await db.pool.query('DROP TABLE bench_raw');

  t = performance.now();
  const report = await importSubscribers(db.pool, Readable.from(csv()), ctx, { batchSize: BATCH });
  const importS = (performance.now() - t) / 1000;
  if (report.imported !== N) throw new Error(`imported ${report.imported} of ${N}: ${JSON.stringify(report.rejected.slice(0, 5))}`);
  await db.pool.query('ANALYZE');
  const counts = (await db.pool.query('SELECT (SELECT count(*) FROM party) p, (SELECT count(*) FROM address) a, (SELECT count(*) FROM subscription) s')).rows[0];

  const strip = (i: number): GeoPolygon => {
    const w = LON0 + ((i * 0.37) % 0.9);
    return { type: 'Polygon', coordinates: [[[w, LAT0 - 0.01], [w + 0.1, LAT0 - 0.01], [w + 0.1, LAT0 + 1.01], [w, LAT0 + 1.01], [w, LAT0 - 0.01]]] };
  };
  const points = await timed(Math.max(5, Math.floor(Q / 2)), (i) => addressesInPolygon(db.pool, strip(i)).then((ids) => ids.length));
  const poly = await timed(Math.max(5, Math.floor(Q / 2)), (i) => installationsInPolygon(db.pool, strip(i)).then((ids) => ids.length));
  const subPoly = await timed(Math.max(5, Math.floor(Q / 4)), (i) => subscriptionsInPolygon(db.pool, strip(i), { limit: 10 }).then((r) => r.count));
  const r = rng(7);
  const byName = await timed(Q, (i) => searchParties(db.pool, LAST[i % LAST.length], 50, ctx).then((x) => x.length));
  const byNamePrefix = await timed(Q, (i) => searchParties(db.pool, `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`, 50, ctx).then((x) => x.length));
  const byId = await timed(Q, () => searchParties(db.pool, tckn(Math.floor(r() * N)), 50, ctx).then((x) => x.length));
  const byAddress = await timed(Q, (i) => partiesByAddress(db.pool, `${STREET[i % STREET.length].split(' ')[0]} ${1 + (i % 250)} ${1 + (i % 40)} mahalle ${1 + (i % 300)}`, 50, ctx).then((x) => x.length));
  const byPoint = await timed(Q, () => partiesNearPoint(db.pool, [LON0 + r(), LAT0 + r()], 100, 20, ctx).then((x) => x.length));

  const f = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  out.push(
    `PostgreSQL ${server.version}${server.embedded ? ' (embedded)' : ''}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0].toFixed(1)}; N = ${f(N)} subscribers, CSV ${f(bytes / 2 ** 20, 1)} MiB, batches of ${f(BATCH)}`,
    '',
    '| import path | rows | seconds | rows/s | vs raw COPY |',
    '|---|---:|---:|---:|---:|',
    `| raw COPY of the CSV into a bare text table (reference) | ${f(N)} | ${f(rawS, 2)} | ${f(N / rawS)} | 100 % |`,
    `| importSubscribers: parse, check, party + address + premise + installation + contract + tariff, indexes | ${f(N)} | ${f(importS, 2)} | ${f(N / importS)} | ${((rawS / importS) * 100).toFixed(0)} % |`,
    '',
    `After import: ${f(counts.p)} parties, ${f(counts.a)} addresses, ${f(counts.s)} subscriptions.`,
    '',
    '| query (N as above) | runs | p50 ms | p95 ms | last result |',
    '|---|---:|---:|---:|---:|',
    `| address points inside a 0.1° × 1° polygon (~10 %; GiST alone) | ${Math.max(5, Math.floor(Q / 2))} | ${f(points.p50, 1)} | ${f(points.p95, 1)} | ${f(points.result as number)} ids |`,
    `| installations inside the same polygon (address → premise → installation) | ${Math.max(5, Math.floor(Q / 2))} | ${f(poly.p50, 1)} | ${f(poly.p95, 1)} | ${f(poly.result as number)} ids |`,
    `| live subscriptions inside the same polygon | ${Math.max(5, Math.floor(Q / 4))} | ${f(subPoly.p50, 1)} | ${f(subPoly.p95, 1)} | ${f(subPoly.result as number)} contracts |`,
    `| party search, a surname (infix, thousands match, first 50 by name) | ${Q} | ${f(byName.p50, 1)} | ${f(byName.p95, 1)} | ${byName.result} parties (limit 50) |`,
    `| party search, full name (infix) | ${Q} | ${f(byNamePrefix.p50, 1)} | ${f(byNamePrefix.p95, 1)} | ${byNamePrefix.result} parties (limit 50) |`,
    `| party search, TCKN | ${Q} | ${f(byId.p50, 1)} | ${f(byId.p95, 1)} | ${byId.result} party |`,
    `| party search by address (street, building, door, mahalle) | ${Q} | ${f(byAddress.p50, 1)} | ${f(byAddress.p95, 1)} | ${byAddress.result} parties |`,
    `| party search by map point (holders within 100 m) | ${Q} | ${f(byPoint.p50, 1)} | ${f(byPoint.p95, 1)} | ${byPoint.result} parties |`,
    '',
    'Every search is audited (one audit_log row each), as in production. Times are wall-clock on a shared machine.',
  );
  console.log(out.join('\n'));
} finally {
  await db.drop();
  await server.stop();
}
