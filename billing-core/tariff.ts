/**
 * Reading tariffs and growing their history. `parseTariff` is the only way untrusted JSON becomes a `Tariff`;
 * `appendVersion` starts a new version and ends the previous one on the same day, so versions never overlap.
 */
import { tariffSchema, type Tariff, type TariffVersionInput } from './tariff-schema.ts';
import { checkTariffRules } from './tariff-rules.ts';
import { tariffInvalid } from './errors.ts';
import { firstIssue } from './zod-issue.ts';

/** Validates a tariff (schema + rules). Throws ABONE_ERR_BILLING_TARIFF_INVALID naming the field. */
export function parseTariff(json: unknown): Tariff {
  const parsed = tariffSchema.safeParse(json);
  if (!parsed.success) {
    const { path, detail } = firstIssue(parsed.error);
    throw tariffInvalid(path, detail);
  }
  checkTariffRules(parsed.data);
  return parsed.data;
}

/**
 * A new version from `version.from`: the open (or later-ending) previous version is ended on that date. A version
 * may only be appended after the last one's start; inserting into the past is a correction, made as a new tariff
 * history by whoever owns it, not silently here.
 */
export function appendVersion(tariff: Tariff, version: TariffVersionInput): Tariff {
  const versions = tariff.versions.map((v) => ({ ...v }));
  const last = versions[versions.length - 1];
  if (typeof version?.from === 'string' && version.from > last.from && (last.to === undefined || last.to > version.from)) last.to = version.from;
  return parseTariff({ ...tariff, versions: [...versions, version] });
}
