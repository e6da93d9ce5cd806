/**
 * People's passwords: argon2id (memory-hard, the OWASP recommendation), verified in constant time by the library.
 * Unknown users are verified against a dummy hash, so a failed login costs the same whether or not the user exists.
 */
import { hash, verify } from '@node-rs/argon2';
import { AboneError } from '../../platform/errors.ts';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummy: Promise<string> | undefined;

export function checkStrength(password: string, username: string): void {
  if (password.length < 12) throw new AboneError('ABONE_ERR_AUTH_WEAK_PASSWORD', { reason: 'fewer than 12 characters' });
  if (password.length > 256) throw new AboneError('ABONE_ERR_AUTH_WEAK_PASSWORD', { reason: 'more than 256 characters' });
  if (password.toLowerCase().includes(username.toLowerCase())) throw new AboneError('ABONE_ERR_AUTH_WEAK_PASSWORD', { reason: 'contains the username' });
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  const target = storedHash ?? (await (dummy ??= hash('not a password of anyone', OPTIONS)));
  const ok = await verify(target, password).catch(() => false);
  return ok && storedHash !== undefined;
}
