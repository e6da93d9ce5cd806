/**
 * Consumption profiles of residential gas and water meters: what one meter measures in one hour. Pure functions of
 * (meter, hour): every draw is keyed by the serial and the hour, so any hour can be computed without the ones before
 * it (a fleet starts anywhere, a test sums a year directly).
 *
 * Time convention of the readings of hour [H, H+1h):
 *   consumption  stamped H      an interval value belongs to the hour it measured; the head-end's hourly rollup
 *                               buckets by ts in [hour, hour+1h), so a start stamp lands it in its own hour and day
 *   volume       stamped H+1h   the register index at the end of the hour (volume(H+1h) - volume(H) = consumption(H))
 *   pressure, temperature       samples at H+1h, taken when the meter closes its interval
 *   battery      stamped H+1h   once a day, on the hour that ends at local midnight (Europe/Istanbul)
 */
import { DateTime } from 'luxon';
import { BUSINESS_ZONE } from '../platform/calendar.ts';
import { keyedUnit, seedFrom } from './random.ts';

export type SimCommodity = 'gas' | 'water';

export interface SimMeter {
  serial: string;
  secret: string;
  commodity: SimCommodity;
  registerDigits?: number; // integer digits of the register (the model's `register_digits`); it wraps after them
}

/** A reading as the MQTT payload carries it (collectors/mqtt/payload.ts). */
export interface SimReading {
  ts: string;
  ch: string;
  v: number;
  u: string;
  q?: 'good' | 'estimated' | 'suspect' | 'clock_corrected';
}

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The channels a simulated meter reports: a model registered for simulated meters needs all of them. */
export const SIMULATED_CHANNELS = ['consumption', 'volume', 'pressure', 'temperature', 'battery'] as const;

// --- weather: one region, shared by every meter ---------------------------------------------------------------

const WEATHER_SEED = seedFrom('abone-weather-tr');
const WEATHER_KNOT_DAYS = 3; // weather noise drifts over a few days: cold spells, not independent random days

interface HourContext {
  localHour: number;
  dayOfYear: number; // fractional, 1 = Jan 1st 00:00 local
  outdoorC: number;
}

const contexts = new Map<number, HourContext>();

/** Local hour, season and outdoor temperature of an hour; cached because every meter of a fleet asks for it. */
function hourContext(hourStart: number): HourContext {
  let ctx = contexts.get(hourStart);
  if (ctx) return ctx;
  const dt = DateTime.fromMillis(hourStart, { zone: BUSINESS_ZONE });
  const dayOfYear = dt.ordinal + dt.hour / 24;
  // Seasonal mean for inland/western Türkiye: ~2 °C mid-January, ~26 °C mid-July.
  const seasonal = 14 - 12 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
  // Daily swing of ±5 °C: coldest before dawn (~03:00), warmest mid-afternoon (~15:00).
  const swing = 5 * Math.sin((2 * Math.PI * (dt.hour - 9)) / 24);
  const localDays = (hourStart + dt.offset * 60_000) / DAY_MS;
  ctx = { localHour: dt.hour, dayOfYear, outdoorC: seasonal + swing + weatherNoise(localDays) };
  if (contexts.size > 100_000) contexts.clear(); // a bound, not a policy: recomputing is cheap
  contexts.set(hourStart, ctx);
  return ctx;
}

/** ±4 °C of weather, interpolated between knots a few days apart. */
function weatherNoise(localDays: number): number {
  const k = localDays / WEATHER_KNOT_DAYS;
  const k0 = Math.floor(k);
  const a = keyedUnit(WEATHER_SEED, k0);
  const b = keyedUnit(WEATHER_SEED, k0 + 1);
  return ((a + (b - a) * (k - k0)) - 0.5) * 8;
}

export function outdoorTemperature(hourStart: number): number {
  return hourContext(hourStart).outdoorC;
}

/** Heating degree days base 15 °C, per hour: what a house loses to the outside in that hour. */
export function heatingDegreeDaysOfHour(hourStart: number): number {
  return Math.max(0, 15 - outdoorTemperature(hourStart)) / 24;
}

// --- the household behind a meter ------------------------------------------------------------------------------

interface Traits {
  seed: number;
  scale: number; // house size / family size: 0.75 .. 1.3
  initialLitres: number;
  pressureOffset: number;
  batteryAt2025: number;
  batteryPerYear: number;
}

const traitsCache = new Map<string, Traits>();

function traits(meter: SimMeter): Traits {
  let t = traitsCache.get(meter.serial);
  if (t) return t;
  const seed = seedFrom(meter.serial);
  const gas = meter.commodity === 'gas';
  t = {
    seed,
    scale: 0.75 + 0.55 * keyedUnit(seed, -1),
    // A meter in service for a few years: gas 500-15000 m3, water 50-2000 m3 on the register.
    initialLitres: Math.round((gas ? 500 + 14_500 * keyedUnit(seed, -2) : 50 + 1950 * keyedUnit(seed, -2)) * 1000),
    pressureOffset: gas ? (keyedUnit(seed, -3) - 0.5) * 0.001 : (keyedUnit(seed, -3) - 0.5) * 0.6, // street, elevation
    batteryAt2025: 92 + 8 * keyedUnit(seed, -4),
    batteryPerYear: 4 + 4 * keyedUnit(seed, -5), // a 10-15 year battery life
  };
  if (traitsCache.size > 1_000_000) traitsCache.clear();
  traitsCache.set(meter.serial, t);
  return t;
}

/** The register index (m3) the meter showed when the simulation starts, already within its digits. */
export function initialRegister(meter: SimMeter): number {
  return rollover(traits(meter).initialLitres / 1000, meter.registerDigits ?? 8);
}

/** A register with `digits` integer digits and 3 decimals wraps to zero at 10^digits m3 (99999.999 -> 00000.000). */
export function rollover(indexM3: number, digits = 8): number {
  const modulus = 10 ** digits * 1000; // in litres, so the arithmetic stays exact
  const litres = Math.round(indexM3 * 1000);
  return (((litres % modulus) + modulus) % modulus) / 1000;
}

// --- hourly shapes (index = local hour), normalised to a mean of 1 ----------------------------------------------

function normalise(weights: number[]): number[] {
  const mean = weights.reduce((s, w) => s + w, 0) / weights.length;
  return weights.map((w) => w / mean);
}
// Space heating: night set-back, a morning warm-up, a long evening at home.
const GAS_HEATING = normalise([0.5, 0.5, 0.5, 0.5, 0.5, 0.7, 1.6, 1.7, 1.5, 1.1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.5, 1.5, 1.4, 1.2, 0.8]);
// Hot water and cooking: showers in the morning, lunch, dinner.
const GAS_BASE = normalise([0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 1.0, 2.5, 2.0, 1.0, 0.6, 0.6, 1.2, 1.2, 0.6, 0.6, 0.6, 1.0, 2.0, 2.5, 1.8, 1.2, 0.8, 0.3]);
// Water: near zero at night, morning and evening peaks.
const WATER = normalise([0.03, 0.02, 0.02, 0.02, 0.03, 0.3, 1.5, 2.5, 2.0, 1.2, 0.9, 0.8, 0.9, 0.9, 0.8, 0.8, 0.9, 1.1, 1.6, 2.0, 2.0, 1.6, 1.0, 0.4]);

const GAS_M3_PER_HDD = 0.8; // a ~100 m2 flat in Türkiye
const GAS_BASE_M3_PER_DAY = 0.6;
const WATER_M3_PER_DAY = 0.4; // ~3 people at ~130 L/day

/** Litres (integers: the payload keeps 3 decimals of m3) the household used in the hour. */
export function consumptionLitres(meter: SimMeter, hourStart: number): number {
  const t = traits(meter);
  const ctx = hourContext(hourStart);
  const hour = Math.floor(hourStart / HOUR_MS);
  const noise = 0.8 + 0.4 * keyedUnit(t.seed, hour, 1);
  if (meter.commodity === 'gas') {
    const heating = GAS_M3_PER_HDD * heatingDegreeDaysOfHour(hourStart) * GAS_HEATING[ctx.localHour];
    const base = (GAS_BASE_M3_PER_DAY / 24) * GAS_BASE[ctx.localHour];
    return Math.round(t.scale * (heating + base) * noise * 1000);
  }
  // Water use is bursty (a shower, a wash cycle): a wider spread than gas. Summer adds ~15 % (garden, showers).
  const summer = 1 + 0.15 * Math.sin((2 * Math.PI * (ctx.dayOfYear - 105)) / 365.25);
  const burst = 0.3 + 1.4 * keyedUnit(t.seed, hour, 2);
  return Math.round(t.scale * (WATER_M3_PER_DAY / 24) * WATER[ctx.localHour] * summer * burst * 1000);
}

/** Line pressure in bar: gas ~21 mbar regulated; water ~3 bar, higher at night when demand in the network drops. */
export function pressureBar(meter: SimMeter, hourStart: number): number {
  const t = traits(meter);
  const u = keyedUnit(t.seed, Math.floor(hourStart / HOUR_MS), 3) - 0.5;
  if (meter.commodity === 'gas') return round(0.021 + t.pressureOffset + u * 0.0008, 4);
  const h = hourContext(hourStart + HOUR_MS).localHour; // sampled at the hour's end
  const demand = h >= 1 && h <= 5 ? 0.4 : h === 7 || h === 8 || h === 19 || h === 20 ? -0.15 : 0;
  return round(3 + t.pressureOffset + demand + u * 0.1, 2);
}

/** Medium temperature: gas follows the ground at ~1 m (damped, a month late); mains water follows the season too. */
export function temperatureC(meter: SimMeter, hourStart: number): number {
  const t = traits(meter);
  const doy = hourContext(hourStart).dayOfYear;
  const u = keyedUnit(t.seed, Math.floor(hourStart / HOUR_MS), 4) - 0.5;
  const lag = meter.commodity === 'gas' ? 45 : 40;
  return round(14.5 - 7 * Math.cos((2 * Math.PI * (doy - lag)) / 365.25) + u * 0.6, 1);
}

/** Battery state of charge in %, falling linearly with the years. */
export function batteryPercent(meter: SimMeter, at: number): number {
  const t = traits(meter);
  const years = (at - Date.UTC(2025, 0, 1)) / (365.25 * DAY_MS);
  return round(Math.min(100, Math.max(1, t.batteryAt2025 - t.batteryPerYear * years)), 1);
}

export interface HourOptions {
  reverseFlow?: boolean; // the meter runs backwards: negative consumption, the register goes down
  extraLitres?: number; // a leak adds to what the household uses
}

export interface HourResult {
  readings: SimReading[];
  consumption: number; // m3, signed
  register: number; // m3 at the hour's end, within the register's digits
}

/** Everything the meter reports about hour [hourStart, hourStart+1h), given its register at the hour's start. */
export function hourReadings(meter: SimMeter, hourStart: number, registerBefore: number, opts: HourOptions = {}): HourResult {
  let litres = consumptionLitres(meter, hourStart) + (opts.extraLitres ?? 0);
  if (opts.reverseFlow) litres = -Math.max(litres, 10);
  const register = rollover((Math.round(registerBefore * 1000) + litres) / 1000, meter.registerDigits ?? 8);
  const end = hourStart + HOUR_MS;
  const endTs = isoTs(end);
  const readings: SimReading[] = [
    { ts: isoTs(hourStart), ch: 'consumption', v: litres / 1000, u: 'm3' },
    { ts: endTs, ch: 'volume', v: register, u: 'm3' },
    { ts: endTs, ch: 'pressure', v: pressureBar(meter, hourStart), u: 'bar' },
    { ts: endTs, ch: 'temperature', v: temperatureC(meter, hourStart), u: 'degC' },
  ];
  if (hourContext(hourStart).localHour === 23) readings.push({ ts: endTs, ch: 'battery', v: batteryPercent(meter, end), u: '%' });
  return { readings, consumption: litres / 1000, register };
}

/** ISO 8601 in UTC with `Z`, without the `.000` of whole seconds. */
export function isoTs(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

export function alignToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
