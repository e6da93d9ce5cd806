/**
 * Typed configuration from `ABONE_*` environment variables.
 *
 * Each context declares its own settings with `defineSettings`: every key names its variable, a zod schema, a default
 * and a line of documentation. `loadSettings` validates them all at once and fails with one message that lists every
 * bad value and the variable to change, so an operator fixes a start-up in one try. Precedence: explicit overrides
 * (tests, CLI flags) > environment > default.
 */
import { z } from 'zod';
import { AboneError } from './errors.ts';

export interface Setting<T> {
  env: string;
  schema: z.ZodType<T>;
  default: T;
  doc: string;
}

export type SettingsSpec = Record<string, Setting<any>>;
export type SettingsOf<S extends SettingsSpec> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Every spec registered by a context, so docs and `abone config` can list them. */
export const allSettings: Array<{ context: string; spec: SettingsSpec }> = [];

export function defineSettings<S extends SettingsSpec>(context: string, spec: S): S {
  allSettings.push({ context, spec });
  return spec;
}

export function setting<T>(env: string, schema: z.ZodType<T>, defaultValue: T, doc: string): Setting<T> {
  return { env, schema, default: defaultValue, doc };
}

/** Helpers for the common shapes, parsing from the string an environment variable holds. */
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const port = () => int(0, 65535);
export const bool = () =>
  z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) ? true : ['0', 'false', 'no', 'off', ''].includes(v.toLowerCase()) ? false : v : v), z.boolean());
export const optionalString = () => z.string().min(1).optional();

export function loadSettings<S extends SettingsSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<SettingsOf<S>> = {},
): SettingsOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(spec)) {
    if (key in overrides && (overrides as any)[key] !== undefined) {
      out[key] = (overrides as any)[key];
      continue;
    }
    const raw = env[s.env];
    if (raw === undefined || raw === '') {
      out[key] = s.default;
      continue;
    }
    const parsed = s.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${s.env}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')} (${s.doc})`);
  }
  if (problems.length) {
    throw new AboneError('ABONE_ERR_CONFIG_INVALID', { problems: problems.join('\n  ') });
  }
  return out as SettingsOf<S>;
}

/** Every registered setting as the Markdown table of docs/configuration.md. */
export function settingsMarkdown(): string {
  const lines = ['| variable | default | context | meaning |', '|---|---|---|---|'];
  for (const { context, spec } of [...allSettings].sort((a, b) => a.context.localeCompare(b.context))) {
    for (const s of Object.values(spec)) lines.push(`| \`${s.env}\` | ${s.default === undefined ? '(unset)' : `\`${String(s.default)}\``} | ${context} | ${s.doc} |`);
  }
  return lines.join('\n');
}
