/**
 * The shape of a tariff file. A tariff is data: a code, the commodity and the unit it is metered in, a list of public
 * holidays, and effective-dated versions. Each version holds the whole price list in force from its `from` date
 * (inclusive) to the next version's `from` (or its own `to`, exclusive): a price or tax change is a new version.
 * tariff-rules.ts adds the checks a schema cannot express (contiguous versions, bands without gaps, references).
 */
import { z } from 'zod';
import { codeField, localDateField, monthDayField, nameField, nonNegativeField, percentField, positiveField, unitField } from './fields.ts';

const base = {
  code: codeField,
  name: nameField.optional(),
};

/** Whether the component is cut at every version change inside the period (true) or priced once, at the version in force on the period's last day (false). */
const prorate = z.boolean().default(true);

const consumptionBase = {
  ...base,
  prorate,
  /** The unit the component is priced in; quantities are converted from the tariff's metered unit (gas: m³ → Sm³ → kWh). */
  unit: unitField,
  /** Price this component on another component's billed quantity (e.g. wastewater on water), times `factor`. */
  linkedTo: codeField.optional(),
  factor: positiveField.optional(),
};

/** A quantity per billing period that is not charged (prorated by days like band limits). */
const free = nonNegativeField.optional();

const fixedComponent = z.strictObject({ ...base, prorate, type: z.literal('fixed'), amount: nonNegativeField, per: z.enum(['period', 'day']) });
const flatComponent = z.strictObject({ ...consumptionBase, type: z.literal('flat'), price: nonNegativeField, free });

const band = z.strictObject({ from: nonNegativeField, to: nonNegativeField.optional(), price: nonNegativeField });
const bandsBase = {
  ...consumptionBase,
  free,
  bands: z.array(band).min(1).max(50),
  /** Band limits are per this many days (30 for "m³ per month") and scale with the days billed; omitted: per billing period. */
  bandDays: z.number().int().min(1).max(366).optional(),
};
/** Block (kademe) pricing: each band's quantity at its own price. */
const blockComponent = z.strictObject({ ...bandsBase, type: z.literal('block') });
/** Scale pricing: the whole quantity at the price of the band it reaches. */
const scaleComponent = z.strictObject({ ...bandsBase, type: z.literal('scale') });

export const DAY_TYPES = ['weekday', 'saturday', 'sunday', 'holiday'] as const;
export type DayType = (typeof DAY_TYPES)[number];
const hourRange = z.tuple([z.number().int().min(0).max(23), z.number().int().min(0).max(24)]);
const season = z.strictObject({ name: codeField, from: monthDayField, to: monthDayField });
const bucket = z.strictObject({
  name: codeField,
  price: nonNegativeField,
  /** [from, to) local hours; from > to wraps past midnight ([22, 6] is 22:00–06:00). */
  hours: z.array(hourRange).min(1).max(24),
  dayTypes: z.array(z.enum(DAY_TYPES)).min(1).optional(),
  seasons: z.array(codeField).min(1).optional(),
});
/** Time-of-use: every hourly point falls in exactly one bucket by hour × day type × season. Needs hourly intervals. */
const touComponent = z.strictObject({
  ...consumptionBase,
  type: z.literal('tou'),
  seasons: z.array(season).min(1).max(12).optional(),
  buckets: z.array(bucket).min(1).max(48),
});

/** Tops the listed components up to `amount` per period (prorated by days unless `prorate` is false). */
const minimumComponent = z.strictObject({ ...base, prorate, type: z.literal('minimum'), amount: nonNegativeField, on: z.array(codeField).min(1).optional() });
/** A percentage off the listed components, for subscribers entitled to it (rating option `discounts`). */
const discountComponent = z.strictObject({ ...base, type: z.literal('discount'), percent: percentField, on: z.array(codeField).min(1) });

export const componentSchema = z.discriminatedUnion('type', [fixedComponent, flatComponent, blockComponent, scaleComponent, touComponent, minimumComponent, discountComponent]);

/** ÖTV per Sm³, ÇTV per m³: the tax rate times the consumption in `unit`. */
const perUnitTax = z.strictObject({ ...base, prorate, type: z.literal('per-unit'), rate: nonNegativeField, unit: unitField });
/** KDV: `rate` percent of the listed components (all charges when `on` is omitted) plus the listed earlier taxes. */
const percentTax = z.strictObject({ ...base, type: z.literal('percent'), rate: percentField, on: z.array(codeField).min(1).optional(), includeTaxes: z.array(codeField).min(1).optional() });
export const taxSchema = z.discriminatedUnion('type', [perUnitTax, percentTax]);

export const versionSchema = z.strictObject({
  from: localDateField,
  to: localDateField.optional(),
  components: z.array(componentSchema).min(1).max(100),
  taxes: z.array(taxSchema).max(20).default([]),
});

export const tariffSchema = z.strictObject({
  code: codeField,
  name: nameField.optional(),
  commodity: z.enum(['gas', 'water', 'electricity']),
  /** The unit the meters of this tariff measure consumption in. */
  unit: unitField,
  /** Public holidays (YYYY-MM-DD) for time-of-use day types; religious holidays move, so they are data. */
  holidays: z.array(localDateField).max(2000).default([]),
  versions: z.array(versionSchema).min(1).max(1000),
});

export type Tariff = z.output<typeof tariffSchema>;
export type TariffInput = z.input<typeof tariffSchema>;
export type TariffVersion = z.output<typeof versionSchema>;
export type TariffVersionInput = z.input<typeof versionSchema>;
export type Component = z.output<typeof componentSchema>;
export type Tax = z.output<typeof taxSchema>;
export type Band = z.output<typeof band>;
export type TouComponent = z.output<typeof touComponent>;
export type BandedComponent = z.output<typeof blockComponent> | z.output<typeof scaleComponent>;
export type ConsumptionComponent = Extract<Component, { unit: unknown }>;
