-- Rules and alarms (rules/). Rules are data: each (code, version) row is immutable; a new version supersedes the
-- previous one and alarms keep the version that raised them. The engine polls max(rule_definition.id) to reload.

-- Where a meter sits for rule attachment: a region (operating area) and a free group (a district metered area, a
-- pilot batch). Both optional; a rule attached to no region/group reaches every meter its models allow.
ALTER TABLE meter ADD COLUMN region text CHECK (region ~ '^[A-Za-z0-9_-]{1,64}$');
ALTER TABLE meter ADD COLUMN meter_group text CHECK (meter_group ~ '^[A-Za-z0-9_-]{1,64}$');

CREATE TABLE rule_definition (
  id          serial PRIMARY KEY,
  code        text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_-]{0,63}$'),
  version     integer NOT NULL CHECK (version >= 1),
  name        text NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
  condition   jsonb NOT NULL,          -- the rule language, docs/rules.md
  attach      jsonb NOT NULL DEFAULT '{}', -- {"models":[..],"regions":[..],"groups":[..]}; empty lists: every meter
  enabled     boolean NOT NULL DEFAULT true,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code, version)
);

CREATE TABLE alarm (
  id              bigserial PRIMARY KEY,
  meter_id        integer NOT NULL REFERENCES meter(id),
  type            text NOT NULL,         -- the rule code
  rule_id         integer NOT NULL REFERENCES rule_definition(id), -- the version that raised it, kept for good
  rule_version    integer NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
  active          boolean NOT NULL DEFAULT true,
  acknowledged    boolean NOT NULL DEFAULT false,
  raised_at       timestamptz NOT NULL,  -- reading time the condition was met
  last_seen_at    timestamptz NOT NULL,  -- reading time of the latest repeat
  cleared_at      timestamptz,           -- reading time of the auto-clear, or wall time of a manual clear
  cleared_by      text,                  -- null: cleared by the engine
  acknowledged_at timestamptz,
  acknowledged_by text,
  opened_at       timestamptz NOT NULL DEFAULT now(), -- wall time it became active (escalation counts from here)
  escalated_at    timestamptz,
  repeat_count    integer NOT NULL DEFAULT 0,
  reopen_count    integer NOT NULL DEFAULT 0,
  detail          jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (active OR cleared_at IS NOT NULL),
  CHECK (acknowledged = (acknowledged_at IS NOT NULL))
);
-- One active alarm per meter and type: a repeat is counted on it, never a second row.
CREATE UNIQUE INDEX alarm_one_active_idx ON alarm (meter_id, type) WHERE active;
CREATE INDEX alarm_meter_idx ON alarm (meter_id, type, cleared_at DESC);
CREATE INDEX alarm_open_idx ON alarm (opened_at) WHERE active AND NOT acknowledged AND escalated_at IS NULL;
CREATE INDEX alarm_recent_idx ON alarm (id DESC);

-- Applies a batch of engine transitions in order, in one round trip: raise (new, repeat, or reopen of an alarm
-- auto-cleared within the hold-off) and clear. Returns each alarm changed, with what happened to it.
CREATE FUNCTION alarm_apply(changes jsonb, holdoff interval) RETURNS TABLE (change text, alarm jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  c jsonb;
  m integer;
  t text;
  ts_at timestamptz;
  found_id bigint;
  r alarm%ROWTYPE;
BEGIN
  FOR c IN SELECT value FROM jsonb_array_elements(changes) LOOP
    m := (c->>'meterId')::integer;
    t := c->>'type';
    ts_at := (c->>'at')::timestamptz;
    IF c->>'kind' = 'raise' THEN
      UPDATE alarm a SET repeat_count = a.repeat_count + 1, last_seen_at = greatest(a.last_seen_at, ts_at), updated_at = now()
        WHERE a.meter_id = m AND a.type = t AND a.active RETURNING a.* INTO r;
      IF FOUND THEN
        change := 'repeated'; alarm := to_jsonb(r); RETURN NEXT; CONTINUE;
      END IF;
      SELECT a.id INTO found_id FROM alarm a
        WHERE a.meter_id = m AND a.type = t AND NOT a.active AND a.cleared_by IS NULL AND a.cleared_at >= ts_at - holdoff
        ORDER BY a.cleared_at DESC LIMIT 1;
      IF found_id IS NOT NULL THEN
        UPDATE alarm a SET active = true, cleared_at = NULL, reopen_count = a.reopen_count + 1, repeat_count = a.repeat_count + 1,
          last_seen_at = greatest(a.last_seen_at, ts_at), opened_at = now(), escalated_at = NULL, updated_at = now()
          WHERE a.id = found_id RETURNING a.* INTO r;
        change := 'repeated'; alarm := to_jsonb(r); RETURN NEXT; CONTINUE;
      END IF;
      INSERT INTO alarm (meter_id, type, rule_id, rule_version, severity, raised_at, last_seen_at, detail)
        VALUES (m, t, (c->>'ruleId')::integer, (c->>'ruleVersion')::integer, c->>'severity', ts_at, ts_at, c->'detail')
        RETURNING * INTO r;
      change := 'raised'; alarm := to_jsonb(r); RETURN NEXT;
    ELSE
      UPDATE alarm a SET active = false, cleared_at = greatest(ts_at, a.raised_at), cleared_by = NULL, updated_at = now()
        WHERE a.meter_id = m AND a.type = t AND a.active RETURNING a.* INTO r;
      IF FOUND THEN
        change := 'cleared'; alarm := to_jsonb(r); RETURN NEXT;
      END IF;
    END IF;
  END LOOP;
END $$;
