/**
 * Turns the first zod issue into a path and a sentence. The path is where the author must look; for a misspelt key
 * it points at the key itself, for an unknown `type` at the `type` field.
 */
import type { z } from 'zod';
import type { PathPart } from './errors.ts';

export function firstIssue(error: z.ZodError): { path: PathPart[]; detail: string } {
  const issue = error.issues[0];
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') return { path: [...path, issue.keys[0]], detail: `is not a known field${issue.keys.length > 1 ? ` (nor ${issue.keys.slice(1).join(', ')})` : ''}` };
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const key = String(issue.discriminator);
    return { path: path[path.length - 1] === key ? path : [...path, key], detail: 'is not a known type' };
  }
  if (issue.code === 'invalid_type') return { path, detail: issue.input === undefined ? `is required (${issue.expected})` : `must be ${issue.expected}` };
  return { path, detail: issue.message };
}
