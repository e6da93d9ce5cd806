/**
 * Rule definitions in the database. A save is a new version (code, version+1), never an edit of a stored one, so an
 * alarm's `rule_id` always points at the definition that raised it. Saves are serialised (advisory lock) so two
 * operators saving combinations that refer to each other cannot build a cycle between them.
 */
import type pg from 'pg';
import { withTransaction } from '../platform/db/pool.ts';
import { contextLogger } from '../platform/logger.ts';
import { actorName, audit, type Actor } from '../modules/access/index.ts';
import type { Condition, RuleVersion } from './rule-language.ts';
import { checkReferences, validateRule } from './validate-rule.ts';

const log = contextLogger('rules');
const SAVE_LOCK = 0x72756c65; // 'rule'

function toRule(r: Record<string, any>): RuleVersion {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    name: r.name,
    severity: r.severity,
    condition: r.condition,
    attach: r.attach,
    enabled: r.enabled,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const LATEST = `SELECT DISTINCT ON (code) * FROM rule_definition ORDER BY code, version DESC`;

/** Validates and stores a rule as the next version of its code. Throws ABONE_ERR_RULES_* and stores nothing. */
export async function saveRule(pool: pg.Pool, input: unknown, who: Actor | 'system', ctx: { correlationId?: string; ip?: string } = {}): Promise<RuleVersion> {
  const rule = validateRule(input);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SAVE_LOCK]);
    const { rows: latest } = await client.query(LATEST);
    const byCode = new Map<string, Condition>(latest.map((r) => [r.code, r.condition]));
    checkReferences(rule, (code) => byCode.get(code));
    const { rows } = await client.query(
      `INSERT INTO rule_definition (code, version, name, severity, condition, attach, enabled, created_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM rule_definition WHERE code = $1
       RETURNING *`,
      [rule.code, rule.name, rule.severity, JSON.stringify(rule.condition), JSON.stringify(rule.attach ?? {}), rule.enabled, who === 'system' ? 'system' : actorName(who)],
    );
    const saved = toRule(rows[0]);
    await audit(client, who, { action: 'rule.save', entity: 'rule', entityId: `${saved.code}@${saved.version}`, correlationId: ctx.correlationId, ip: ctx.ip });
    return saved;
  });
}

/**
 * The latest version of every rule, each checked again: a definition that does not pass (written around the API, or
 * by an older release) is left out and logged, so it never reaches the engine.
 */
export async function loadLatestRules(pool: pg.Pool): Promise<RuleVersion[]> {
  const { rows } = await pool.query(LATEST);
  const all = rows.map(toRule);
  const byCode = new Map(all.map((r) => [r.code, r.condition]));
  return all.filter((r) => {
    try {
      checkReferences(validateRule({ code: r.code, name: r.name, severity: r.severity, condition: r.condition, attach: r.attach, enabled: r.enabled }), (c) => byCode.get(c));
      return true;
    } catch (err) {
      log.error({ rule: r.code, version: r.version, err: (err as Error).message }, 'stored rule refused; not loaded');
      return false;
    }
  });
}

export async function listRules(pool: pg.Pool, opts: { code?: string; allVersions?: boolean }): Promise<RuleVersion[]> {
  const params: unknown[] = [];
  const where = opts.code !== undefined ? `WHERE code = $${params.push(opts.code)}` : '';
  const sql = opts.allVersions ? `SELECT * FROM rule_definition ${where} ORDER BY code, version DESC` : `SELECT DISTINCT ON (code) * FROM rule_definition ${where} ORDER BY code, version DESC`;
  const { rows } = await pool.query(sql, params);
  return rows.map(toRule);
}

/** Changes whenever a rule version is saved: the engine polls it to reload without a restart. */
export async function ruleCounter(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number | null }>('SELECT max(id) AS n FROM rule_definition');
  return rows[0].n ?? 0;
}
