/**
 * The shape of a usage file: what one installation consumed over one period. Either interval consumption (hourly or
 * daily points, each the quantity consumed in the hour or day starting at `ts`), or two register reads (start and
 * end index; `digits` integer digits of the register, for rollover). `history` holds earlier points of the same
 * resolution, used only to estimate missing ones from like days. Gas usage carries the period's K and calorific value.
 * `exemptions` (tax codes) and `discounts` (discount component codes) are what this subscriber is entitled to.
 */
import { z } from 'zod';
import { codeField, instantField, localDateField, nonNegativeField, positiveField, unitField } from './fields.ts';

export const MAX_POINTS = 50_000;

const point = z.strictObject({ ts: instantField, value: nonNegativeField, estimated: z.boolean().optional() });

export const usageSchema = z.strictObject({
  unit: unitField,
  from: localDateField,
  to: localDateField,
  resolution: z.enum(['hour', 'day']).optional(),
  intervals: z.array(point).max(MAX_POINTS).optional(),
  reads: z
    .strictObject({
      start: nonNegativeField,
      end: nonNegativeField,
      digits: z.number().int().min(1).max(12).optional(),
      estimated: z.boolean().optional(),
    })
    .optional(),
  history: z.array(point.omit({ estimated: true })).max(MAX_POINTS).optional(),
  gas: z.strictObject({ correctionFactor: positiveField, calorificValue: positiveField }).optional(),
  exemptions: z.array(codeField).max(20).optional(),
  discounts: z.array(codeField).max(20).optional(),
});

export type UsageInput = z.input<typeof usageSchema>;
export type UsageFile = z.output<typeof usageSchema>;
