/**
 * What a party looks like leaving the system. Masked by default (`12*******46`); in full only for an actor with
 * pii.reveal who asked for it, and then the caller audits which fields were shown. The name stays readable:
 * a clerk finds and greets subscribers by name, and search works on it.
 */
import { maskIban, maskMiddle, maskPhone, maskTckn, maskVkn } from '../../platform/pii.ts';
import type { PartyKind } from './national-id.ts';

export interface PartyRow {
  id: number;
  kind: PartyKind;
  name: string;
  national_id: string | null;
  national_id_valid: boolean;
  phone: string | null;
  email: string | null;
  iban: string | null;
  sms_consent: boolean;
  email_consent: boolean;
  created_at: Date;
  closed_at: Date | null;
  anonymised_at: Date | null;
}

/** The personal-data fields a reveal shows (and the audit names). */
export const PII_FIELDS = ['nationalId', 'phone', 'email', 'iban'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

export interface PartyView {
  id: number;
  kind: PartyKind;
  name: string;
  nationalId: string | null;
  nationalIdValid: boolean;
  phone: string | null;
  email: string | null;
  iban: string | null;
  smsConsent: boolean;
  emailConsent: boolean;
  createdAt: Date;
  closedAt: Date | null;
  anonymisedAt: Date | null;
  masked: boolean;
}

export const PARTY_COLUMNS = 'id, kind, name, national_id, national_id_valid, phone, email, iban, sms_consent, email_consent, created_at, closed_at, anonymised_at';

export function partyView(row: PartyRow, reveal: boolean): PartyView {
  const m = (v: string | null, mask: (s: string) => string) => (v === null || reveal ? v : mask(v));
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    nationalId: m(row.national_id, row.kind === 'person' ? maskTckn : maskVkn),
    nationalIdValid: row.national_id_valid,
    phone: m(row.phone, maskPhone),
    email: m(row.email, (e) => maskMiddle(e, 2, 2)),
    iban: m(row.iban, maskIban),
    smsConsent: row.sms_consent,
    emailConsent: row.email_consent,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    anonymisedAt: row.anonymised_at,
    masked: !reveal,
  };
}

/** The personal-data fields that hold a value, i.e. what a reveal of this row actually shows. */
export function shownFields(row: PartyRow): PiiField[] {
  const values: Record<PiiField, string | null> = { nationalId: row.national_id, phone: row.phone, email: row.email, iban: row.iban };
  return PII_FIELDS.filter((f) => values[f] !== null);
}
