/**
 * Parties for other contexts and for bulk imports: by-id checks and masked lists (what subscriptions need to tie a
 * contract to a holder and to answer "who lives here"), and a set-based load that finds or creates the party of
 * each import row by national id, on the caller's client inside its transaction.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { audit } from '../access/index.ts';
import { copyRows } from './copy-text.ts';
import type { ImportContext } from './import-batches.ts';
import { nameKey } from './name-key.ts';
import { hasNationalIdShape, isValidNationalId, normaliseNationalId, type PartyKind } from './national-id.ts';
import { PARTY_COLUMNS, partyView, type PartyRow, type PartyView } from './party-view.ts';
import type { CallContext } from './parties.ts';

/** Throws unless the party exists and is open (a closed party takes no new contract). */
export async function assertOpenParty(db: pg.Pool | pg.PoolClient, id: number): Promise<void> {
  const { rows } = await db.query('SELECT closed_at FROM party WHERE id = $1', [id]);
  if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_PARTY_NOT_FOUND', { id });
  if (rows[0].closed_at) throw new AboneError('ABONE_ERR_REGISTRY_PARTY_CLOSED', { id });
}

/** Parties by id, masked, in the order given; audited as one 'party.search' naming how they were found. */
export async function partiesByIds(pool: pg.Pool, ids: number[], by: string, ctx: CallContext): Promise<PartyView[]> {
  const { rows } = await pool.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM party WHERE id = ANY($1::bigint[]) AND anonymised_at IS NULL`, [ids]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const found = ids.map((id) => byId.get(id)).filter((r): r is PartyRow => r !== undefined);
  await audit(pool, ctx.actor, { action: 'party.search', entity: 'party', detail: { by, ids: found.map((r) => r.id) }, correlationId: ctx.correlationId, ip: ctx.ip });
  return found.map((r) => partyView(r, false));
}

export interface PartyImportRow {
  kind: PartyKind;
  name: string;
  nameKey: string;
  nationalId: string;
  nationalIdValid: boolean;
}

/**
 * An import row's party columns checked as createParty checks them, VKNs leniently (kept, flagged). Only name and
 * national id: contacts and consents come through the API, where consent can be recorded properly.
 */
export function partyImportRow(kind: string, name: string, nationalId: string): PartyImportRow | { reason: string } {
  if (kind !== 'person' && kind !== 'organisation') return { reason: 'party_kind' };
  const n = name.trim().replace(/\s+/g, ' ');
  if (!n || n.length > 200 || /\p{Cc}/u.test(n) || /^[=+\-@]/.test(n)) return { reason: 'party_name' };
  const key = nameKey(n);
  if (!key) return { reason: 'party_name' };
  const id = normaliseNationalId(nationalId);
  if (!hasNationalIdShape(kind, id)) return { reason: 'national_id' };
  const valid = isValidNationalId(kind, id);
  if (!valid && kind === 'person') return { reason: 'national_id' };
  return { kind, name: n, nameKey: key, nationalId: id, nationalIdValid: valid };
}

/** The party id of each row: the open party with its national id, created (audited once per batch) when missing. */
export async function bulkUpsertParties(client: pg.PoolClient, rows: PartyImportRow[], ctx: ImportContext): Promise<number[]> {
  if (!rows.length) return [];
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS stage_party (n int, kind text, name text, name_key text, national_id text, valid boolean) ON COMMIT DELETE ROWS`);
  await copyRows(client, 'stage_party', ['n', 'kind', 'name', 'name_key', 'national_id', 'valid'], rows.map((r, n) => [n, r.kind, r.name, r.nameKey, r.nationalId, r.nationalIdValid]));
  const { rowCount } = await client.query(`
    INSERT INTO party (kind, name, name_key, national_id, national_id_valid)
    SELECT DISTINCT ON (national_id) kind, name, name_key, national_id, valid FROM stage_party ORDER BY national_id, n
    ON CONFLICT (national_id) WHERE closed_at IS NULL DO NOTHING`);
  const { rows: ids } = await client.query(`SELECT s.n, p.id FROM stage_party s JOIN party p ON p.national_id = s.national_id AND p.closed_at IS NULL ORDER BY s.n`);
  if (ids.length !== rows.length) throw new Error('bulkUpsertParties: a row found no party'); // a kind clash the unique index cannot see
  if (rowCount) await audit(client, ctx.actor, { action: 'party.import', entity: 'party', detail: { created: rowCount }, correlationId: ctx.correlationId });
  return ids.map((r) => Number(r.id));
}
