-- Collections: the banks and the post office (PTT) that collect on the utility's behalf, as data. Each channel
-- authenticates as its own access user (role bank_channel) with its own API token; the bank API finds the channel
-- from the calling user, so a bank never names its own source and cannot pay or cancel as another bank.
-- The user is the access context's row, referred to by id only.

CREATE TABLE collections_bank_channel (
  -- The bank's EFT code as four digits ('0062'), or 'PTT' for the post office.
  code        text PRIMARY KEY CHECK (code ~ '^([0-9]{4}|PTT)$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  user_id     integer NOT NULL UNIQUE,
  -- An inactive channel's calls are refused (its token may still be valid until revoked).
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL
);
