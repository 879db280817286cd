package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// ExportVisit is a visit with the columns only exports need: its encounter class and
// the identifier it had where it came from.
type ExportVisit struct {
	visit.Visit
	Class        string
	SourceSystem string
	SourceValue  string
}

// ExportDocument is a ready document as an export lists it (never its content).
type ExportDocument struct {
	ID          uuid.UUID
	FileName    string
	ContentType string
	Size        *int64
	CreatedAt   time.Time
	Archived    bool
}

const exportVisitColumns = visitColumns + `, coalesce(v.encounter_class, ''),
  coalesce(v.source_system, ''), coalesce(v.source_value, '')`

func scanExportVisit(row pgx.Row) (*ExportVisit, error) {
	var v ExportVisit
	var status string
	err := row.Scan(&v.ID, &v.PatientID, &v.Start, &v.End, &status, &v.Reason, &v.ReasonCode,
		&v.Notes, &v.ClinicianID, &v.Version, &v.CreatedAt, &v.UpdatedAt, &v.Class,
		&v.SourceSystem, &v.SourceValue)
	v.Status = visit.Status(status)
	return &v, err
}

// exportTx runs fn in a read-only REPEATABLE READ transaction, so everything an export
// reads comes from one snapshot, with the statement timeout raised to timeout: a long
// export streams while the client reads, and the pool's short default would cut it.
func (db *DB) exportTx(ctx context.Context, timeout time.Duration, fn func(pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead,
		AccessMode: pgx.ReadOnly})
	if err != nil {
		return translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d",
		timeout.Milliseconds())); err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit(ctx))
}

// PatientExport returns a patient, all its visits (oldest first) and its ready
// documents, read from one snapshot. A missing patient is not_found.
func (db *DB) PatientExport(ctx context.Context, id uuid.UUID) (*patient.Patient,
	[]ExportVisit, []ExportDocument, error) {
	var p *patient.Patient
	var visits []ExportVisit
	var docs []ExportDocument
	err := db.exportTx(ctx, 30*time.Second, func(tx pgx.Tx) error {
		var err error
		if p, err = scanPatient(tx.QueryRow(ctx,
			`SELECT `+patientColumns+` FROM patients p WHERE p.id = $1`, id)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+exportVisitColumns+` FROM visits v
		  WHERE v.patient_id = $1 ORDER BY v.start_at, v.id`, id)
		if err != nil {
			return fmt.Errorf("export visits: %w", err)
		}
		if visits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExportVisit, error) {
			v, err := scanExportVisit(r)
			return *v, err
		}); err != nil {
			return fmt.Errorf("export visits: %w", err)
		}
		docs, err = exportDocuments(ctx, tx, id)
		return err
	})
	return p, visits, docs, err
}

// exportDocuments lists a patient's ready documents, when the documents table exists.
func exportDocuments(ctx context.Context, tx pgx.Tx, id uuid.UUID) ([]ExportDocument, error) {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('documents') IS NOT NULL").
		Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT id, file_name, coalesce(media_type, declared_type),
	    size_bytes, created_at, archived_at IS NOT NULL
	  FROM documents WHERE patient_id = $1 AND status = 'ready' ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("export documents: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ExportDocument])
	if err != nil {
		return nil, fmt.Errorf("export documents: %w", err)
	}
	return out, nil
}

// ExportClinic streams every patient (archived ones too), then every visit, from one
// snapshot, to the callbacks; it stops at the first callback error. timeout bounds the
// whole export.
func (db *DB) ExportClinic(ctx context.Context, timeout time.Duration,
	onPatient func(*patient.Patient) error, onVisit func(*ExportVisit) error) error {
	return db.exportTx(ctx, timeout, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+patientColumns+` FROM patients p
		  ORDER BY p.mrn`)
		if err != nil {
			return fmt.Errorf("export patients: %w", err)
		}
		for rows.Next() {
			p, err := scanPatient(rows)
			if err == nil {
				err = onPatient(p)
			}
			if err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil || onVisit == nil {
			return err
		}
		if rows, err = tx.Query(ctx, `SELECT `+exportVisitColumns+` FROM visits v
		  ORDER BY v.patient_id, v.start_at, v.id`); err != nil {
			return fmt.Errorf("export visits: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanExportVisit(rows)
			if err == nil {
				err = onVisit(v)
			}
			if err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
