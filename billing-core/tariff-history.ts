/**
 * A subscriber's tariff over time. When the tariff *code* changes inside a period (a residence becomes a shop, a
 * subscriber moves to a social tariff), the days before the change are priced by the old tariff and the days from it
 * by the new one, exactly as a version change inside one tariff: `combineTariffs` builds one tariff whose versions are
 * each part's versions clipped to the days the part was assigned, so slicing and proration work unchanged (band limits,
 * allowances and per-period charges shared by days; each slice its own KDV base).
 *
 * The parts must follow each other without gap or overlap and meter the same commodity in the same unit (a water
 * tariff cannot hand over to a gas one). A component that does not prorate is priced once over the whole period, with
 * the last version that has it, as within one tariff. The combined tariff keeps the code of the last part (the tariff
 * the subscriber is on at the end), and `tariffOfVersion` tells which part a slice's version came from.
 */
import type { LocalDate } from '../platform/calendar.ts';
import type { Tariff, TariffVersion } from './tariff-schema.ts';
import { tariffInvalid } from './errors.ts';

export interface TariffPart {
  tariff: Tariff;
  /** First day the part is assigned (inclusive). */
  from: LocalDate;
  /** Day the next part starts (exclusive); omitted for the last part. */
  to?: LocalDate;
}

const partOf = new WeakMap<TariffVersion, string>();

/** The code of the tariff a version of a combined tariff came from (undefined for a version of a single tariff). */
export function tariffOfVersion(v: TariffVersion): string | undefined {
  return partOf.get(v);
}

export function combineTariffs(parts: TariffPart[]): Tariff {
  if (parts.length === 0) throw tariffInvalid(['parts'], 'must name at least one tariff');
  if (parts.length === 1) return parts[0].tariff;
  const first = parts[0].tariff;
  const versions: TariffVersion[] = [];
  const holidays = new Set<string>();
  parts.forEach((part, i) => {
    const t = part.tariff;
    if (t.commodity !== first.commodity) throw tariffInvalid(['parts', i, 'commodity'], `must be ${first.commodity} like ${first.code}: ${t.code} is ${t.commodity}`);
    if (t.unit !== first.unit) throw tariffInvalid(['parts', i, 'unit'], `must be ${first.unit} like ${first.code}: ${t.code} is metered in ${t.unit}`);
    const next = parts[i + 1];
    if (next && part.to !== next.from) throw tariffInvalid(['parts', i, 'to'], `must be the next part's from (${next.from}): parts follow each other without gap`);
    if (!next && part.to !== undefined) throw tariffInvalid(['parts', i, 'to'], 'must be omitted on the last part');
    if (part.to !== undefined && part.to <= part.from) throw tariffInvalid(['parts', i, 'to'], `must be after from (${part.from})`);
    for (const h of t.holidays) holidays.add(h);
    t.versions.forEach((v, vi) => {
      const end = v.to ?? t.versions[vi + 1]?.from;
      const from = v.from > part.from ? v.from : part.from;
      const to = end === undefined ? part.to : part.to === undefined || end < part.to ? end : part.to;
      if (to !== undefined && to <= from) return;
      const clipped: TariffVersion = { ...v, from, ...(to !== undefined ? { to } : {}) };
      partOf.set(clipped, t.code);
      versions.push(clipped);
    });
  });
  const last = parts[parts.length - 1].tariff;
  return { ...last, holidays: [...holidays].sort(), versions };
}
