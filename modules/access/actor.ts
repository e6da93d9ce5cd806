/**
 * Who is acting: a user through a browser session or a machine through an API token (which acts as its user).
 * Each permission the actor holds carries its scope: the regions and warehouses it applies to (null: everywhere),
 * the union over the roles that grant it. Services check scope themselves (`assertScope`), not only the UI.
 */
import { AboneError } from '../../platform/errors.ts';
import type { Permission } from './catalogue.ts';

export interface Scope {
  regions: ReadonlySet<string> | null;
  warehouses: ReadonlySet<string> | null;
}

export interface Actor {
  userId: number;
  username: string;
  via: 'session' | 'token';
  tokenName?: string;
  permissions: ReadonlyMap<Permission, Scope>;
}

/** The name the audit trail records. */
export function actorName(actor: Actor | undefined): string {
  if (!actor) return 'anonymous';
  return actor.via === 'token' ? `token:${actor.tokenName}` : actor.username;
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** Throws unless the actor holds `permission` for the given warehouse and/or region. */
export function assertScope(actor: Actor, permission: Permission, where: { warehouse?: string; region?: string }): void {
  const scope = actor.permissions.get(permission);
  const ok =
    scope !== undefined &&
    (where.warehouse === undefined || scope.warehouses === null || scope.warehouses.has(where.warehouse)) &&
    (where.region === undefined || scope.regions === null || scope.regions.has(where.region));
  if (!ok) throw new AboneError('ABONE_ERR_AUTH_OUT_OF_SCOPE', { permission, where: JSON.stringify(where) });
}

/** Rows of (role's permission, role scope) merged into the actor's permission map. */
export function mergeGrants(rows: Array<{ permission: string; regions: string[] | null; warehouses: string[] | null }>): Map<Permission, Scope> {
  const out = new Map<Permission, { regions: Set<string> | null; warehouses: Set<string> | null }>();
  for (const r of rows) {
    const p = r.permission as Permission;
    const seen = out.get(p);
    if (!seen) {
      out.set(p, { regions: r.regions && new Set(r.regions), warehouses: r.warehouses && new Set(r.warehouses) });
      continue;
    }
    seen.regions = seen.regions === null || r.regions === null ? null : new Set([...seen.regions, ...r.regions]);
    seen.warehouses = seen.warehouses === null || r.warehouses === null ? null : new Set([...seen.warehouses, ...r.warehouses]);
  }
  return out;
}
