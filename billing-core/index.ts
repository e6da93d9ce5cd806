/**
 * billing-core: tariffs, proration, rating and estimation in pure TypeScript — no I/O, so the same code prices a
 * bill run on the server and a reading on a field handheld. The whole API:
 *
 *   parseTariff(json) → Tariff
 *       Validates a tariff file (docs/tariffs.md has the format). Throws AboneError ABONE_ERR_BILLING_TARIFF_INVALID
 *       whose params.path names the field (`versions[1].components[0].bands[2].from`) and params.detail says why.
 *   appendVersion(tariff, version) → Tariff
 *       A new effective-dated version; the previous one ends on the new one's `from` day. Validated like parseTariff.
 *   rate(tariff, usageJson) → BillJson
 *       Validates the usage file (ABONE_ERR_BILLING_USAGE_INVALID with params.path, e.g. `intervals[3].ts`), fills
 *       gaps (≤ 2 h linear, longer from like days; marked estimated), cuts the period into slices at version changes,
 *       and prices it. Every number in the result is a decimal string: lines (component, from/to, quantity, unit,
 *       unitPrice, amount, taxBase, estimated, estimatedShare) and totals (net, taxes, gross).
 *       A usage may name its `cycle`, the whole billing period when it covers only part of it (a move-in or move-out
 *       inside the month): per-period amounts of prorating components are then shared over the cycle's days.
 *   parseUsage(json) → MeteredUsage, rateUsage(tariff, usage) → BillJson
 *       The two halves of rate, for callers that keep the parsed usage (bill runs re-rating after a correction).
 *   toMeteredUsage(usageFile) → MeteredUsage
 *       For a typed UsageFile the caller built itself (daily rollups): skips the schema, keeps the other checks.
 *       A tariff from parseTariff is immutable data; parse it once and rate many usages with it.
 *   dailyUsage({unit, from, to, cycle?, days: [{ms, value}], gas?}) → MeteredUsage
 *       The trusted path for a daily series the caller read from its own store (bill runs): no schema and no instant
 *       parsing, only the checks a wrong caller could still fail (a day not a local midnight of the period, a
 *       repeated day, a negative value); missing days estimated as for a file.
 *   dayTotalUsage({unit, from, to, cycle?, quantity, gas?}) → MeteredUsage
 *       The same days given as their sum, when the caller knows every day is there (a complete monthly rollup): the
 *       same bill as dailyUsage over a period of one slice (`oneVersionOver(tariff, from, to)`); refused over more.
 *   rateDayTotal(tariff, {unit, from, to, cycle?, quantity, gas?}) → BillJson
 *       Exactly rateUsage(tariff, dayTotalUsage(...)), computed with scaled integers from a plan made once per tariff
 *       and period where the tariff's components allow it (total-rating.ts), else by that reference path.
 *   billLinesJson(bill.lines) → string
 *       JSON.stringify(bill.lines); for a bill of rateDayTotal's fast path, the text written as it was rated.
 *   combineTariffs([{tariff, from, to?}, ...]) → Tariff
 *       A subscriber's tariff codes over a period as one tariff: each part's versions clipped to its days, so a code
 *       change mid-period is sliced and prorated like a version change. Same commodity and unit, no gaps.
 *   sliceSchedule(tariff, buildPeriod(from, to)) → Slice[]
 *       The slices of a period: whole local days, one version each, adding up to the period.
 *   readsConsumption(start, end, digits), gasKwh(m3, K, kcal)
 *       Register-read differences with rollover, and gas volume to energy (kWh = m³ × K × kcal/m³ ÷ 860.42).
 *
 * Rounding: quantities derived by rating (converted units, prorated band limits and allowances, register reads split
 * by days, estimates) are rounded half away from zero to 3 places; each line's amount to the kuruş, half away from
 * zero, from its shown quantity and full-precision unit price; totals are sums of lines. Dates are Europe/Istanbul
 * local dates, periods [from, to).
 */
import { Dec } from './quantity.ts';
import { convert } from './units.ts';

export { parseTariff, appendVersion } from './tariff.ts';
export { rate, rateUsage } from './rate.ts';
export { parseUsage, toMeteredUsage, dailyUsage, dayTotalUsage, type MeteredUsage, type DailySeries, type DayTotal } from './usage.ts';
export { rateDayTotal, billLinesJson } from './total-rating.ts';
export { combineTariffs, tariffOfVersion, type TariffPart } from './tariff-history.ts';
export { sliceSchedule, oneVersionOver, type Slice } from './slices.ts';
export { buildPeriod, type Period } from './period.ts';
export { readsConsumption } from './register-reads.ts';
export { KCAL_PER_KWH } from './units.ts';
export type { Tariff, TariffInput, TariffVersion, TariffVersionInput, Component, Tax } from './tariff-schema.ts';
export type { UsageInput, UsageFile } from './usage-schema.ts';
export type { BillJson, BillLineJson } from './bill-line.ts';

/** Gas energy of a volume at line conditions: m³ × K × kcal/m³ ÷ 860.42, unrounded. */
export function gasKwh(m3: string, correctionFactor: string, calorificValue: string): string {
  return convert(new Dec(m3), 'm3', 'kWh', { correctionFactor: new Dec(correctionFactor), calorificValue: new Dec(calorificValue) }).toFixed();
}
