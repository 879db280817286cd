package postgres

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/document"
	"patienttracker/handler/extract"
)

// ProcessingStart is what StartProcessing found.
type ProcessingStart struct {
	Document *document.Document
	// PatientMRN is the MRN of the document's patient, to spot foreign MRNs in its text.
	PatientMRN string
	// Attempt counts the tries, this one included (0 when the document was final).
	Attempt int
	// Started is false when the document was already final: there is nothing to do.
	Started bool
}

// StartProcessing records one processing attempt of the document id whose blob was
// uploaded under patientID: status processing, attempts + 1, an audit row, and the
// outbox event on the first attempt. A missing document, or one of another patient,
// is not_found: the blob is unknown. A final document is returned unchanged.
func (db *DB) StartProcessing(ctx context.Context, actor audit.Actor, id,
	patientID uuid.UUID) (*ProcessingStart, error) {
	var out *ProcessingStart
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		row := tx.QueryRow(ctx, `SELECT `+documentColumns+`, d.attempts, p.mrn
		  FROM documents d JOIN patients p ON p.id = d.patient_id
		  WHERE d.id = $1 FOR UPDATE OF d`, id)
		var attempts int
		var mrn string
		d, err := scanDocument(scanTail{row, []any{&attempts, &mrn}})
		if err != nil {
			return err
		}
		if d.PatientID != patientID {
			return apperror.NotFound()
		}
		out = &ProcessingStart{Document: d, PatientMRN: mrn}
		if d.Status.Final() {
			return nil
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		first := d.Status == document.StatusPendingUpload
		out.Attempt, out.Started = attempts+1, true
		d.Status, d.UpdatedAt = document.StatusProcessing, now
		if _, err := tx.Exec(ctx, `UPDATE documents SET status = 'processing',
		    attempts = $2, updated_at = $3 WHERE id = $1`, id, out.Attempt, now); err != nil {
			return fmt.Errorf("start processing: %w", err)
		}
		e := actor.Event("document.process_start", "document", id.String(), &d.PatientID,
			audit.Allowed)
		e.At = now
		e.Detail, _ = json.Marshal(map[string]any{"attempt": out.Attempt})
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		if !first {
			return nil
		}
		return insertDocumentEvent(ctx, tx, now, EventDocumentProcessing, d)
	})
	return out, err
}

// scanTail scans a row whose leading columns a scanner reads and whose trailing
// columns go to extra.
type scanTail struct {
	row   pgx.Row
	extra []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// FinishProcessing stores the outcome of processing a document: its facts, text and
// search index, the final status, an audit row and the outbox event, in one
// transaction. A ready document whose bytes another ready document of the same patient
// already has is flagged duplicate (warning "duplicate", DuplicateOf). It returns
// applied false, changing nothing, when the document was already final: processing the
// same blob twice changes nothing.
func (db *DB) FinishProcessing(ctx context.Context, actor audit.Actor, id uuid.UUID,
	out document.Outcome) (d *document.Document, applied bool, err error) {
	if !out.Status.Final() {
		return nil, false, fmt.Errorf("finish processing: %s is not a final status", out.Status)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		d, err = scanDocument(tx.QueryRow(ctx,
			`SELECT `+documentColumns+` FROM documents d WHERE d.id = $1 FOR UPDATE`, id))
		if err != nil || d.Status.Final() {
			return err
		}
		if err := flagDuplicate(ctx, tx, d, &out); err != nil {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		if err := saveOutcome(ctx, tx, d, out, now); err != nil {
			return err
		}
		applied = true
		d, err = scanDocument(tx.QueryRow(ctx,
			`SELECT `+documentColumnsNoText+` FROM documents d WHERE d.id = $1`, id))
		if err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, outcomeEvent(actor, d, out, now)); err != nil {
			return err
		}
		return insertDocumentEvent(ctx, tx, now, outcomeEventType[out.Status], d)
	})
	if err != nil {
		return nil, false, err
	}
	return d, applied, nil
}

// documentColumnsNoText reads a document without its (large) extracted text.
var documentColumnsNoText = strings.Replace(documentColumns,
	"coalesce(d.extracted_text, '')", "''", 1)

var outcomeEventType = map[document.Status]string{
	document.StatusReady:       EventDocumentReady,
	document.StatusFailed:      EventDocumentFailed,
	document.StatusQuarantined: EventDocumentQuarantined,
}

// flagDuplicate looks, under a per-patient lock so two copies processed at once still
// meet, for an earlier ready document of the patient with the same bytes.
func flagDuplicate(ctx context.Context, tx pgx.Tx, d *document.Document,
	out *document.Outcome) error {
	if out.Status != document.StatusReady || out.Result == nil || out.Result.SHA256 == "" {
		return nil
	}
	key := int64(binary.BigEndian.Uint64(d.PatientID[:8]))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", key); err != nil {
		return fmt.Errorf("lock patient documents: %w", err)
	}
	sum, err := hex.DecodeString(out.Result.SHA256)
	if err != nil {
		return fmt.Errorf("decode sha256: %w", err)
	}
	var first uuid.UUID
	err = tx.QueryRow(ctx, `SELECT id FROM documents
	  WHERE patient_id = $1 AND sha256 = $2 AND status = 'ready' AND id <> $3
	    AND archived_at IS NULL
	  ORDER BY created_at, id LIMIT 1`, d.PatientID, sum, d.ID).Scan(&first)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("find duplicate: %w", err)
	}
	out.DuplicateOf = &first
	out.Warnings = append(out.Warnings, string(extract.WarnDuplicate))
	return nil
}

// kindFacts is the jsonb metadata of a document: the facts of its kind and its OCR.
type kindFacts struct {
	PDF   *extract.PDFInfo   `json:"pdf,omitempty"`
	Image *extract.ImageInfo `json:"image,omitempty"`
	DOCX  *extract.DOCXInfo  `json:"docx,omitempty"`
	Plain *extract.TextInfo  `json:"plainText,omitempty"`
	OCR   *extract.OCRInfo   `json:"ocr,omitempty"`
}

func saveOutcome(ctx context.Context, tx pgx.Tx, d *document.Document, out document.Outcome,
	now time.Time) error {
	args, err := outcomeArgs(d, out)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE documents SET status = $2, reason = $3, detail = $4,
	    size_bytes = $5, sha256 = $6, media_type = $7, detected_type = $8, kind = $9,
	    warnings = $10, metadata = $11, extracted_text = $12, text_source = $13,
	    classification = $14, category = $15, findings = $16, duplicate_of = $17,
	    search_vector = to_tsvector('simple', $18::text), version = version + 1,
	    updated_at = $19, processed_at = $19
	  WHERE id = $1`, append(args, now)...)
	if err != nil {
		return fmt.Errorf("save outcome: %w", err)
	}
	return nil
}

// outcomeArgs are the values $1 to $18 of saveOutcome's update. Only a ready document
// keeps its text, classification and search index.
func outcomeArgs(d *document.Document, out document.Outcome) ([]any, error) {
	r := out.Result
	if r == nil {
		r = &extract.Result{}
	}
	warnings := append([]string{}, out.Warnings...)
	for _, w := range r.Warnings {
		warnings = append(warnings, string(w))
	}
	slices.Sort(warnings)
	warnings = slices.Compact(warnings)
	sha, err := hex.DecodeString(r.SHA256)
	if err != nil {
		return nil, fmt.Errorf("decode sha256: %w", err)
	}
	var size *int64
	var metadata, found, classification, vector any
	if out.Result != nil {
		size = &r.SizeBytes
		metadata = kindFacts{PDF: r.PDF, Image: r.Image, DOCX: r.DOCX, Plain: r.Plain, OCR: r.OCR}
		found = findings{Dates: r.Dates, MRNs: r.MRNs}
	}
	text, category := "", ""
	if out.Status == document.StatusReady {
		classification, category = r.Classification, r.Classification.Category
		vector, text = document.SearchText(d.FileName, r.Text), r.Text
	}
	if len(sha) == 0 {
		sha = nil
	}
	return []any{d.ID, string(out.Status), nullString(out.Reason), nullString(out.Detail),
		size, sha, nullString(r.MediaType), nullString(r.DetectedType),
		nullString(string(r.Kind)), warnings, metadata, nullString(text),
		nullString(r.TextSource), classification, nullString(category), found,
		out.DuplicateOf, vector}, nil
}

func outcomeEvent(actor audit.Actor, d *document.Document, out document.Outcome,
	now time.Time) *audit.Event {
	outcome := audit.Allowed
	switch out.Status {
	case document.StatusFailed:
		outcome = audit.Failed
	case document.StatusQuarantined:
		outcome = audit.Denied
	}
	e := actor.Event("document.process", "document", d.ID.String(), &d.PatientID, outcome)
	e.At, e.Reason = now, out.Reason
	detail := map[string]any{"status": out.Status}
	if d.SizeBytes != nil {
		detail["sizeBytes"] = *d.SizeBytes
	}
	if d.MediaType != "" {
		detail["mediaType"] = d.MediaType
	}
	e.Detail, _ = json.Marshal(detail)
	return e
}

// QuarantineReplaced quarantines a processed document whose blob now holds other bytes
// than the ones processed (sha256, hex): the new content was never checked, so the
// document is never served again and leaves the search index. It returns applied
// false when the document was not final, already quarantined, or its hash is sha256.
func (db *DB) QuarantineReplaced(ctx context.Context, actor audit.Actor, id uuid.UUID,
	sha256 string) (applied bool, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		d, err := scanDocument(tx.QueryRow(ctx,
			`SELECT `+documentColumns+` FROM documents d WHERE d.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if !d.Status.Final() || d.Status == document.StatusQuarantined || d.SHA256 == sha256 {
			return nil
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		_, err = tx.Exec(ctx, `UPDATE documents SET status = 'quarantined', reason = $2,
		    detail = 'the blob was written again after processing', search_vector = NULL,
		    version = version + 1, updated_at = $3 WHERE id = $1`,
			id, document.ReasonReplaced, now)
		if err != nil {
			return fmt.Errorf("quarantine replaced document: %w", err)
		}
		e := actor.Event("document.process", "document", id.String(), &d.PatientID,
			audit.Denied)
		e.At, e.Reason = now, document.ReasonReplaced
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		applied = true
		return insertDocumentEvent(ctx, tx, now, EventDocumentQuarantined, d)
	})
	return applied, err
}
