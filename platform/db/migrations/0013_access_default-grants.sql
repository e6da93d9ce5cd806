-- The default grants of the permission catalogue (modules/access/catalogue.ts) that have been applied. A release that
-- gives a built-in role a new permission grants it once on databases that already exist; a grant an administrator
-- took away is not given back, because its default is recorded as applied.
CREATE TABLE role_default_grant (
  role text NOT NULL REFERENCES role (code),
  permission text NOT NULL REFERENCES permission (code),
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role, permission)
);

-- Databases from before this table: every pair known now counts as decided (granted or deliberately not), so only
-- permissions added from here on are granted by default.
INSERT INTO role_default_grant (role, permission) SELECT r.code, p.code FROM role r CROSS JOIN permission p;
