/**
 * The payers' IBANs leave the collections routes masked (TR33******************1326), like every personal datum in a
 * view: a clerk matching a suspense item or following a direct debit order needs the last digits, not the account.
 * The one place a full IBAN leaves is the collection list file the bank debits, and that export is audited.
 */
import { maskIban } from '../../platform/pii.ts';
import type { DirectDebitOrder } from './direct-debit.ts';
import type { CollectionList } from './direct-debit-list.ts';
import type { SuspenseItem } from './suspense.ts';

const masked = (iban: string | null) => (iban === null ? null : maskIban(iban));

export const orderView = (o: DirectDebitOrder): DirectDebitOrder => ({ ...o, payerIban: maskIban(o.payerIban) });

export const listView = (l: CollectionList): CollectionList => ({ ...l, lines: l.lines.map((line) => ({ ...line, payerIban: maskIban(line.payerIban) })) });

export const suspenseView = (s: SuspenseItem): SuspenseItem => ({
  ...s,
  payerIban: masked(s.payerIban),
  resolution: s.resolution && { ...s.resolution, refundIban: masked(s.resolution.refundIban) },
});
