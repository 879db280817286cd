-- Documents: upload requests, the facts processing found, and their full-text index.
-- The bytes live in Blob Storage under documents/{patient_id}/{id}, never under the user's
-- file name. Only PostgreSQL 15 features; no extension beyond what 001 created.

CREATE TABLE documents (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES patients (id),
  -- The sanitised display name and what the uploader declared.
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 1020),
  declared_type text NOT NULL,
  declared_size bigint NOT NULL CHECK (declared_size >= 0),
  status text NOT NULL CHECK (status IN
    ('pending_upload', 'processing', 'ready', 'failed', 'quarantined')),
  reason text,
  -- A short technical note for operators, never PHI.
  detail text,
  -- How many times processing was started; the host poisons a blob after 5 tries.
  attempts integer NOT NULL DEFAULT 0,
  -- What processing found.
  size_bytes bigint CHECK (size_bytes >= 0),
  sha256 bytea CHECK (sha256 IS NULL OR length(sha256) = 32),
  media_type text,
  detected_type text,
  kind text,
  warnings text[] NOT NULL DEFAULT '{}',
  metadata jsonb,
  extracted_text text,
  text_source text,
  classification jsonb,
  category text,
  findings jsonb,
  duplicate_of uuid REFERENCES documents (id),
  -- Folded name and text (see document.SearchText), 'simple' configuration: no stemming
  -- and no unaccent extension, so it works the same on every server.
  search_vector tsvector,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES staff (id),
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES staff (id),
  processed_at timestamptz,
  archived_at timestamptz,
  archived_by uuid REFERENCES staff (id),
  archive_reason text,
  -- A final status has a processing time, and only a final status has one.
  CHECK ((status IN ('ready', 'failed', 'quarantined')) = (processed_at IS NOT NULL)),
  -- A ready document always has its real size, hash and sniffed type.
  CHECK (status <> 'ready' OR (size_bytes IS NOT NULL AND sha256 IS NOT NULL
    AND media_type IS NOT NULL)),
  CHECK (duplicate_of IS NULL OR duplicate_of <> id)
);

-- Extracted text is large and written once: lz4 compresses it several times faster than
-- the default pglz. A server built without lz4 keeps pglz.
DO $$
BEGIN
  ALTER TABLE documents ALTER COLUMN extracted_text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 is not available; extracted_text keeps the default compression';
END
$$;

CREATE INDEX documents_patient ON documents (patient_id, created_at DESC, id DESC);
CREATE INDEX documents_patient_sha256 ON documents (patient_id, sha256)
  WHERE sha256 IS NOT NULL;
CREATE INDEX documents_search ON documents USING gin (search_vector)
  WHERE status = 'ready' AND archived_at IS NULL;
-- The daily upload quota counts a staff member's requests.
CREATE INDEX documents_created_by ON documents (created_by, created_at);
-- Cleanup finds upload requests that never completed.
CREATE INDEX documents_unfinished ON documents (created_at)
  WHERE status IN ('pending_upload', 'processing');

GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO pt_app;
