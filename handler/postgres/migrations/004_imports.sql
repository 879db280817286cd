-- Imports: uploaded files, import jobs with their progress, and the per-row report.
-- Visits gain the identifier they had in the system they came from, so a second import
-- of the same file finds them instead of adding them again.

ALTER TABLE visits
  ADD COLUMN source_system text,
  ADD COLUMN source_value text,
  -- FHIR v3 ActCode of the encounter class (AMB, EMER, IMP, ...), when it came with one.
  ADD COLUMN encounter_class text;
CREATE UNIQUE INDEX visits_source_key ON visits (source_system, source_value)
  WHERE source_value IS NOT NULL;

-- An upload is a blob the server named (imports/<id>) and a SAS it handed out for it.
CREATE TABLE import_uploads (
  id uuid PRIMARY KEY,
  file_name text NOT NULL,
  content_type text NOT NULL,
  declared_size bigint NOT NULL CHECK (declared_size >= 0),
  created_by uuid NOT NULL REFERENCES staff (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  job_id uuid
);

CREATE TABLE import_jobs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('synthea_csv', 'patient_csv', 'fhir_bundle')),
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  origin text NOT NULL CHECK (origin IN ('api', 'cli')),
  mapping jsonb,
  rows_read bigint NOT NULL DEFAULT 0,
  rows_loaded bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0,
  rows_warned bigint NOT NULL DEFAULT 0,
  patients_created bigint NOT NULL DEFAULT 0,
  patients_matched bigint NOT NULL DEFAULT 0,
  visits_created bigint NOT NULL DEFAULT 0,
  visits_matched bigint NOT NULL DEFAULT 0,
  -- Records of each file already committed: a resumed job skips them.
  checkpoint jsonb NOT NULL DEFAULT '{}',
  attempts integer NOT NULL DEFAULT 0,
  error_code text,
  created_by uuid REFERENCES staff (id),
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  heartbeat_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX import_jobs_pending ON import_jobs (created_at)
  WHERE status IN ('queued', 'running');
CREATE INDEX import_jobs_created ON import_jobs (created_at DESC, id);

CREATE TABLE import_job_files (
  job_id uuid NOT NULL REFERENCES import_jobs (id),
  position integer NOT NULL,
  role text NOT NULL CHECK (role IN ('patients', 'encounters', 'bundle')),
  upload_id uuid NOT NULL UNIQUE REFERENCES import_uploads (id),
  PRIMARY KEY (job_id, position)
);

-- One row per problem found in a record: where (file, CSV line or bundle entry) and why
-- (a code and the field), never the rejected value.
CREATE TABLE import_rejections (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id uuid NOT NULL REFERENCES import_jobs (id),
  file_position integer NOT NULL,
  file_role text NOT NULL,
  line bigint,
  entry integer,
  severity text NOT NULL CHECK (severity IN ('rejected', 'warning')),
  code text NOT NULL,
  field text
);
CREATE INDEX import_rejections_job ON import_rejections (job_id, seq);

GRANT SELECT, INSERT, UPDATE ON import_uploads, import_jobs, import_job_files TO pt_app;
GRANT SELECT, INSERT, DELETE ON import_rejections TO pt_app;
