package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/patient"
)

var visitTmpColumns = []string{"line", "entry", "id", "patient_system", "patient_norm",
	"patient_mrn", "start_at", "end_at", "status", "reason", "reason_code", "class",
	"src_system", "src_value", "own_id"}

// visitPatientJoin finds each staged visit's patient by its source identifier, or by MRN
// when the source is one of our own exports. The clinic's dates are compared in UTC, as
// visit.Validate does.
const visitPatientJoin = `FROM import_visits_tmp t
  LEFT JOIN patient_identifiers pi
    ON pi.system = t.patient_system AND pi.value_normalized = t.patient_norm
  LEFT JOIN patients pm ON pm.mrn = t.patient_mrn
  LEFT JOIN patients p ON p.id = coalesce(pi.patient_id, pm.id)`

// loadVisits stages the batch's visits with COPY, reports the ones whose patient is
// unknown, archived or born after the visit (rejected) or died before it (a warning:
// Synthea dates death certificates after death), and inserts the rest unless their
// source identifier is already taken.
func loadVisits(ctx context.Context, tx pgx.Tx, b *ImportBatch, now time.Time) (
	ImportProgress, []ImportProblem, error) {
	var prog ImportProgress
	if _, err := tx.Exec(ctx, createImportTemps); err != nil {
		return prog, nil, fmt.Errorf("create import tables: %w", err)
	}
	rows := make([][]any, len(b.Visits))
	for i := range b.Visits {
		rows[i] = visitTmpRow(&b.Visits[i])
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_visits_tmp"}, visitTmpColumns,
		pgx.CopyFromRows(rows)); err != nil {
		return prog, nil, fmt.Errorf("copy import visits: %w", err)
	}
	problems, rejected, warned, err := visitProblems(ctx, tx)
	if err != nil {
		return prog, nil, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO visits (id, patient_id, start_at, end_at, status,
	    reason, reason_code, version, created_at, created_by, updated_at, updated_by,
	    source_system, source_value, encounter_class)
	  SELECT t.id, p.id, t.start_at, t.end_at, t.status, t.reason, t.reason_code, 1,
	    $1, $2, $1, $2, t.src_system, t.src_value, t.class `+visitPatientJoin+`
	  WHERE p.id IS NOT NULL AND p.archived_at IS NULL
	    AND (t.start_at AT TIME ZONE 'UTC')::date >= p.birth_date
	    AND (t.own_id IS NULL OR NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = t.own_id))
	  ON CONFLICT (source_system, source_value) WHERE source_value IS NOT NULL DO NOTHING`,
		now, b.Actor.StaffID)
	if err != nil {
		return prog, nil, fmt.Errorf("insert imported visits: %w", err)
	}
	loaded := int64(len(b.Visits)) - rejected
	prog.RowsLoaded, prog.RowsRejected, prog.RowsWarned = loaded, rejected, warned
	prog.VisitsCreated = tag.RowsAffected()
	prog.VisitsMatched = loaded - prog.VisitsCreated
	return prog, problems, nil
}

func visitTmpRow(iv *ImportVisit) []any {
	var line, entry, mrn, own any
	if iv.Line > 0 {
		line = iv.Line
	}
	if iv.Entry > 0 {
		entry = iv.Entry
	}
	if iv.PatientSource.System == MRNSystem {
		mrn = iv.PatientSource.Value
	}
	if iv.Source.System == VisitSystem {
		if id, err := uuid.Parse(iv.Source.Value); err == nil {
			own = id
		}
	}
	v := &iv.Visit
	return []any{line, entry, uuid.New(), iv.PatientSource.System,
		patient.NormalizeIdentifierValue(iv.PatientSource.Value), mrn, v.Start, v.End,
		string(v.Status), nullString(v.Reason), nullString(v.ReasonCode), nullString(iv.Class),
		iv.Source.System, iv.Source.Value, own}
}

// visitProblems returns the report rows of the staged visits and how many visits were
// rejected and how many only warned about.
func visitProblems(ctx context.Context, tx pgx.Tx) ([]ImportProblem, int64, int64, error) {
	rows, err := tx.Query(ctx, `SELECT coalesce(t.line, 0), coalesce(t.entry, 0),
	    CASE WHEN p.id IS NULL THEN 'unknown_patient'
	         WHEN p.archived_at IS NOT NULL THEN 'patient_archived'
	         WHEN (t.start_at AT TIME ZONE 'UTC')::date < p.birth_date THEN 'before_birth'
	         ELSE 'after_death' END `+visitPatientJoin+`
	  WHERE p.id IS NULL OR p.archived_at IS NOT NULL
	     OR (t.start_at AT TIME ZONE 'UTC')::date < p.birth_date
	     OR (t.start_at AT TIME ZONE 'UTC')::date > p.deceased_date
	  ORDER BY t.line, t.entry`)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("check imported visits: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ImportProblem, error) {
		var p ImportProblem
		err := r.Scan(&p.Line, &p.Entry, &p.Code)
		p.Warning = p.Code == "after_death"
		p.Field = "start"
		if p.Code == "unknown_patient" || p.Code == "patient_archived" {
			p.Field = "patient"
		}
		return p, err
	})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("check imported visits: %w", err)
	}
	var rejected, warned int64
	for _, p := range out {
		if p.Warning {
			warned++
		} else {
			rejected++
		}
	}
	return out, rejected, warned, nil
}
