/**
 * Who pays from an IBAN: the open parties holding it in the registry, their subscriptions and the current accounts
 * billing them. Neither the registry's nor the subscriptions' door offers this lookup yet, so it is one read-only
 * query over their tables (as the subscriptions context's party-subscriptions read does); nothing is written there.
 * A door function in each context would replace it without changing the matching rule.
 */
import type { Db } from '../ledger/index.ts';

export interface IbanPayer {
  accountId: number;
  subscriptionId: string;
  /** The subscription's lifecycle status: active, frozen, cut_off are live; ended, transferred, cancelled are not. */
  status: string;
}

const LIVE = new Set(['active', 'frozen', 'cut_off']);

export async function payersByIban(db: Db, iban: string): Promise<IbanPayer[]> {
  const { rows } = await db.query<IbanPayer>(
    `SELECT la.id::int AS "accountId", la.subscription_id AS "subscriptionId", s.status
       FROM party p JOIN subscription s ON s.party_id = p.id JOIN ledger_account la ON la.subscription_id = s.id::text
      WHERE p.iban = $1 AND p.closed_at IS NULL ORDER BY s.id`,
    [iban],
  );
  return rows;
}

/**
 * The one account an IBAN pays for: the single live subscription of its parties, or, when none is live, the single
 * subscription there is (a final bill after moving out). More than one: ambiguous, a clerk decides.
 */
export function onePayer(payers: IbanPayer[]): IbanPayer | 'none' | 'ambiguous' {
  if (!payers.length) return 'none';
  const live = payers.filter((p) => LIVE.has(p.status));
  const pool = live.length ? live : payers;
  return pool.length === 1 ? pool[0] : 'ambiguous';
}
