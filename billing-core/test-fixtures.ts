/**
 * Tariffs and usage built in code for the tests: the worked examples of docs/tariffs.md that are not JSON files, and
 * helpers to write hourly usage. Prices marked illustrative in docs/tariffs.md are not a utility's published ones.
 */
import { DateTime } from 'luxon';
import { BUSINESS_ZONE } from '../platform/calendar.ts';
import type { TariffInput, UsageInput } from './index.ts';

// The seeded generator, for other contexts' property tests (they reach billing-core's test helpers through this file).
export { Random } from './test-random.ts';

const waterBands = (p1: string, p2: string, p3: string) => [
  { from: '0', to: '15', price: p1 },
  { from: '15', to: '30', price: p2 },
  { from: '30', price: p3 },
];

/** Water with a price change on 2025-06-01 (İSKİ's first band 42.37 → 46.62; the other prices illustrative). */
export const waterPriceChange: TariffInput = {
  code: 'SU-2025',
  commodity: 'water',
  unit: 'm3',
  versions: [
    {
      from: '2025-01-01',
      components: [
        { type: 'fixed', code: 'SABIT', amount: '30.00', per: 'period' },
        { type: 'block', code: 'SU', unit: 'm3', bandDays: 30, bands: waterBands('42.37', '63.56', '86.55') },
      ],
    },
    {
      from: '2025-06-01',
      components: [
        { type: 'fixed', code: 'SABIT', amount: '33.00', per: 'period' },
        { type: 'block', code: 'SU', unit: 'm3', bandDays: 30, bands: waterBands('46.62', '69.92', '95.21') },
      ],
    },
  ],
};

/** Electricity with a block of 100–300 kWh per 30 days (illustrative prices). */
export function electricityBlocks(type: 'block' | 'scale'): TariffInput {
  return {
    code: `ELK-${type.toUpperCase()}`,
    commodity: 'electricity',
    unit: 'kWh',
    versions: [
      {
        from: '2025-01-01',
        components: [
          {
            type,
            code: 'ENERJI',
            unit: 'kWh',
            bandDays: 30,
            bands: [
              { from: '0', to: '100', price: '2.00' },
              { from: '100', to: '300', price: '2.50' },
              { from: '300', price: '3.00' },
            ],
          },
        ],
      },
    ],
  };
}

const threeTime = (t1: string, t2: string, t3: string) => ({
  type: 'tou' as const,
  code: 'ENERJI',
  unit: 'kWh' as const,
  buckets: [
    { name: 'T1', price: t1, hours: [[6, 17]] as Array<[number, number]> },
    { name: 'T2', price: t2, hours: [[17, 22]] as Array<[number, number]> },
    { name: 'T3', price: t3, hours: [[22, 6]] as Array<[number, number]> },
  ],
});

/** Three-time (gündüz 06–17, puant 17–22, gece 22–06) with a price change on 2026-03-06 (illustrative prices). */
export const timeOfUsePriceChange: TariffInput = {
  code: 'ELK-3T',
  commodity: 'electricity',
  unit: 'kWh',
  versions: [
    { from: '2026-01-01', components: [threeTime('2.10', '3.15', '1.30')], taxes: [{ type: 'percent', code: 'KDV', rate: '20' }] },
    { from: '2026-03-06', components: [threeTime('2.31', '3.47', '1.43')], taxes: [{ type: 'percent', code: 'KDV', rate: '20' }] },
  ],
};

/**
 * Hourly points over [from, to) local dates, value chosen per local hour and date; `skip` leaves points out. Instants
 * are written in UTC (`...Z`), as a head-end export would; local days come from the zone rules, hours by adding.
 */
export function hourly(from: string, to: string, value: (hour: number, date: string) => string, skip: (ts: string) => boolean = () => false): NonNullable<UsageInput['intervals']> {
  const out: NonNullable<UsageInput['intervals']> = [];
  const end = DateTime.fromISO(to, { zone: BUSINESS_ZONE });
  for (let day = DateTime.fromISO(from, { zone: BUSINESS_ZONE }); day < end; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    const next = day.plus({ days: 1 }).toMillis();
    for (let ms = day.toMillis(), hour = 0; ms < next; ms += 3_600_000, hour++) {
      const ts = new Date(ms).toISOString();
      if (!skip(ts)) out.push({ ts, value: value(hour, date) });
    }
  }
  return out;
}

export function daily(from: string, to: string, value: (date: string) => string, skip: (date: string) => boolean = () => false): NonNullable<UsageInput['intervals']> {
  const out: NonNullable<UsageInput['intervals']> = [];
  const end = DateTime.fromISO(to, { zone: BUSINESS_ZONE });
  for (let t = DateTime.fromISO(from, { zone: BUSINESS_ZONE }); t < end; t = t.plus({ days: 1 })) {
    const date = t.toISODate()!;
    if (!skip(date)) out.push({ ts: new Date(t.toMillis()).toISOString(), value: value(date) });
  }
  return out;
}
