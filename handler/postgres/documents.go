package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/document"
	"patienttracker/handler/extract"
)

// Document event types written to the outbox; data carries ids only.
const (
	EventDocumentUploadRequested = "org.patienttracker.document.upload_requested"
	EventDocumentProcessing      = "org.patienttracker.document.processing"
	EventDocumentReady           = "org.patienttracker.document.ready"
	EventDocumentFailed          = "org.patienttracker.document.failed"
	EventDocumentQuarantined     = "org.patienttracker.document.quarantined"
	EventDocumentArchived        = "org.patienttracker.document.archived"
)

const documentColumns = `d.id, d.patient_id, d.file_name, d.declared_type, d.declared_size,
  d.status, coalesce(d.reason, ''), d.size_bytes, d.sha256, coalesce(d.media_type, ''),
  coalesce(d.detected_type, ''), coalesce(d.kind, ''), d.warnings, d.duplicate_of,
  d.metadata, coalesce(d.extracted_text, ''), coalesce(d.text_source, ''), d.classification,
  d.findings, d.version, d.created_at, d.created_by, d.updated_at, d.processed_at,
  d.archived_at, coalesce(d.archive_reason, '')`

// findings is the jsonb form of what the text mentions.
type findings struct {
	Dates []extract.FoundDate `json:"dates"`
	MRNs  []string            `json:"mrns"`
}

func scanDocument(row pgx.Row) (*document.Document, error) {
	var d document.Document
	var status string
	var sha, classification, found []byte
	err := row.Scan(&d.ID, &d.PatientID, &d.FileName, &d.DeclaredType, &d.DeclaredSize,
		&status, &d.Reason, &d.SizeBytes, &sha, &d.MediaType, &d.DetectedType, &d.Kind,
		&d.Warnings, &d.DuplicateOf, &d.Metadata, &d.Text, &d.TextSource, &classification,
		&found, &d.Version, &d.CreatedAt, &d.CreatedBy, &d.UpdatedAt, &d.ProcessedAt,
		&d.ArchivedAt, &d.ArchiveReason)
	if err != nil {
		return nil, err
	}
	d.Status = document.Status(status)
	if len(sha) > 0 {
		d.SHA256 = hex.EncodeToString(sha)
	}
	if d.Warnings == nil {
		d.Warnings = []string{}
	}
	if len(classification) > 0 {
		d.Classification = &extract.Classification{}
		if err := json.Unmarshal(classification, d.Classification); err != nil {
			return nil, fmt.Errorf("decode classification: %w", err)
		}
	}
	f := findings{Dates: []extract.FoundDate{}, MRNs: []string{}}
	if len(found) > 0 {
		if err := json.Unmarshal(found, &f); err != nil {
			return nil, fmt.Errorf("decode findings: %w", err)
		}
	}
	d.Dates, d.MRNs = f.Dates, f.MRNs
	return &d, nil
}

// summaryColumns are what a list shows: no text, no metadata.
const summaryColumns = `d.id, d.patient_id, d.file_name, d.declared_type,
  coalesce(d.media_type, ''), d.size_bytes, d.declared_size, d.status, coalesce(d.reason, ''),
  coalesce(d.category, ''), d.warnings, d.version, d.created_at, d.processed_at,
  d.archived_at`

func scanSummary(row pgx.CollectableRow) (document.Summary, error) {
	var s document.Summary
	var status string
	err := row.Scan(&s.ID, &s.PatientID, &s.FileName, &s.DeclaredType, &s.MediaType,
		&s.SizeBytes, &s.DeclaredSize, &status, &s.Reason, &s.Category, &s.Warnings,
		&s.Version, &s.CreatedAt, &s.ProcessedAt, &s.ArchivedAt)
	s.Status = document.Status(status)
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	return s, err
}

// FindDocument returns a document by id, archived or not, in any status.
func (db *DB) FindDocument(ctx context.Context, id uuid.UUID) (*document.Document, error) {
	d, err := scanDocument(db.pool.QueryRow(ctx,
		`SELECT `+documentColumns+` FROM documents d WHERE d.id = $1`, id))
	return d, translate(err)
}

// CountUploadsSince counts the upload requests a staff member made since a time, for
// the daily quota.
func (db *DB) CountUploadsSince(ctx context.Context, staffID uuid.UUID,
	since time.Time) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM documents
	  WHERE created_by = $1 AND created_at >= $2`, staffID, since).Scan(&n)
	return n, translate(err)
}

// CreateDocument stores a new upload request (status pending_upload) for a patient that
// exists and is not archived, with its audit rows (the request and the upload SAS it was
// given, valid until sasExpires) and its outbox event, in one transaction. It sets the
// version and times on d; d.ID is the caller's, because the SAS names it.
func (db *DB) CreateDocument(ctx context.Context, actor audit.Actor, d *document.Document,
	sasExpires time.Time) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	d.Status, d.Version, d.CreatedAt, d.UpdatedAt = document.StatusPendingUpload, 1, now, now
	d.CreatedBy, d.Warnings = actor.StaffID, []string{}
	d.Dates, d.MRNs = []extract.FoundDate{}, []string{}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockLivePatient(ctx, tx, d.PatientID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO documents (id, patient_id, file_name,
		    declared_type, declared_size, status, version, created_at, created_by,
		    updated_at, updated_by)
		  VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8)`, d.ID, d.PatientID,
			d.FileName, d.DeclaredType, d.DeclaredSize, string(d.Status), now, d.CreatedBy)
		if err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		req := actor.Event("document.upload_request", "document", d.ID.String(),
			&d.PatientID, audit.Allowed)
		req.Detail, _ = json.Marshal(map[string]any{"declaredSize": d.DeclaredSize,
			"contentType": d.DeclaredType})
		sas := actor.Event("document.upload_sas", "document", d.ID.String(), &d.PatientID,
			audit.Allowed)
		sas.Detail, _ = json.Marshal(map[string]any{"permissions": "cw",
			"expiresAt": sasExpires.UTC().Format(time.RFC3339)})
		req.At, sas.At = now, now
		if err := appendAudit(ctx, tx, req, sas); err != nil {
			return err
		}
		return insertDocumentEvent(ctx, tx, now, EventDocumentUploadRequested, d)
	})
}

// lockLivePatient checks, holding a share lock until the transaction ends, that the
// patient exists (not_found) and is not archived (409 archived).
func lockLivePatient(ctx context.Context, tx pgx.Tx, patientID uuid.UUID) error {
	var archived *time.Time
	err := tx.QueryRow(ctx, `SELECT archived_at FROM patients WHERE id = $1 FOR SHARE`,
		patientID).Scan(&archived)
	if err != nil {
		return err
	}
	if archived != nil {
		return apperror.Conflict("archived", "The patient is archived")
	}
	return nil
}

// DocumentCursor marks the last document of a page (newest first).
type DocumentCursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// ListDocuments returns a page of a patient's documents, newest first, in every status;
// archived ones only when asked ("include" or "only"; default "exclude").
func (db *DB) ListDocuments(ctx context.Context, patientID uuid.UUID, archived string,
	after *DocumentCursor, limit int) ([]document.Summary, *DocumentCursor, error) {
	var afterAt *time.Time
	var afterID *uuid.UUID
	if after != nil {
		afterAt, afterID = &after.CreatedAt, &after.ID
	}
	rows, err := db.pool.Query(ctx, `SELECT `+summaryColumns+` FROM documents d
	  WHERE d.patient_id = $1
	    AND CASE $2::text WHEN 'only' THEN d.archived_at IS NOT NULL
	                      WHEN 'include' THEN true ELSE d.archived_at IS NULL END
	    AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
	  ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
		patientID, archived, afterAt, afterID, limit+1)
	if err != nil {
		return nil, nil, translate(err)
	}
	docs, err := pgx.CollectRows(rows, scanSummary)
	if err != nil {
		return nil, nil, translate(err)
	}
	var next *DocumentCursor
	if len(docs) > limit {
		docs = docs[:limit]
		last := docs[limit-1]
		next = &DocumentCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return docs, next, nil
}

// ArchiveDocument archives a document whose version is ifMatch (412 otherwise; 409
// archived when it already is), with its audit row and outbox event. The blob stays:
// retention decides when it goes.
func (db *DB) ArchiveDocument(ctx context.Context, actor audit.Actor, id uuid.UUID,
	ifMatch int, reason string) (*document.Document, error) {
	var out *document.Document
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		d, err := scanDocument(tx.QueryRow(ctx,
			`SELECT `+documentColumns+` FROM documents d WHERE d.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if d.Version != ifMatch {
			return apperror.New(apperror.KindPrecondition, "version_mismatch",
				"The document changed since you read it")
		}
		if d.ArchivedAt != nil {
			return apperror.Conflict("archived", "The document is already archived")
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		d.Version, d.UpdatedAt, d.ArchivedAt, d.ArchiveReason = d.Version+1, now, &now, reason
		_, err = tx.Exec(ctx, `UPDATE documents SET version = $2, updated_at = $3,
		    updated_by = $4, archived_at = $3, archived_by = $4, archive_reason = $5
		  WHERE id = $1`, d.ID, d.Version, now, actor.StaffID, nullString(reason))
		if err != nil {
			return fmt.Errorf("archive document: %w", err)
		}
		e := actor.Event("document.archive", "document", d.ID.String(), &d.PatientID,
			audit.Allowed)
		e.At = now
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		out = d
		return insertDocumentEvent(ctx, tx, now, EventDocumentArchived, d)
	})
	return out, err
}

// documentEventNS names the deterministic ids of document events.
var documentEventNS = uuid.MustParse("5d0f3c52-8e0e-4f43-9a57-6c3f0b2e1d7a")

// insertDocumentEvent writes a document event to the outbox inside tx. Its id is derived
// from the document and the event type, so the outbox's unique id makes sure one
// document never emits the same transition twice, whatever the retries.
func insertDocumentEvent(ctx context.Context, tx pgx.Tx, at time.Time, typ string,
	d *document.Document) error {
	b, err := json.Marshal(map[string]any{"documentId": d.ID, "patientId": d.PatientID})
	if err != nil {
		return fmt.Errorf("encode event data: %w", err)
	}
	id := uuid.NewSHA1(documentEventNS, []byte(d.ID.String()+" "+typ))
	_, err = tx.Exec(ctx, `INSERT INTO outbox (id, type, subject, time, data)
	  VALUES ($1, $2, $3, $4, $5)`, id, typ, "documents/"+d.ID.String(), at.UTC(), b)
	if err != nil {
		return fmt.Errorf("insert outbox event: %w", err)
	}
	return nil
}
