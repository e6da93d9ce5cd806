/**
 * Validation errors of billing-core. Every refusal names the field by its path in the JSON the caller gave
 * (`versions[1].components[0].bands[2].from`), so a tariff author can find it without reading code.
 */
import { AboneError } from '../platform/errors.ts';

export type PathPart = string | number;

export function pathText(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(root)';
}

export function tariffInvalid(path: readonly PathPart[], detail: string): AboneError {
  return new AboneError('ABONE_ERR_BILLING_TARIFF_INVALID', { path: pathText(path), detail });
}

export function usageInvalid(path: readonly PathPart[], detail: string): AboneError {
  return new AboneError('ABONE_ERR_BILLING_USAGE_INVALID', { path: pathText(path), detail });
}
