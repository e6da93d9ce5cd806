/**
 * What an address may hold. Address parts are names of places and numbers, so they are checked against what such
 * names contain (letters of any script, digits, spaces and . , ' - / ( ) &) rather than escaped later: a field
 * carrying `;`, quotes, `<`, backslashes or control characters is refused with a reason, and so is one that starts
 * like a spreadsheet formula (= + - @), because address exports are opened in spreadsheets.
 */
import { z } from 'zod';
import { GeoPointSchema } from './geo.ts';
import { nameKey } from './name-key.ts';

export const ADDRESS_PART = /^[\p{L}\p{M}\p{N} .,'’\-/()&]*$/u;
export const FORMULA_START = /^[=+\-@]/;

const Part = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(ADDRESS_PART, 'letters, digits, spaces and . , \' - / ( ) & only')
    .refine((s) => !FORMULA_START.test(s), 'must not start with = + - @')
    .transform((s) => s.replace(/\s+/g, ' '));

export const AddressSchema = z.object({
  il: Part(50),
  ilce: Part(50),
  mahalle: Part(100),
  street: Part(150),
  buildingNo: Part(20),
  doorNo: Part(20).optional(),
  uavtCode: z.string().regex(/^[0-9]{10}$/, '10 digits').optional(),
  location: GeoPointSchema,
});
export type AddressInput = z.output<typeof AddressSchema>;

/** The folded keys stored with an address: il and ilçe for counts by region, the whole line for search. */
export function addressKeys(a: Pick<AddressInput, 'il' | 'ilce' | 'mahalle' | 'street' | 'buildingNo' | 'doorNo'>) {
  return {
    ilKey: nameKey(a.il),
    ilceKey: nameKey(a.ilce),
    searchKey: nameKey([a.street, a.buildingNo, a.doorNo ?? '', a.mahalle, a.ilce, a.il].join(' ')),
  };
}

export const PREMISE_KINDS = ['dwelling', 'shop', 'office', 'factory', 'public_building', 'place_of_worship', 'other'] as const;
export const COMMODITIES = ['gas', 'water', 'electricity'] as const;
export const LINE_MATERIALS = ['pe', 'steel', 'copper', 'pvc', 'ductile_iron', 'cable', 'other'] as const;

export const PremiseSchema = z.object({ addressId: z.number().int().positive(), kind: z.enum(PREMISE_KINDS) });

const Decimal1 = z.string().regex(/^\d{1,6}(\.\d)?$/, 'a decimal with at most one digit after the point');

export const InstallationSchema = z.object({
  premiseId: z.number().int().positive(),
  commodity: z.enum(COMMODITIES),
  serviceLine: z
    .object({
      material: z.enum(LINE_MATERIALS).optional(),
      diameterMm: Decimal1.optional(),
      lengthM: Decimal1.optional(),
      builtOn: z.iso.date().optional(),
      pressureClass: z.string().max(20).regex(/^[\p{L}\p{N} .,/]*$/u).optional(),
    })
    .default({}),
});
export type InstallationInput = z.output<typeof InstallationSchema>;
