-- Core schema: staff, patients, visits, audit log, idempotency keys and the event outbox.
-- Migrations only ever add: a rollback of the code must keep working on a newer schema.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The role the application connects as (or is granted to the Function App's identity).
-- It may read and write data, but may only append to the audit log.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pt_app') THEN
    CREATE ROLE pt_app NOLOGIN;
  END IF;
END
$$;

CREATE TABLE staff (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'clinician', 'frontdesk', 'analyst')),
  active boolean NOT NULL DEFAULT true,
  identity_provider text,
  identity_user_id text,
  bound_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email));
CREATE UNIQUE INDEX staff_identity_key ON staff (identity_provider, identity_user_id)
  WHERE identity_user_id IS NOT NULL;

-- MRNs come from a sequence, so a number is never handed out twice, even after a rollback.
CREATE SEQUENCE patient_mrn_seq START WITH 100000 MAXVALUE 9999999 NO CYCLE;

CREATE TABLE patients (
  id uuid PRIMARY KEY,
  mrn text NOT NULL,
  given_names text NOT NULL,
  family_name text NOT NULL,
  -- Folded forms for search: lower case, no accents, no punctuation (see patient.Fold).
  name_folded text NOT NULL,
  name_compact text NOT NULL,
  sort_name text NOT NULL,
  birth_date date NOT NULL,
  sex text NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  phone text,
  phone_digits text,
  email text,
  address jsonb,
  preferred_language text,
  deceased_date date,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES staff (id),
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES staff (id),
  archived_at timestamptz,
  archive_reason text
);
CREATE UNIQUE INDEX patients_mrn_key ON patients (mrn);
CREATE INDEX patients_name_compact_trgm ON patients USING gin (name_compact gin_trgm_ops);
CREATE INDEX patients_sort_name ON patients (sort_name, id);
CREATE INDEX patients_birth_date ON patients (birth_date, id);
CREATE INDEX patients_created_at ON patients (created_at, id);
CREATE INDEX patients_phone_rev ON patients (reverse(phone_digits) text_pattern_ops);

CREATE TABLE patient_identifiers (
  patient_id uuid NOT NULL REFERENCES patients (id),
  system text NOT NULL,
  value text NOT NULL,
  value_normalized text NOT NULL,
  PRIMARY KEY (patient_id, system, value_normalized)
);
CREATE UNIQUE INDEX patient_identifiers_key ON patient_identifiers (system, value_normalized);

CREATE TABLE visits (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES patients (id),
  start_at timestamptz NOT NULL,
  end_at timestamptz,
  status text NOT NULL CHECK (status IN
    ('planned', 'arrived', 'in-progress', 'finished', 'cancelled', 'entered-in-error')),
  reason text,
  reason_code text,
  notes text,
  clinician_id uuid REFERENCES staff (id),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES staff (id),
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES staff (id),
  CHECK (end_at IS NULL OR end_at > start_at)
);
CREATE INDEX visits_patient ON visits (patient_id, start_at DESC, id);
CREATE INDEX visits_start ON visits (start_at);

-- Idempotency-Key records: one per (staff member, key); the response is replayed.
CREATE TABLE idempotency_keys (
  staff_id uuid NOT NULL REFERENCES staff (id),
  key text NOT NULL,
  request_hash bytea NOT NULL,
  status integer,
  response jsonb,
  resource_id uuid,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (staff_id, key)
);

-- The audit log is append-only and hash-chained: each row's hash covers the previous hash.
CREATE TABLE audit_log (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL,
  at timestamptz NOT NULL,
  actor_staff_id uuid,
  actor_provider text,
  actor_user_id text,
  actor_role text,
  action text NOT NULL,
  object_type text,
  object_id text,
  patient_id uuid,
  outcome text NOT NULL,
  reason text,
  request_id text,
  detail jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX audit_log_patient ON audit_log (patient_id, at DESC) WHERE patient_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_staff_id, at DESC);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Domain events, written in the same transaction as the change and relayed later.
CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  subject text NOT NULL,
  time timestamptz NOT NULL,
  data jsonb NOT NULL,
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON staff, patients, visits TO pt_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON patient_identifiers TO pt_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys, outbox TO pt_app;
GRANT SELECT, INSERT ON audit_log TO pt_app;
GRANT USAGE ON SEQUENCE patient_mrn_seq TO pt_app;
