/**
 * Tariffs stored as data: the whole document billing-core validates, kept as append-only revisions. Creating a tariff
 * writes revision 1; adding a version reads the newest revision, lets billing-core's appendVersion end the previous
 * version on the new one's first day, and writes the result as the next revision. Work on one code is serialised by
 * an advisory lock, so two clerks adding versions together get two revisions in order, never a lost one.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { appendVersion, parseTariff, type Tariff } from '../../billing-core/index.ts';
import { checkTaxesMapped } from './gl-map.ts';

type Db = pg.Pool | pg.PoolClient;

export interface StoredTariff {
  code: string;
  revision: number;
  commodity: string;
  unit: string;
  tariff: Tariff;
  createdAt: Date;
  actor: string;
}

const lockCode = (c: pg.PoolClient, code: string) => c.query(`SELECT pg_advisory_xact_lock(hashtextextended('tariff:' || $1, 0))`, [code]);

async function insertRevision(c: pg.PoolClient, tariff: Tariff, revision: number, actor: string): Promise<StoredTariff> {
  checkTaxesMapped(tariff);
  const { rows } = await c.query(
    `INSERT INTO billing_tariff_revision (code, revision, commodity, unit, document, actor) VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
    [tariff.code, revision, tariff.commodity, tariff.unit, JSON.stringify(tariff), actor],
  );
  return { code: tariff.code, revision, commodity: tariff.commodity, unit: tariff.unit, tariff, createdAt: rows[0].created_at, actor };
}

export async function createTariff(pool: pg.Pool, json: unknown, actor: string): Promise<StoredTariff> {
  const tariff = parseTariff(json);
  return withTransaction(pool, async (c) => {
    await lockCode(c, tariff.code);
    const { rows } = await c.query('SELECT 1 FROM billing_tariff_revision WHERE code = $1 LIMIT 1', [tariff.code]);
    if (rows.length) throw new AboneError('ABONE_ERR_TARIFF_EXISTS', { code: tariff.code });
    return insertRevision(c, tariff, 1, actor);
  });
}

export async function addTariffVersion(pool: pg.Pool, code: string, version: unknown, actor: string): Promise<StoredTariff> {
  return withTransaction(pool, async (c) => {
    await lockCode(c, code);
    const current = await loadTariff(c, code);
    const next = appendVersion(current.tariff, version as Parameters<typeof appendVersion>[1]);
    return insertRevision(c, next, current.revision + 1, actor);
  });
}

function fromRow(r: any): StoredTariff {
  // The stored document passed parseTariff when it was written; parsing again restores defaults and types.
  return { code: r.code, revision: r.revision, commodity: r.commodity, unit: r.unit, tariff: parseTariff(r.document), createdAt: r.created_at, actor: r.actor };
}

export async function loadTariff(db: Db, code: string): Promise<StoredTariff> {
  const { rows } = await db.query('SELECT * FROM billing_tariff_revision WHERE code = $1 ORDER BY revision DESC LIMIT 1', [code]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_TARIFF_NOT_FOUND', { code });
  return fromRow(rows[0]);
}

/** The newest revision of each code asked for that exists (codes without a stored tariff are simply absent). */
export async function loadTariffs(db: Db, codes: string[]): Promise<Map<string, StoredTariff>> {
  const { rows } = await db.query(
    'SELECT DISTINCT ON (code) * FROM billing_tariff_revision WHERE code = ANY($1::text[]) ORDER BY code, revision DESC',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, fromRow(r)]));
}

export async function listTariffs(db: Db): Promise<Array<{ code: string; revision: number; commodity: string; unit: string; name?: string; versions: Array<{ from: string; to?: string }> }>> {
  const { rows } = await db.query('SELECT DISTINCT ON (code) * FROM billing_tariff_revision ORDER BY code, revision DESC');
  return rows.map((r) => ({
    code: r.code,
    revision: r.revision,
    commodity: r.commodity,
    unit: r.unit,
    ...(r.document.name !== undefined && { name: r.document.name }),
    versions: r.document.versions.map((v: { from: string; to?: string }) => ({ from: v.from, ...(v.to && { to: v.to }) })),
  }));
}
