-- Work orders (iş emri) routed to crews (ekip), their append-only trail and photos, call-centre notices (ihbar),
-- and meter calibration records (kalibrasyon). The lifecycle, SLA targets, skills, closing codes and permissible
-- errors are rows, not code: docs/work-orders.md explains each table. Meters, users and alarms belong to other
-- contexts and are referred to by serial or id only, without foreign keys.

-- Order types: the SLA target and the skill a crew must have. Hours are numeric so 0.5 h is expressible.
CREATE TABLE work_order_type (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,32}$'),
  label           text NOT NULL,
  sla_hours       numeric(8,2) NOT NULL CHECK (sla_hours > 0),
  required_skill  text NOT NULL CHECK (required_skill ~ '^[a-z_]{1,32}$')
);
INSERT INTO work_order_type (code, label, sla_hours, required_skill) VALUES
  ('leak',              'Leak (gas smell, water leak)',        4,  'leak'),
  ('tamper',            'Tamper (meter interference)',        24,  'metering'),
  ('inspection',        'Inspection',                         48,  'metering'),
  ('meter_replacement', 'Meter replacement',                  72,  'metering'),
  ('meter_removal',     'Meter removal',                      72,  'metering'),
  ('calibration',       'Calibration (take meter to the lab)', 120, 'metering'),
  ('reconnection',      'Reconnection',                       24,  'connection');

-- The status lifecycle as data: a change not listed here is refused. `field` marks the changes a field crew member
-- may make on their own crew's orders (start, complete); every listed change is open to workorders.manage.
-- `assigned` is entered only through an assignment (routing or by hand), never by a plain transition.
CREATE TABLE work_order_transition (
  from_status  text NOT NULL,
  to_status    text NOT NULL,
  field        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO work_order_transition (from_status, to_status, field) VALUES
  ('open',        'cancelled',   false),
  ('assigned',    'in_progress', true),
  ('assigned',    'on_hold',     false),
  ('assigned',    'cancelled',   false),
  ('in_progress', 'on_hold',     false),
  ('in_progress', 'completed',   true),
  ('in_progress', 'cancelled',   false),
  ('on_hold',     'in_progress', true),
  ('on_hold',     'cancelled',   false);

-- Closing codes (kapanış kodu): why an order was completed. order_types null: applies to every type.
CREATE TABLE work_order_closing_code (
  code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,32}$'),
  label        text NOT NULL,
  order_types  text[]
);
INSERT INTO work_order_closing_code (code, label, order_types) VALUES
  ('FIXED',              'Fault found and fixed on site',                 NULL),
  ('NO_FAULT',           'Inspected, no fault found',                     NULL),
  ('NO_ACCESS',          'No access to the premises',                     NULL),
  ('LEAK_SEALED',        'Leak sealed',                                   ARRAY['leak']),
  ('SUPPLY_CUT',         'Supply cut off for safety',                     ARRAY['leak', 'tamper']),
  ('TAMPER_CONFIRMED',   'Tamper confirmed, report written (tutanak)',    ARRAY['tamper']),
  ('METER_REPLACED',     'Meter replaced',                                ARRAY['meter_replacement', 'tamper', 'inspection']),
  ('METER_REMOVED',      'Meter removed',                                 ARRAY['meter_removal']),
  ('SENT_TO_LAB',        'Meter taken to the calibration lab',            ARRAY['calibration']),
  ('RECONNECTED',        'Supply reconnected',                            ARRAY['reconnection']);

CREATE TABLE crew (
  id        serial PRIMARY KEY,
  code      text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  region    text NOT NULL CHECK (region ~ '^[A-Za-z0-9_-]{1,64}$'),
  skills    text[] NOT NULL DEFAULT '{}',
  -- How many orders (assigned, in progress or on hold) the crew carries at once; routing skips a full crew.
  capacity  integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  active    boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crew_region_idx ON crew (region) WHERE active;

-- People in a crew: access's users, by id. A user may belong to several crews.
CREATE TABLE crew_member (
  crew_id  integer NOT NULL REFERENCES crew(id),
  user_id  integer NOT NULL,
  PRIMARY KEY (crew_id, user_id)
);
CREATE INDEX crew_member_user_idx ON crew_member (user_id);

CREATE TABLE work_order (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type          text NOT NULL REFERENCES work_order_type(code),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'in_progress', 'on_hold', 'completed', 'cancelled')),
  priority      text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  source        text NOT NULL CHECK (source IN ('alarm', 'notice', 'api', 'calibration')),
  -- The alarm id, notice id or calibration id that opened the order: unique per source, so an alarm delivered
  -- twice opens one order and a failed calibration exactly one replacement.
  source_ref    text,
  meter_serial  text CHECK (meter_serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  meter_id      integer,
  address       text CHECK (length(address) <= 500),
  region        text CHECK (region ~ '^[A-Za-z0-9_-]{1,64}$'),
  description   text CHECK (length(description) <= 2000),
  crew_id       integer REFERENCES crew(id),
  closing_code  text REFERENCES work_order_closing_code(code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- The SLA clock: due = created + the type's target, pushed later by the time spent on hold (the clock stops while
  -- the order waits on the customer or a permit). hold_started_at is set while on hold.
  sla_due_at    timestamptz NOT NULL,
  hold_started_at timestamptz,
  closed_at     timestamptz,
  CONSTRAINT work_order_target CHECK (meter_serial IS NOT NULL OR meter_id IS NOT NULL OR address IS NOT NULL),
  CONSTRAINT work_order_completed_has_code CHECK (status <> 'completed' OR closing_code IS NOT NULL),
  CONSTRAINT work_order_assigned_has_crew CHECK (status IN ('open', 'cancelled') OR crew_id IS NOT NULL)
);
CREATE UNIQUE INDEX work_order_source_idx ON work_order (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX work_order_status_idx ON work_order (status, region, type);
CREATE INDEX work_order_crew_idx ON work_order (crew_id, status) WHERE crew_id IS NOT NULL;
CREATE INDEX work_order_meter_idx ON work_order (meter_serial) WHERE meter_serial IS NOT NULL;

-- Photos from the field: the bytes themselves, their SHA-256 and content type. Size is bounded by the service
-- (ABONE_WORKORDER_PHOTO_MAX_BYTES) and here by a hard ceiling.
CREATE TABLE work_order_photo (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id      bigint NOT NULL REFERENCES work_order(id),
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  sha256        bytea NOT NULL CHECK (length(sha256) = 32),
  size_bytes    integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
  bytes         bytea NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT work_order_photo_size CHECK (length(bytes) = size_bytes)
);
CREATE INDEX work_order_photo_order_idx ON work_order_photo (order_id, id);

-- The trail of an order: creation, status changes, assignments, comments, photos. Append-only.
CREATE TABLE work_order_event (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id       bigint NOT NULL REFERENCES work_order(id),
  at             timestamptz NOT NULL DEFAULT now(),
  kind           text NOT NULL CHECK (kind IN ('created', 'status', 'assignment', 'comment', 'photo')),
  actor_user_id  integer,
  actor          text NOT NULL,   -- username, 'token:<name>' or 'system:<what>'
  from_status    text,
  to_status      text,
  crew_id        integer REFERENCES crew(id),
  closing_code   text,
  photo_id       bigint REFERENCES work_order_photo(id),
  text           text CHECK (length(text) <= 2000)
);
CREATE INDEX work_order_event_order_idx ON work_order_event (order_id, id);

CREATE FUNCTION work_order_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER work_order_event_no_update BEFORE UPDATE OR DELETE ON work_order_event FOR EACH ROW EXECUTE FUNCTION work_order_trail_append_only();
CREATE TRIGGER work_order_event_no_truncate BEFORE TRUNCATE ON work_order_event FOR EACH STATEMENT EXECUTE FUNCTION work_order_trail_append_only();
CREATE TRIGGER work_order_photo_no_update BEFORE UPDATE OR DELETE ON work_order_photo FOR EACH ROW EXECUTE FUNCTION work_order_trail_append_only();

-- Call-centre notices (ihbar). The reporter's phone is personal data: kept in E.164, shown masked.
CREATE TABLE notice (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL,
  meter_serial    text CHECK (meter_serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  address         text CHECK (length(address) <= 500),
  region          text,
  reporter_name   text CHECK (length(reporter_name) <= 200),
  reporter_phone  text NOT NULL CHECK (reporter_phone ~ '^\+[1-9][0-9]{6,14}$'),
  description     text CHECK (length(description) <= 2000),
  work_order_id   bigint NOT NULL REFERENCES work_order(id),
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notice_target CHECK (meter_serial IS NOT NULL OR address IS NOT NULL)
);

-- Maximum permissible errors (%) at Qmin, Qt and Qmax: per meter model when the model declares its own, else per
-- commodity. Sources in docs/work-orders.md (MID 2014/32/EU annexes MI-001 and MI-002, EN 1359, OIML R 137/R 49).
CREATE TABLE calibration_mpe (
  id         serial PRIMARY KEY,
  commodity  text NOT NULL CHECK (commodity IN ('gas', 'water', 'electricity')),
  model_id   integer,          -- head-end meter model id; null: the commodity default
  mpe_qmin   numeric(5,2) NOT NULL CHECK (mpe_qmin > 0),
  mpe_qt     numeric(5,2) NOT NULL CHECK (mpe_qt > 0),
  mpe_qmax   numeric(5,2) NOT NULL CHECK (mpe_qmax > 0),
  source     text NOT NULL
);
CREATE UNIQUE INDEX calibration_mpe_key ON calibration_mpe (commodity, coalesce(model_id, 0));
INSERT INTO calibration_mpe (commodity, model_id, mpe_qmin, mpe_qt, mpe_qmax, source) VALUES
  ('gas',   NULL, 3.00, 1.50, 1.50, 'MID 2014/32/EU Annex IV (MI-002) class 1.5 / EN 1359: Qmin<=Q<Qt ±3 %, Qt<=Q<=Qmax ±1.5 %'),
  ('water', NULL, 5.00, 2.00, 2.00, 'MID 2014/32/EU Annex III (MI-001) / OIML R 49 class 2: Q1<=Q<Q2 ±5 %, Q2<=Q<=Q4 ±2 % (<=30 °C)');

CREATE TABLE calibration (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_serial    text NOT NULL CHECK (meter_serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  calibrated_on   date NOT NULL,
  lab             text NOT NULL CHECK (length(lab) BETWEEN 1 AND 200),
  certificate_no  text NOT NULL UNIQUE CHECK (length(certificate_no) BETWEEN 1 AND 64),
  error_qmin      numeric(6,3) NOT NULL,
  error_qt        numeric(6,3) NOT NULL,
  error_qmax      numeric(6,3) NOT NULL,
  mpe_qmin        numeric(5,2) NOT NULL,
  mpe_qt          numeric(5,2) NOT NULL,
  mpe_qmax        numeric(5,2) NOT NULL,
  passed          boolean NOT NULL,
  replacement_order_id bigint REFERENCES work_order(id),
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT calibration_failed_has_order CHECK (passed OR replacement_order_id IS NOT NULL)
);
CREATE INDEX calibration_meter_idx ON calibration (meter_serial, calibrated_on);
