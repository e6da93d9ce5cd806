-- The registry (sicil), first slice: parties, i.e. persons (TCKN) and organisations (VKN), with their contact data
-- and consents. Addresses and subscriptions come later and refer to party.id. Personal data lives only in this
-- table, so retention (modules/registry/retention.ts) can anonymise it in one place.

CREATE TABLE party (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('person', 'organisation')),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The name folded for search (case and Turkish diacritics removed), computed by modules/registry/name-key.ts:
  -- one fold in one language for both stored names and queries. Changing the fold needs a data migration.
  name_key          text NOT NULL,
  -- TCKN (persons, including foreigners' 99-numbers) or VKN (organisations); digits only.
  national_id       text CHECK (national_id ~ '^[0-9]{10,11}$'),
  -- Check digits right. An import keeps a VKN that fails them (flagged) rather than drop the organisation.
  national_id_valid boolean NOT NULL DEFAULT false,
  phone             text CHECK (phone ~ '^\+[0-9]{7,15}$'),
  email             text CHECK (length(email) <= 254),
  iban              text CHECK (iban ~ '^TR[0-9]{24}$'),
  sms_consent       boolean NOT NULL DEFAULT false,
  email_consent     boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz,
  anonymised_at     timestamptz,
  CONSTRAINT party_national_id_kind CHECK (national_id IS NULL OR length(national_id) = CASE kind WHEN 'person' THEN 11 ELSE 10 END),
  -- An anonymised party keeps no personal data, whatever code path touched it.
  CONSTRAINT party_anonymised_empty CHECK (anonymised_at IS NULL OR (closed_at IS NOT NULL AND national_id IS NULL AND phone IS NULL AND email IS NULL AND iban IS NULL))
);

-- One open party per national id; a closed one may come back as a new party.
CREATE UNIQUE INDEX party_national_id_open_idx ON party (national_id) WHERE closed_at IS NULL;
CREATE INDEX party_national_id_idx ON party (national_id);
CREATE INDEX party_name_key_idx ON party (name_key text_pattern_ops);
-- What the retention job scans.
CREATE INDEX party_retention_idx ON party (closed_at) WHERE closed_at IS NOT NULL AND anonymised_at IS NULL;
