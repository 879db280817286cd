package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/visit"
)

const visitColumns = `v.id, v.patient_id, v.start_at, v.end_at, v.status, coalesce(v.reason, ''),
  coalesce(v.reason_code, ''), v.notes, v.clinician_id, v.version, v.created_at, v.updated_at`

func scanVisit(row pgx.Row) (*visit.Visit, error) {
	var v visit.Visit
	var status string
	err := row.Scan(&v.ID, &v.PatientID, &v.Start, &v.End, &status, &v.Reason, &v.ReasonCode,
		&v.Notes, &v.ClinicianID, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	v.Status = visit.Status(status)
	return &v, err
}

// FindVisit returns a visit by id.
func (db *DB) FindVisit(ctx context.Context, id uuid.UUID) (*visit.Visit, error) {
	v, err := scanVisit(db.pool.QueryRow(ctx,
		`SELECT `+visitColumns+` FROM visits v WHERE v.id = $1`, id))
	return v, translate(err)
}

// VisitCursor marks the last visit of a page (newest first).
type VisitCursor struct {
	Start time.Time
	ID    uuid.UUID
}

// ListVisits returns a page of a patient's visits, newest first, and the cursor of the
// next page when there is one.
func (db *DB) ListVisits(ctx context.Context, patientID uuid.UUID, after *VisitCursor,
	limit int) ([]visit.Visit, *VisitCursor, error) {
	var afterStart *time.Time
	var afterID *uuid.UUID
	if after != nil {
		afterStart, afterID = &after.Start, &after.ID
	}
	rows, err := db.pool.Query(ctx, `SELECT `+visitColumns+` FROM visits v
	  WHERE v.patient_id = $1
	    AND ($2::timestamptz IS NULL OR (v.start_at, v.id) < ($2, $3::uuid))
	  ORDER BY v.start_at DESC, v.id DESC LIMIT $4`, patientID, afterStart, afterID, limit+1)
	if err != nil {
		return nil, nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (visit.Visit, error) {
		v, err := scanVisit(r)
		if err != nil {
			return visit.Visit{}, err
		}
		return *v, nil
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	var next *VisitCursor
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = &VisitCursor{Start: last.Start, ID: last.ID}
	}
	return out, next, nil
}

// CreateVisit stores a new visit for a patient that exists and is not archived, with its
// audit row and outbox event.
func (db *DB) CreateVisit(ctx context.Context, actor audit.Actor, v *visit.Visit) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	v.ID, v.Version, v.CreatedAt, v.UpdatedAt = uuid.New(), 1, now, now
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var archived *time.Time
		err := tx.QueryRow(ctx, "SELECT archived_at FROM patients WHERE id = $1 FOR SHARE",
			v.PatientID).Scan(&archived)
		if err != nil {
			return err
		}
		if archived != nil {
			return apperror.Conflict("archived", "The patient is archived")
		}
		_, err = tx.Exec(ctx, `INSERT INTO visits (id, patient_id, start_at, end_at, status,
		    reason, reason_code, notes, clinician_id, version, created_at, created_by,
		    updated_at, updated_by)
		  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $10, $11)`,
			v.ID, v.PatientID, v.Start, v.End, string(v.Status), nullString(v.Reason),
			nullString(v.ReasonCode), v.Notes, v.ClinicianID, now, actor.StaffID)
		if err != nil {
			return fmt.Errorf("insert visit: %w", err)
		}
		return auditVisit(ctx, tx, actor, "visit.create", EventVisitCreated, v, now)
	})
}

func auditVisit(ctx context.Context, tx pgx.Tx, actor audit.Actor, action, eventType string,
	v *visit.Visit, now time.Time) error {
	e := actor.Event(action, "visit", v.ID.String(), &v.PatientID, audit.Allowed)
	e.At = now
	if err := appendAudit(ctx, tx, e); err != nil {
		return err
	}
	return insertEvent(ctx, tx, now, eventType, "visits/"+v.ID.String(),
		map[string]any{"visitId": v.ID, "patientId": v.PatientID, "version": v.Version})
}

// UpdateVisit locks a visit, checks its version and its patient, lets change edit it and
// stores it with the next version.
func (db *DB) UpdateVisit(ctx context.Context, actor audit.Actor, id uuid.UUID, ifMatch int,
	change func(*visit.Visit) error) (*visit.Visit, error) {
	var out *visit.Visit
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		v, err := scanVisit(tx.QueryRow(ctx,
			`SELECT `+visitColumns+` FROM visits v WHERE v.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		var archived *time.Time
		if err := tx.QueryRow(ctx, "SELECT archived_at FROM patients WHERE id = $1",
			v.PatientID).Scan(&archived); err != nil {
			return err
		}
		if archived != nil {
			return apperror.Conflict("archived", "The patient is archived")
		}
		if v.Version != ifMatch {
			return apperror.New(apperror.KindPrecondition, "version_mismatch",
				"The visit changed since you read it")
		}
		if err := change(v); err != nil {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		v.Version, v.UpdatedAt = v.Version+1, now
		_, err = tx.Exec(ctx, `UPDATE visits SET start_at = $2, end_at = $3, status = $4,
		    reason = $5, reason_code = $6, notes = $7, clinician_id = $8, version = $9,
		    updated_at = $10, updated_by = $11 WHERE id = $1`, v.ID, v.Start, v.End,
			string(v.Status), nullString(v.Reason), nullString(v.ReasonCode), v.Notes,
			v.ClinicianID, v.Version, now, actor.StaffID)
		if err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		out = v
		return auditVisit(ctx, tx, actor, "visit.update", EventVisitUpdated, v, now)
	})
	return out, err
}
