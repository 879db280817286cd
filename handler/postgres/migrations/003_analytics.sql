-- Analytics: visit rollups per clinic-local day, ISO week and month; the rollup's state;
-- a log of visit changes that tells the nightly rollup which days to redo; and an index
-- for trimming published outbox events.

CREATE TABLE visit_rollups (
  granularity text NOT NULL CHECK (granularity IN ('day', 'week', 'month')),
  period_start date NOT NULL,
  visits integer NOT NULL,
  unique_patients integer NOT NULL,
  new_patients integer NOT NULL,
  -- {"finished": 3, ...}: every visit by status.
  by_status jsonb NOT NULL,
  -- [["code", "reason", visits], ...]: counted visits by reason, most first.
  by_reason jsonb NOT NULL,
  -- One row per slot: concurrent or repeated runs update the slot, never add a second.
  PRIMARY KEY (granularity, period_start)
);

-- A single row: the last clinic day rolled up, and the zone the days were cut in.
CREATE TABLE visit_rollup_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  time_zone text NOT NULL,
  completed_through date NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One row per statement and patient whose visits were inserted, or changed in what the
-- rollup counts, with the earliest start it touched (old or new). The rollup consumes
-- the rows: it redoes every day from the earliest one, so a visit backdated by years or
-- an import of old visits is rolled up on the next run, and it looks up the first visit
-- again only for the patients named here.
CREATE TABLE visit_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id uuid NOT NULL,
  earliest_start timestamptz NOT NULL
);

CREATE FUNCTION visit_changes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_changes (patient_id, earliest_start)
    SELECT n.patient_id, min(n.start_at) FROM new_visits n GROUP BY n.patient_id;
  RETURN NULL;
END
$$;

CREATE FUNCTION visit_changes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_changes (patient_id, earliest_start)
    SELECT c.patient_id, min(c.start_at)
    FROM old_visits o JOIN new_visits n ON n.id = o.id,
      LATERAL (VALUES (o.patient_id, o.start_at), (n.patient_id, n.start_at))
        AS c(patient_id, start_at)
    WHERE (o.start_at, o.status, o.patient_id, o.reason, o.reason_code)
      IS DISTINCT FROM (n.start_at, n.status, n.patient_id, n.reason, n.reason_code)
    GROUP BY c.patient_id;
  RETURN NULL;
END
$$;

CREATE FUNCTION visit_changes_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_changes (patient_id, earliest_start)
    SELECT o.patient_id, min(o.start_at) FROM old_visits o GROUP BY o.patient_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER visits_changes_insert AFTER INSERT ON visits
  REFERENCING NEW TABLE AS new_visits
  FOR EACH STATEMENT EXECUTE FUNCTION visit_changes_inserted();
CREATE TRIGGER visits_changes_update AFTER UPDATE ON visits
  REFERENCING OLD TABLE AS old_visits NEW TABLE AS new_visits
  FOR EACH STATEMENT EXECUTE FUNCTION visit_changes_updated();
CREATE TRIGGER visits_changes_delete AFTER DELETE ON visits
  REFERENCING OLD TABLE AS old_visits
  FOR EACH STATEMENT EXECUTE FUNCTION visit_changes_deleted();

-- Each patient's first counted visit, as of the last rollup. Only the rollup writes it,
-- under its lock (a first run rebuilds it with TRUNCATE), so a night's run tells new
-- from returning patients by a lookup here instead of reading every patient's history.
CREATE TABLE patient_first_visits (
  patient_id uuid PRIMARY KEY,
  first_at timestamptz NOT NULL
);
CREATE INDEX patient_first_visits_at ON patient_first_visits (first_at);

-- A patient's earliest counted visit, read from the index alone.
CREATE INDEX visits_patient_counted ON visits (patient_id, start_at)
  WHERE status NOT IN ('cancelled', 'entered-in-error');

-- Cleanup trims published events past their retention; unpublished ones are never trimmed.
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON visit_rollups, visit_rollup_state, visit_changes,
  patient_first_visits TO pt_app;
GRANT TRUNCATE ON patient_first_visits TO pt_app;
