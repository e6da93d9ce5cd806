-- Device registry of the head-end: what meters exist, what each model reports, and how devices authenticate.

-- The channels a reading can be on. Ids are stable (they are stored in every reading row); codes are what the wire,
-- the API and the dashboards use.
CREATE TABLE channel (
  id       smallint PRIMARY KEY,
  code     text NOT NULL UNIQUE,
  kind     text NOT NULL CHECK (kind IN ('register', 'interval', 'instant')),
  unit     text NOT NULL,
  label    text NOT NULL
);
INSERT INTO channel (id, code, kind, unit, label) VALUES
  (1, 'volume',      'register', 'm3',   'Volume register index'),
  (2, 'energy',      'register', 'kWh',  'Active energy import register'),
  (3, 'consumption', 'interval', 'm3',   'Interval consumption (volume)'),
  (4, 'energy_interval', 'interval', 'kWh', 'Interval consumption (energy)'),
  (5, 'flow',        'instant',  'm3/h', 'Flow rate'),
  (6, 'pressure',    'instant',  'bar',  'Gauge pressure'),
  (7, 'temperature', 'instant',  'degC', 'Gas or water temperature'),
  (8, 'battery',     'instant',  '%',    'Battery level');

CREATE TABLE meter_model (
  id               serial PRIMARY KEY,
  code             text NOT NULL UNIQUE,
  manufacturer     text NOT NULL,
  commodity        text NOT NULL CHECK (commodity IN ('gas', 'water', 'electricity')),
  -- The register wraps to zero after this many integer digits (e.g. 5 digits: 99999.999 -> 00000.000).
  register_digits  smallint NOT NULL DEFAULT 8 CHECK (register_digits BETWEEN 4 AND 12),
  register_decimals smallint NOT NULL DEFAULT 3 CHECK (register_decimals BETWEEN 0 AND 6),
  -- Modbus register map for models polled over Modbus; see docs/ingest.md for its format.
  modbus_map       jsonb,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- The channels each model reports, with the interval it reports them at (null: irregular).
CREATE TABLE meter_model_channel (
  model_id         integer NOT NULL REFERENCES meter_model(id),
  channel_id       smallint NOT NULL REFERENCES channel(id),
  interval_seconds integer CHECK (interval_seconds > 0),
  PRIMARY KEY (model_id, channel_id)
);

CREATE TABLE meter (
  id           serial PRIMARY KEY,
  serial       text NOT NULL UNIQUE CHECK (serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  model_id     integer NOT NULL REFERENCES meter_model(id),
  commodity    text NOT NULL CHECK (commodity IN ('gas', 'water', 'electricity')),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'removed')),
  -- How the head-end reaches the device: {"protocol":"mqtt"} or {"protocol":"modbus-tcp","host":..,"port":..,"unitId":..,"pollSeconds":..}
  communication jsonb NOT NULL DEFAULT '{"protocol":"mqtt"}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_model_idx ON meter (model_id);

-- Per-device MQTT credentials. The secret is a random 256-bit token shown once; only its SHA-256 is kept
-- (see docs/decisions.md: a random token needs no slow hash, and a fleet reconnecting after an outage must not
-- queue behind argon2). One active credential per meter; rotation revokes the old one.
CREATE TABLE device_credential (
  id           serial PRIMARY KEY,
  meter_id     integer NOT NULL REFERENCES meter(id),
  secret_sha256 bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX device_credential_active_idx ON device_credential (meter_id) WHERE revoked_at IS NULL;
