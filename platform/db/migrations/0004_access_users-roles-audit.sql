-- Access control: people and machines that act, what they may do, where, and the trail of what they did.

CREATE TABLE permission (
  code        text PRIMARY KEY,
  description text NOT NULL
);

CREATE TABLE role (
  code  text PRIMARY KEY,
  name  text NOT NULL
);

CREATE TABLE role_permission (
  role       text NOT NULL REFERENCES role(code),
  permission text NOT NULL REFERENCES permission(code),
  PRIMARY KEY (role, permission)
);

CREATE TABLE app_user (
  id            serial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name  text NOT NULL,
  password_hash text NOT NULL,           -- argon2id
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A role held by a user, optionally limited to regions and warehouses (null: everywhere).
CREATE TABLE user_role (
  user_id    integer NOT NULL REFERENCES app_user(id),
  role       text NOT NULL REFERENCES role(code),
  regions    text[],
  warehouses text[],
  PRIMARY KEY (user_id, role)
);

-- Browser sessions; the cookie carries a random id, the table its SHA-256.
CREATE TABLE user_session (
  id_sha256   bytea PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- API tokens for machines (bank and PTT channels, ERP, Node-RED): act as their user, shown once, kept as SHA-256.
CREATE TABLE api_token (
  id            serial PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES app_user(id),
  name          text NOT NULL,
  token_sha256  bytea NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

-- The audit trail: append-only. Who did what to which record, and every read of personal data.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_user_id  integer,
  actor          text NOT NULL,        -- username, 'token:<name>' or 'system'
  action         text NOT NULL,        -- e.g. 'auth.login', 'pii.read', 'device.credential.issue'
  entity         text,                 -- e.g. 'party', 'meter', 'user'
  entity_id      text,
  outcome        text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail         jsonb,
  correlation_id text,
  ip             text
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
