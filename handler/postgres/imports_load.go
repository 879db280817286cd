package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/fhir"
	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// MRNSystem is the identifier system under which Patient Tracker's own MRNs travel in
// exports; an import that meets it matches the patient with that MRN.
const MRNSystem = fhir.MRNSystem

// VisitSystem is the identifier system of Patient Tracker's own visit ids in exports;
// an import that meets it matches the visit with that id.
const VisitSystem = fhir.VisitSystem

// ImportPatient is a validated patient of a batch, matched by Source.
type ImportPatient struct {
	Line    int64
	Entry   int
	Source  patient.Identifier
	Patient patient.Patient
}

// ImportVisit is a validated visit of a batch, matched by Source; its patient is the
// one whose source identifier is PatientSource.
type ImportVisit struct {
	Line          int64
	Entry         int
	Source        patient.Identifier
	PatientSource patient.Identifier
	Visit         visit.Visit
	Class         string
}

// ImportProblem is one row of a job's report.
type ImportProblem struct {
	Line    int64
	Entry   int
	Warning bool
	Code    string
	Field   string
}

// ImportBatch is a slice of one file of a job, loaded in one transaction: the records
// that passed validation, the problems found while reading, and the counters of the
// rows read. Checkpoint is the number of records of the file done after this batch.
type ImportBatch struct {
	Job          uuid.UUID
	Actor        audit.Actor
	FilePosition int
	FileRole     string
	Patients     []ImportPatient
	Visits       []ImportVisit
	Problems     []ImportProblem
	// Read, Rejected and Warned count the batch's records (not problems) so far.
	Read, Rejected, Warned int64
	Checkpoint             int64
}

// LoadImportBatch loads a batch in one transaction: patients not yet known by their
// source identifier get an MRN and are created (COPY into a temporary table, then one
// INSERT ... SELECT that claims each identifier with ON CONFLICT DO NOTHING, so a
// concurrent import of the same person cannot make two), with one audit row each;
// visits whose source identifier is new are added to the patient their source names;
// the problems found are written to the report; and the job's counters and checkpoint
// move on. If the job is no longer running here, nothing is written (conflict).
func (db *DB) LoadImportBatch(ctx context.Context, b *ImportBatch) (ImportProgress, error) {
	now := db.now().UTC().Truncate(time.Microsecond)
	prog := ImportProgress{RowsRead: b.Read, RowsRejected: b.Rejected, RowsWarned: b.Warned}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		prog = ImportProgress{RowsRead: b.Read, RowsRejected: b.Rejected,
			RowsWarned: b.Warned}
		problems := append([]ImportProblem(nil), b.Problems...)
		if len(b.Patients) > 0 {
			p, err := loadPatients(ctx, tx, b, now)
			if err != nil {
				return err
			}
			prog.add(p)
		}
		if len(b.Visits) > 0 {
			p, vp, err := loadVisits(ctx, tx, b, now)
			if err != nil {
				return err
			}
			prog.add(p)
			problems = append(problems, vp...)
		}
		if err := copyProblems(ctx, tx, b, problems); err != nil {
			return err
		}
		return advanceJob(ctx, tx, b, prog, now)
	})
	return prog, err
}

// matchPatients returns the index of every patient of the batch whose source identifier
// (or, in MRNSystem, MRN) is already known.
func matchPatients(ctx context.Context, tx pgx.Tx, ps []ImportPatient) (map[int]bool, error) {
	systems, values, mrns := make([]string, len(ps)), make([]string, len(ps)),
		make([]string, len(ps))
	for i, p := range ps {
		systems[i] = p.Source.System
		values[i] = patient.NormalizeIdentifierValue(p.Source.Value)
		if p.Source.System == MRNSystem {
			mrns[i] = p.Source.Value
		}
	}
	rows, err := tx.Query(ctx, `SELECT k.i::int FROM unnest($1::text[], $2::text[], $3::text[])
	    WITH ORDINALITY AS k(system, value, mrn, i)
	  WHERE EXISTS (SELECT 1 FROM patient_identifiers pi
	                WHERE pi.system = k.system AND pi.value_normalized = k.value)
	     OR EXISTS (SELECT 1 FROM patients p WHERE k.mrn <> '' AND p.mrn = k.mrn)`,
		systems, values, mrns)
	if err != nil {
		return nil, fmt.Errorf("match patients: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("match patients: %w", err)
	}
	out := make(map[int]bool, len(found))
	for _, i := range found {
		out[i-1] = true
	}
	return out, nil
}

const createImportTemps = `
CREATE TEMP TABLE IF NOT EXISTS import_patients_tmp (
  id uuid, mrn text, given_names text, family_name text, name_folded text,
  name_compact text, sort_name text, birth_date date, sex text, phone text,
  phone_digits text, email text, address jsonb, preferred_language text,
  deceased_date date, src_system text, src_value text, src_norm text
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS import_visits_tmp (
  line bigint, entry integer, id uuid, patient_system text, patient_norm text,
  patient_mrn text, start_at timestamptz, end_at timestamptz, status text, reason text,
  reason_code text, class text, src_system text, src_value text, own_id uuid
) ON COMMIT DELETE ROWS`

var patientTmpColumns = []string{"id", "mrn", "given_names", "family_name", "name_folded",
	"name_compact", "sort_name", "birth_date", "sex", "phone", "phone_digits", "email",
	"address", "preferred_language", "deceased_date", "src_system", "src_value", "src_norm"}

func loadPatients(ctx context.Context, tx pgx.Tx, b *ImportBatch, now time.Time) (
	ImportProgress, error) {
	var prog ImportProgress
	matched, err := matchPatients(ctx, tx, b.Patients)
	if err != nil {
		return prog, err
	}
	fresh := make([]*ImportPatient, 0, len(b.Patients)-len(matched))
	for i := range b.Patients {
		if !matched[i] {
			fresh = append(fresh, &b.Patients[i])
		}
	}
	prog.RowsLoaded = int64(len(b.Patients))
	prog.PatientsMatched = int64(len(matched))
	if len(fresh) == 0 {
		return prog, nil
	}
	if err := assignMRNs(ctx, tx, fresh); err != nil {
		return prog, err
	}
	if _, err := tx.Exec(ctx, createImportTemps); err != nil {
		return prog, fmt.Errorf("create import tables: %w", err)
	}
	rows := make([][]any, 0, len(fresh))
	for _, p := range fresh {
		rows = append(rows, patientTmpRow(p))
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_patients_tmp"}, patientTmpColumns,
		pgx.CopyFromRows(rows)); err != nil {
		return prog, fmt.Errorf("copy import patients: %w", err)
	}
	created, err := insertImportedPatients(ctx, tx, b.Actor, now)
	if err != nil {
		return prog, err
	}
	prog.PatientsCreated = int64(len(created))
	prog.PatientsMatched += int64(len(fresh) - len(created))
	return prog, auditImportedPatients(ctx, tx, b, created, now)
}

// assignMRNs draws one number from patient_mrn_seq per new patient, as CreatePatient does.
func assignMRNs(ctx context.Context, tx pgx.Tx, fresh []*ImportPatient) error {
	rows, err := tx.Query(ctx, "SELECT nextval('patient_mrn_seq') FROM generate_series(1, $1)",
		len(fresh))
	if err != nil {
		return fmt.Errorf("next mrns: %w", err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("next mrns: %w", err)
	}
	for i, p := range fresh {
		p.Patient.ID = uuid.New()
		p.Patient.MRN = patient.FormatMRN(seqs[i])
	}
	return nil
}

// patientTmpRow is the row of import_patients_tmp for p: the same derived columns
// (folded, compact and sort names, phone digits) as patientArgs writes.
func patientTmpRow(ip *ImportPatient) []any {
	p := &ip.Patient
	var deceased, address any
	if p.DeceasedDate != nil {
		deceased = p.DeceasedDate.String()
	}
	if p.Address != nil {
		b, _ := json.Marshal(p.Address)
		address = string(b)
	}
	full := p.GivenNames + " " + p.FamilyName
	return []any{p.ID, p.MRN, p.GivenNames, p.FamilyName, patient.Fold(full),
		patient.Compact(full), patient.SortName(p.GivenNames, p.FamilyName),
		p.BirthDate.String(), string(p.Sex), nullString(p.Phone),
		nullString(patient.Digits(p.Phone)), nullString(p.Email), address,
		nullString(p.PreferredLanguage), deceased, ip.Source.System, ip.Source.Value,
		patient.NormalizeIdentifierValue(ip.Source.Value)}
}

// insertImportedPatients claims each source identifier and inserts the patients whose
// claim succeeded, in one statement: the identifiers' foreign key is checked at its end.
func insertImportedPatients(ctx context.Context, tx pgx.Tx, actor audit.Actor,
	now time.Time) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `WITH claimed AS (
	    INSERT INTO patient_identifiers (patient_id, system, value, value_normalized)
	    SELECT id, src_system, src_value, src_norm FROM import_patients_tmp
	    ON CONFLICT DO NOTHING RETURNING patient_id)
	  INSERT INTO patients (id, mrn, given_names, family_name, name_folded, name_compact,
	    sort_name, birth_date, sex, phone, phone_digits, email, address, preferred_language,
	    deceased_date, version, created_at, created_by, updated_at, updated_by)
	  SELECT t.id, t.mrn, t.given_names, t.family_name, t.name_folded, t.name_compact,
	    t.sort_name, t.birth_date, t.sex, t.phone, t.phone_digits, t.email, t.address,
	    t.preferred_language, t.deceased_date, 1, $1, $2, $1, $2
	  FROM import_patients_tmp t JOIN claimed c ON c.patient_id = t.id
	  RETURNING id`, now, actor.StaffID)
	if err != nil {
		return nil, fmt.Errorf("insert imported patients: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("insert imported patients: %w", err)
	}
	return ids, nil
}

func auditImportedPatients(ctx context.Context, tx pgx.Tx, b *ImportBatch, ids []uuid.UUID,
	now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	detail, _ := json.Marshal(map[string]any{"importId": b.Job})
	events := make([]*audit.Event, len(ids))
	for i := range ids {
		e := b.Actor.Event("patient.import", "patient", ids[i].String(), &ids[i],
			audit.Allowed)
		e.At, e.Detail = now, detail
		events[i] = e
	}
	return appendAudit(ctx, tx, events...)
}

func copyProblems(ctx context.Context, tx pgx.Tx, b *ImportBatch, ps []ImportProblem) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([][]any, len(ps))
	for i, p := range ps {
		var line, entry any
		if p.Line > 0 {
			line = p.Line
		}
		if p.Entry > 0 {
			entry = p.Entry
		}
		severity := "rejected"
		if p.Warning {
			severity = "warning"
		}
		rows[i] = []any{b.Job, b.FilePosition, b.FileRole, line, entry, severity, p.Code,
			nullString(p.Field)}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_rejections"}, []string{"job_id",
		"file_position", "file_role", "line", "entry", "severity", "code", "field"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy import report: %w", err)
	}
	return nil
}

func advanceJob(ctx context.Context, tx pgx.Tx, b *ImportBatch, p ImportProgress,
	now time.Time) error {
	checkpoint, _ := json.Marshal(map[string]int64{fmt.Sprint(b.FilePosition): b.Checkpoint})
	tag, err := tx.Exec(ctx, `UPDATE import_jobs SET rows_read = rows_read + $2,
	    rows_loaded = rows_loaded + $3, rows_rejected = rows_rejected + $4,
	    rows_warned = rows_warned + $5, patients_created = patients_created + $6,
	    patients_matched = patients_matched + $7, visits_created = visits_created + $8,
	    visits_matched = visits_matched + $9, checkpoint = checkpoint || $10::jsonb,
	    heartbeat_at = $11
	  WHERE id = $1 AND status = 'running'`, b.Job, p.RowsRead, p.RowsLoaded, p.RowsRejected,
		p.RowsWarned, p.PatientsCreated, p.PatientsMatched, p.VisitsCreated, p.VisitsMatched,
		string(checkpoint), now)
	if err != nil {
		return fmt.Errorf("advance import job: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return apperror.Conflict("import_not_running", "The import is not running")
	}
	return nil
}
