/**
 * Validation of rule definitions. A rule that fails here is never stored, so it never reaches the running engine.
 * Every refusal names the field (`condition.of[1].low`) so an operator can fix the JSON in one go.
 * Written by hand rather than as a schema: the condition is recursive and the checks compare fields with each other.
 */
import { AboneError, type ErrorCode } from '../platform/errors.ts';
import { CHANNEL_BY_CODE, EVENT_CODE_SET } from '../headend/index.ts';
import { SEVERITIES, type Attachment, type Condition, type RuleInput } from './rule-language.ts';

const CODE = /^[a-z][a-z0-9_-]{0,63}$/;
const TAG = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_DEPTH = 8;
const MAX_SECONDS = 366 * 86_400;

const fail = (code: ErrorCode, field: string, params: Record<string, unknown> = {}): never => {
  throw new AboneError(code, { field, ...params });
};
const invalid = (field: string, reason: string): never => fail('ABONE_ERR_RULES_INVALID', field, { reason });
const impossible = (field: string, reason: string): never => fail('ABONE_ERR_RULES_THRESHOLD_IMPOSSIBLE', field, { reason });

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(field, 'must be an object');
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, field: string, required: boolean): number | undefined {
  const v = o[key];
  if (v === undefined) return required ? invalid(`${field}.${key}`, 'is required') : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`${field}.${key}`, 'must be a finite number');
  return v as number;
}

function seconds(o: Record<string, unknown>, key: string, field: string, required = false): number | undefined {
  const v = num(o, key, field, required);
  if (v === undefined) return undefined;
  if (v < 0) impossible(`${field}.${key}`, 'a duration cannot be negative');
  if (!Number.isInteger(v) || v > MAX_SECONDS) invalid(`${field}.${key}`, `must be a whole number of seconds up to ${MAX_SECONDS}`);
  return v;
}

function count(o: Record<string, unknown>, key: string, field: string, min: number, max: number): number | undefined {
  const v = num(o, key, field, false);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) impossible(`${field}.${key}`, `must be a whole number from ${min} to ${max}`);
  return v;
}

function channel(o: Record<string, unknown>, field: string, allowed?: readonly string[], required = true): string | undefined {
  const v = o.channel;
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !CHANNEL_BY_CODE.has(v)) return fail('ABONE_ERR_RULES_CHANNEL_UNKNOWN', `${field}.channel`, { channel: String(v) });
  if (allowed && !allowed.includes(v)) return fail('ABONE_ERR_RULES_CHANNEL_UNKNOWN', `${field}.channel`, { channel: `${v} (this kind takes ${allowed.join(', ')})` });
  return v;
}

function onlyKeys(o: Record<string, unknown>, keys: string[], field: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) invalid(`${field}.${k}`, 'is not a field of this condition kind');
}

function eventCodes(v: unknown, field: string, required: boolean): string[] | undefined {
  if (v === undefined && !required) return undefined;
  if (!Array.isArray(v) || v.length > 20 || (required && v.length === 0)) return invalid(field, `must be a list of ${required ? 1 : 0} to 20 event codes`);
  v.forEach((c, i) => {
    if (typeof c !== 'string' || !EVENT_CODE_SET.has(c)) fail('ABONE_ERR_RULES_EVENT_UNKNOWN', `${field}[${i}]`, { code: String(c) });
  });
  return [...v] as string[];
}

/** Checks one condition (recursively) and returns a clean copy holding only known fields. */
export function validateCondition(v: unknown, field = 'condition', depth = 0): Condition {
  if (depth > MAX_DEPTH) invalid(field, `combinations nest at most ${MAX_DEPTH} deep`);
  const o = obj(v, field);
  switch (o.kind) {
    case 'threshold': {
      onlyKeys(o, ['kind', 'channel', 'above', 'below', 'forSeconds'], field);
      const ch = channel(o, field)!;
      const above = num(o, 'above', field, false);
      const below = num(o, 'below', field, false);
      if (above === undefined && below === undefined) invalid(field, 'needs above, below or both');
      // Both: alarm outside (below, above) — so below must be under above, or the condition is always true.
      if (above !== undefined && below !== undefined && below >= above) impossible(`${field}.below`, `below (${below}) must be less than above (${above})`);
      return { kind: 'threshold', channel: ch, above, below, forSeconds: seconds(o, 'forSeconds', field) ?? 0 };
    }
    case 'out_of_band': {
      onlyKeys(o, ['kind', 'channel', 'low', 'high', 'forSeconds'], field);
      const ch = channel(o, field, ['pressure', 'temperature']) as 'pressure' | 'temperature';
      const low = num(o, 'low', field, true)!;
      const high = num(o, 'high', field, true)!;
      if (low >= high) impossible(`${field}.low`, `low (${low}) must be less than high (${high})`);
      return { kind: 'out_of_band', channel: ch, low, high, forSeconds: seconds(o, 'forSeconds', field) ?? 0 };
    }
    case 'rate_of_change': {
      onlyKeys(o, ['kind', 'channel', 'maxPerHour'], field);
      const ch = channel(o, field)!;
      const maxPerHour = num(o, 'maxPerHour', field, true)!;
      if (maxPerHour <= 0) impossible(`${field}.maxPerHour`, 'must be more than 0');
      return { kind: 'rate_of_change', channel: ch, maxPerHour };
    }
    case 'spike': {
      onlyKeys(o, ['kind', 'channel', 'factor', 'window', 'minValue'], field);
      const ch = channel(o, field)!;
      const factor = num(o, 'factor', field, true)!;
      if (factor <= 1) impossible(`${field}.factor`, 'a spike factor must be more than 1');
      return { kind: 'spike', channel: ch, factor, window: count(o, 'window', field, 1, 1000) ?? 24, minValue: num(o, 'minValue', field, false) ?? 0 };
    }
    case 'no_data': {
      onlyKeys(o, ['kind', 'graceSeconds', 'channels'], field);
      const grace = seconds(o, 'graceSeconds', field, true)!;
      if (grace < 60) impossible(`${field}.graceSeconds`, 'a grace time under 60 s would flag every meter between two readings');
      if (o.channels === undefined) return { kind: 'no_data', graceSeconds: grace };
      if (!Array.isArray(o.channels) || !o.channels.length || o.channels.length > 20) invalid(`${field}.channels`, 'must be a list of 1 to 20 channel codes');
      const channels = (o.channels as unknown[]).map((ch, i) =>
        typeof ch === 'string' && CHANNEL_BY_CODE.has(ch) ? ch : fail('ABONE_ERR_RULES_CHANNEL_UNKNOWN', `${field}.channels[${i}]`, { channel: String(ch) }),
      );
      return { kind: 'no_data', graceSeconds: grace, channels };
    }
    case 'zero_consumption': {
      onlyKeys(o, ['kind', 'days', 'channel'], field);
      const days = num(o, 'days', field, true)!;
      if (days <= 0 || days > 366) impossible(`${field}.days`, 'must be more than 0 and at most 366');
      const ch = channel(o, field, ['consumption', 'energy_interval'], false) as 'consumption' | 'energy_interval' | undefined;
      return { kind: 'zero_consumption', days, channel: ch ?? 'consumption' };
    }
    case 'reverse_flow': {
      onlyKeys(o, ['kind', 'channel', 'tolerance'], field);
      const ch = channel(o, field, ['volume', 'energy', 'consumption', 'energy_interval'], false) as 'volume' | 'energy' | 'consumption' | 'energy_interval' | undefined;
      const tolerance = num(o, 'tolerance', field, false) ?? 0;
      if (tolerance < 0) impossible(`${field}.tolerance`, 'cannot be negative');
      return { kind: 'reverse_flow', channel: ch, tolerance };
    }
    case 'above_own_history': {
      onlyKeys(o, ['kind', 'channel', 'factor', 'window', 'minSamples', 'minValue'], field);
      const ch = channel(o, field, ['consumption', 'energy_interval']) as 'consumption' | 'energy_interval';
      const factor = num(o, 'factor', field, true)!;
      if (factor <= 1) impossible(`${field}.factor`, 'must be more than 1 (a value above its own mean)');
      const window = count(o, 'window', field, 2, 2000) ?? 168;
      const minSamples = count(o, 'minSamples', field, 1, 2000) ?? 24;
      if (minSamples > window) impossible(`${field}.minSamples`, `cannot exceed window (${window})`);
      return { kind: 'above_own_history', channel: ch, factor, window, minSamples, minValue: num(o, 'minValue', field, false) ?? 0 };
    }
    case 'event': {
      onlyKeys(o, ['kind', 'codes', 'clearAfterSeconds', 'clearOn'], field);
      const codes = eventCodes(o.codes, `${field}.codes`, true)!;
      const clearOn = eventCodes(o.clearOn, `${field}.clearOn`, false);
      const both = clearOn?.find((c) => codes.includes(c));
      if (both) impossible(`${field}.clearOn`, `${both} cannot both raise and clear`);
      return { kind: 'event', codes, clearAfterSeconds: seconds(o, 'clearAfterSeconds', field) ?? 3600, clearOn: clearOn ?? [] };
    }
    case 'rule': {
      onlyKeys(o, ['kind', 'code'], field);
      if (typeof o.code !== 'string' || !CODE.test(o.code)) invalid(`${field}.code`, 'must be a rule code');
      return { kind: 'rule', code: o.code as string };
    }
    case 'all':
    case 'any': {
      onlyKeys(o, ['kind', 'of'], field);
      if (!Array.isArray(o.of) || o.of.length < 2 || o.of.length > 20) invalid(`${field}.of`, 'must list 2 to 20 conditions');
      return { kind: o.kind, of: (o.of as unknown[]).map((c, i) => validateCondition(c, `${field}.of[${i}]`, depth + 1)) };
    }
    default:
      return invalid(`${field}.kind`, `unknown condition kind ${JSON.stringify(o.kind)}`);
  }
}

function tags(v: unknown, field: string, pattern: RegExp): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 200 || v.some((t) => typeof t !== 'string' || !pattern.test(t))) invalid(field, 'must be a list of codes (letters, digits, _ and -)');
  return [...new Set(v as string[])];
}

function validateAttach(v: unknown): Attachment {
  if (v === undefined) return {};
  const o = obj(v, 'attach');
  onlyKeys(o, ['models', 'regions', 'groups'], 'attach');
  return { models: tags(o.models, 'attach.models', TAG), regions: tags(o.regions, 'attach.regions', TAG), groups: tags(o.groups, 'attach.groups', TAG) };
}

/** Checks the shape and values of a rule. References to other rules are checked by `checkReferences`. */
export function validateRule(v: unknown): RuleInput {
  const o = obj(v, 'rule');
  onlyKeys(o, ['code', 'name', 'severity', 'condition', 'attach', 'enabled'], 'rule');
  if (typeof o.code !== 'string' || !CODE.test(o.code)) invalid('code', 'must start with a lower-case letter: a-z, 0-9, _ and -, at most 64 characters');
  if (typeof o.name !== 'string' || !o.name.trim() || o.name.length > 200 || /\p{Cc}/u.test(o.name)) invalid('name', 'must be 1 to 200 characters without control characters');
  if (!SEVERITIES.includes(o.severity as never)) invalid('severity', `must be one of ${SEVERITIES.join(', ')}`);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') invalid('enabled', 'must be true or false');
  return {
    code: o.code as string,
    name: (o.name as string).trim(),
    severity: o.severity as RuleInput['severity'],
    condition: validateCondition(o.condition),
    attach: validateAttach(o.attach),
    enabled: (o.enabled as boolean | undefined) ?? true,
  };
}

/**
 * Every `{kind:"rule"}` reference must name a rule that exists (or is the one being saved), and following the
 * references from the new rule must never come back to it: a cycle would make evaluation recurse forever.
 * `lookup` gives the latest stored condition of a code.
 */
export function checkReferences(rule: RuleInput, lookup: (code: string) => Condition | undefined): void {
  const visit = (cond: Condition, field: string, path: string[]): void => {
    if (cond.kind === 'all' || cond.kind === 'any') {
      cond.of.forEach((c, i) => visit(c, `${field}.of[${i}]`, path));
      return;
    }
    if (cond.kind !== 'rule') return;
    if (path.includes(cond.code)) fail('ABONE_ERR_RULES_CYCLE', field, { path: [...path, cond.code].join(' -> ') });
    const target = cond.code === rule.code ? rule.condition : lookup(cond.code);
    if (!target) fail('ABONE_ERR_RULES_REF_UNKNOWN', `${field}.code`, { code: cond.code });
    visit(target!, field, [...path, cond.code]);
  };
  visit(rule.condition, 'condition', [rule.code]);
}
