/**
 * The shape of a usage file: what one installation consumed over one period. Either interval consumption (hourly or
 * daily points, each the quantity consumed in the hour or day starting at `ts`), or two register reads (start and
 * end index; `digits` integer digits of the register, for rollover). `history` holds earlier points of the same
 * resolution, used only to estimate missing ones from like days. Gas usage carries the period's K and calorific value.
 * `exemptions` (tax codes) and `discounts` (discount component codes) are what this subscriber is entitled to.
 * `cycle` is the billing period [from, to) the usage belongs to when it covers only part of it (a contract that
 * started or ended inside the month): per-period amounts of prorating components are shared over the cycle's days.
 */
import { z } from 'zod';
import { codeField, localDateField, nonNegativeField, positiveField, unitField } from './fields.ts';

export const MAX_POINTS = 50_000;

/** One interval point; checked by usage-points.ts, not by zod, because a month of hours is 720 of them. */
export interface UsagePoint {
  ts: string;
  value: string;
  estimated?: boolean;
}

export const usageSchema = z.strictObject({
  unit: unitField,
  from: localDateField,
  to: localDateField,
  resolution: z.enum(['hour', 'day']).optional(),
  intervals: z.array(z.unknown()).max(MAX_POINTS).optional(),
  reads: z
    .strictObject({
      start: nonNegativeField,
      end: nonNegativeField,
      digits: z.number().int().min(1).max(12).optional(),
      estimated: z.boolean().optional(),
    })
    .optional(),
  history: z.array(z.unknown()).max(MAX_POINTS).optional(),
  /** The whole billing period when the usage covers only part of it (a move-in or move-out inside the month). */
  cycle: z.strictObject({ from: localDateField, to: localDateField }).optional(),
  gas: z.strictObject({ correctionFactor: positiveField, calorificValue: positiveField }).optional(),
  exemptions: z.array(codeField).max(20).optional(),
  discounts: z.array(codeField).max(20).optional(),
});

type Parsed = z.output<typeof usageSchema>;
export type UsageInput = Omit<z.input<typeof usageSchema>, 'intervals' | 'history'> & { intervals?: Array<{ ts: string; value: string | number; estimated?: boolean }>; history?: Array<{ ts: string; value: string | number }> };
export type UsageFile = Omit<Parsed, 'intervals' | 'history'> & { intervals?: UsagePoint[]; history?: UsagePoint[] };
