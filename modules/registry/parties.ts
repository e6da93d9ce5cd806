/**
 * Parties (sicil): create, read, search, close. Every read of a party is audited, masked or not, so the utility can
 * answer "who looked at this subscriber" (GET /api/v1/audit?entity=party&entityId=<id>). The service checks
 * pii.reveal itself, not only the route, so no other caller can show personal data without it.
 * Logs carry party ids only, never a name, number or address: the logger's scrubber is a last resort, not a plan.
 */
import type pg from 'pg';
import { z } from 'zod';
import { AboneError } from '../../platform/errors.ts';
import { contextLogger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { audit, can, type Actor } from '../access/index.ts';
import { isTrIban, normaliseIban } from './iban.ts';
import { nameKey } from './name-key.ts';
import { expectedNationalId, hasNationalIdShape, isValidNationalId, normaliseNationalId, type PartyKind } from './national-id.ts';
import { PARTY_COLUMNS, partyView, shownFields, type PartyRow, type PartyView } from './party-view.ts';
import { normalisePhone } from '../../platform/phone.ts';

const log = contextLogger('registry');

// Control characters (NUL above all) never reach the database: PostgreSQL text cannot hold NUL.
const Text = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'no control characters');

/** A new party as the API and imports give it; lengths here, meaning (check digits, IBAN, phone) in `checked`. */
export const NewPartySchema = z.object({
  kind: z.enum(['person', 'organisation']),
  name: Text(200).min(1),
  nationalId: Text(32).min(1),
  phone: Text(32).optional(),
  email: z.email().max(254).optional(),
  iban: Text(42).optional(),
  smsConsent: z.boolean().default(false),
  emailConsent: z.boolean().default(false),
});
export type NewParty = z.output<typeof NewPartySchema>;

/** Who acts and where the request came from, for the audit trail. */
export interface CallContext {
  actor: Actor;
  correlationId?: string;
  ip?: string;
}

const meta = (ctx: CallContext) => ({ correlationId: ctx.correlationId, ip: ctx.ip });

/**
 * Validated, normalised column values. `lenientVkn`: an import keeps an organisation whose VKN fails its check digit,
 * flagged national_id_valid = false, because dropping a paying customer over a typo in a legacy file is worse than
 * fixing the number later. A person's TCKN is never let through: its rule has no exceptions.
 */
function checked(input: NewParty, lenientVkn: boolean) {
  const name = input.name.trim().replace(/\s+/g, ' ');
  const key = nameKey(name);
  if (!key) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'name: needs letters or digits' });
  const kind: PartyKind = input.kind;
  const nationalId = normaliseNationalId(input.nationalId);
  if (!hasNationalIdShape(kind, nationalId)) throw new AboneError('ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID', { expected: expectedNationalId(kind) });
  const valid = isValidNationalId(kind, nationalId);
  if (!valid && !(lenientVkn && kind === 'organisation')) throw new AboneError('ABONE_ERR_REGISTRY_NATIONAL_ID_INVALID', { expected: expectedNationalId(kind) });
  const phone = input.phone?.trim() ? normalisePhone(input.phone) : null;
  if (phone === undefined) throw new AboneError('ABONE_ERR_REGISTRY_PHONE_INVALID');
  const iban = input.iban?.trim() ? normaliseIban(input.iban) : null;
  if (iban !== null && !isTrIban(iban)) throw new AboneError('ABONE_ERR_REGISTRY_IBAN_INVALID');
  const email = input.email?.trim() || null;
  return { kind, name, key, nationalId, valid, phone, email, iban, smsConsent: input.smsConsent, emailConsent: input.emailConsent };
}

/** Stores a party (audited 'party.create') and returns it masked. */
export async function createParty(pool: pg.Pool, input: NewParty, ctx: CallContext, opts: { lenientVkn?: boolean; source?: string } = {}): Promise<PartyView> {
  const p = checked(input, opts.lenientVkn ?? false);
  const row = await withTransaction(pool, async (c) => {
    const { rows } = await c.query<PartyRow>(
      `INSERT INTO party (kind, name, name_key, national_id, national_id_valid, phone, email, iban, sms_consent, email_consent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (national_id) WHERE closed_at IS NULL DO NOTHING
       RETURNING ${PARTY_COLUMNS}`,
      [p.kind, p.name, p.key, p.nationalId, p.valid, p.phone, p.email, p.iban, p.smsConsent, p.emailConsent],
    );
    if (!rows.length) {
      const existing = await c.query('SELECT id FROM party WHERE national_id = $1 AND closed_at IS NULL', [p.nationalId]);
      throw new AboneError('ABONE_ERR_REGISTRY_PARTY_EXISTS', { existingId: existing.rows[0]?.id ?? '?' });
    }
    await audit(c, ctx.actor, { action: 'party.create', entity: 'party', entityId: rows[0].id, detail: { kind: p.kind, nationalIdValid: p.valid, source: opts.source ?? 'api' }, ...meta(ctx) });
    return rows[0];
  });
  log.info({ partyId: row.id, kind: row.kind, nationalIdValid: row.national_id_valid, correlationId: ctx.correlationId }, 'party created');
  return partyView(row, false);
}

/**
 * One party, masked unless `reveal` (which needs pii.reveal: a refusal is audited as a denied 'pii.reveal').
 * Audited as 'party.read', plus 'pii.reveal' naming the fields shown, in one transaction before anything is returned.
 */
export async function readParty(pool: pg.Pool, id: number, reveal: boolean, ctx: CallContext): Promise<PartyView> {
  if (reveal && !can(ctx.actor, 'pii.reveal')) {
    await audit(pool, ctx.actor, { action: 'pii.reveal', entity: 'party', entityId: id, outcome: 'denied', ...meta(ctx) });
    log.warn({ partyId: id, actor: ctx.actor.username, correlationId: ctx.correlationId }, 'personal data reveal refused');
    throw new AboneError('ABONE_ERR_AUTH_FORBIDDEN', { permission: 'pii.reveal' });
  }
  const row = await withTransaction(pool, async (c) => {
    const { rows } = await c.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM party WHERE id = $1`, [id]);
    if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_PARTY_NOT_FOUND', { id });
    await audit(c, ctx.actor, { action: 'party.read', entity: 'party', entityId: id, detail: { masked: !reveal }, ...meta(ctx) });
    if (reveal) await audit(c, ctx.actor, { action: 'pii.reveal', entity: 'party', entityId: id, detail: { fields: shownFields(rows[0]) }, ...meta(ctx) });
    return rows[0];
  });
  return partyView(row, reveal);
}

export const SEARCH_MIN_CHARS = 2;

/**
 * Search by exact national id (10 or 11 digits) or by name, folded (name-key.ts) and matched anywhere in the name.
 * Results are always masked. Audited as one 'party.search' with the ids returned; the query itself is not kept,
 * because the audit trail is append-only and would outlive the anonymisation of the person searched for.
 */
export async function searchParties(pool: pg.Pool, q: string, limit: number, ctx: CallContext): Promise<PartyView[]> {
  const digits = normaliseNationalId(q);
  let rows: PartyRow[];
  let by: 'nationalId' | 'name';
  if (/^\d{10,11}$/.test(digits)) {
    by = 'nationalId';
    ({ rows } = await pool.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM party WHERE national_id = $1 ORDER BY closed_at NULLS FIRST, id LIMIT $2`, [digits, limit]));
  } else {
    by = 'name';
    const key = nameKey(q);
    if (key.replace(/ /g, '').length < SEARCH_MIN_CHARS) throw new AboneError('ABONE_ERR_REGISTRY_QUERY_TOO_SHORT', { min: SEARCH_MIN_CHARS });
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`; // the key holds letters, digits and spaces; escaped all the same
    ({ rows } = await pool.query<PartyRow>(
      `SELECT ${PARTY_COLUMNS} FROM party WHERE anonymised_at IS NULL AND name_key LIKE $1 ESCAPE '\\' ORDER BY name_key, id LIMIT $2`,
      [pattern, limit],
    ));
  }
  await audit(pool, ctx.actor, { action: 'party.search', entity: 'party', detail: { by, ids: rows.map((r) => r.id) }, ...meta(ctx) });
  return rows.map((r) => partyView(r, false));
}

/** Closes a party (audited 'party.close'); its personal data is anonymised once the retention period has passed. */
export async function closeParty(pool: pg.Pool, id: number, ctx: CallContext): Promise<PartyView> {
  const row = await withTransaction(pool, async (c) => {
    const { rows } = await c.query<PartyRow>(`UPDATE party SET closed_at = now() WHERE id = $1 AND closed_at IS NULL RETURNING ${PARTY_COLUMNS}`, [id]);
    if (!rows.length) {
      const seen = await c.query('SELECT 1 FROM party WHERE id = $1', [id]);
      throw new AboneError(seen.rows.length ? 'ABONE_ERR_REGISTRY_PARTY_CLOSED' : 'ABONE_ERR_REGISTRY_PARTY_NOT_FOUND', { id });
    }
    await audit(c, ctx.actor, { action: 'party.close', entity: 'party', entityId: id, ...meta(ctx) });
    return rows[0];
  });
  log.info({ partyId: id, correlationId: ctx.correlationId }, 'party closed');
  return partyView(row, false);
}
