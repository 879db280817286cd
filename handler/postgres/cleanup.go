package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/audit"
)

// ExpiredUpload is an upload request removed because it never completed.
type ExpiredUpload struct {
	ID        uuid.UUID
	PatientID uuid.UUID
}

// BlobName is where the upload's bytes would be in the documents container.
func (u ExpiredUpload) BlobName() string {
	return u.PatientID.String() + "/" + u.ID.String()
}

// ExpireUploadIntents deletes up to limit upload requests still pending_upload that
// were made before cutoff, auditing each removal in the same transaction, and returns
// them so their partial blobs can go too. Rows another transaction holds are skipped.
// Documents in any other status are never touched.
func (db *DB) ExpireUploadIntents(ctx context.Context, actor audit.Actor, cutoff time.Time,
	limit int) ([]ExpiredUpload, error) {
	var out []ExpiredUpload
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM documents WHERE id IN (
		    SELECT id FROM documents WHERE status = 'pending_upload' AND created_at < $1
		    ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
		  RETURNING id, patient_id`, cutoff.UTC(), limit)
		if err != nil {
			return fmt.Errorf("expire upload requests: %w", err)
		}
		out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExpiredUpload])
		if err != nil {
			return fmt.Errorf("expire upload requests: %w", err)
		}
		now := db.now().UTC()
		events := make([]*audit.Event, 0, len(out))
		for _, u := range out {
			e := actor.Event("document.expire", "document", u.ID.String(), &u.PatientID,
				audit.Allowed)
			e.At, e.Reason = now, "upload_never_completed"
			events = append(events, e)
		}
		if len(events) == 0 {
			return nil
		}
		return appendAudit(ctx, tx, events...)
	})
	return out, err
}

// KnownDocumentBlobs returns, of the given blob names ("<patientId>/<documentId>"),
// those that belong to a document row of that patient, in any status. A name that is
// not of that form belongs to none.
func (db *DB) KnownDocumentBlobs(ctx context.Context, names []string) (map[string]bool,
	error) {
	var ids, patients []uuid.UUID
	for _, n := range names {
		if p, d, ok := splitBlobName(n); ok {
			patients, ids = append(patients, p), append(ids, d)
		}
	}
	known := map[string]bool{}
	if len(ids) == 0 {
		return known, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT d.id, d.patient_id FROM documents d
	  JOIN unnest($1::uuid[], $2::uuid[]) AS n(pid, id) ON n.id = d.id AND n.pid = d.patient_id`,
		patients, ids)
	if err != nil {
		return nil, translate(err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ExpiredUpload])
	if err != nil {
		return nil, translate(err)
	}
	for _, f := range found {
		known[f.BlobName()] = true
	}
	return known, nil
}

func splitBlobName(name string) (patientID, documentID uuid.UUID, ok bool) {
	if len(name) != 73 || name[36] != '/' {
		return uuid.Nil, uuid.Nil, false
	}
	p, err1 := uuid.Parse(name[:36])
	d, err2 := uuid.Parse(name[37:])
	return p, d, err1 == nil && err2 == nil
}
