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
	"patienttracker/handler/patient"
)

const patientColumns = `p.id, p.mrn, p.given_names, p.family_name, p.birth_date, p.sex,
  coalesce(p.phone, ''), coalesce(p.email, ''), p.address, coalesce(p.preferred_language, ''),
  p.deceased_date, p.version, p.created_at, p.created_by, p.updated_at, p.updated_by,
  p.archived_at, coalesce(p.archive_reason, ''),
  coalesce((SELECT json_agg(json_build_object('system', i.system, 'value', i.value)
            ORDER BY i.system, i.value) FROM patient_identifiers i WHERE i.patient_id = p.id),
           '[]')`

func scanPatient(row pgx.Row) (*patient.Patient, error) {
	var p patient.Patient
	var birth time.Time
	var deceased *time.Time
	var address, ids []byte
	var sex string
	err := row.Scan(&p.ID, &p.MRN, &p.GivenNames, &p.FamilyName, &birth, &sex, &p.Phone,
		&p.Email, &address, &p.PreferredLanguage, &deceased, &p.Version, &p.CreatedAt,
		&p.CreatedBy, &p.UpdatedAt, &p.UpdatedBy, &p.ArchivedAt, &p.ArchiveReason, &ids)
	if err != nil {
		return nil, err
	}
	p.Sex = patient.Sex(sex)
	p.BirthDate = patient.DateOf(birth)
	if deceased != nil {
		d := patient.DateOf(*deceased)
		p.DeceasedDate = &d
	}
	if len(address) > 0 {
		p.Address = &patient.Address{}
		if err := json.Unmarshal(address, p.Address); err != nil {
			return nil, fmt.Errorf("decode address: %w", err)
		}
	}
	if err := json.Unmarshal(ids, &p.Identifiers); err != nil {
		return nil, fmt.Errorf("decode identifiers: %w", err)
	}
	return &p, nil
}

// FindPatient returns the patient with the given id, archived or not.
func (db *DB) FindPatient(ctx context.Context, id uuid.UUID) (*patient.Patient, error) {
	p, err := scanPatient(db.pool.QueryRow(ctx,
		`SELECT `+patientColumns+` FROM patients p WHERE p.id = $1`, id))
	return p, translate(err)
}

// DuplicateRef points at a patient who may be the same person as a new one.
type DuplicateRef struct {
	ID  uuid.UUID `json:"id"`
	MRN string    `json:"mrn"`
}

// CreatePatient assigns an id and MRN, stores p with its identifiers, and writes the
// audit row and the outbox event in the same transaction. It returns patients with the
// same birth date and a name that folds to the same letters: possible duplicates.
func (db *DB) CreatePatient(ctx context.Context, actor audit.Actor, p *patient.Patient) (
	[]DuplicateRef, error) {
	now := db.now().UTC().Truncate(time.Microsecond)
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt = uuid.New(), 1, now, now
	p.CreatedBy, p.UpdatedBy = actor.StaffID, actor.StaffID
	var dups []DuplicateRef
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, "SELECT nextval('patient_mrn_seq')").Scan(&seq); err != nil {
			return fmt.Errorf("next mrn: %w", err)
		}
		p.MRN = patient.FormatMRN(seq)
		var err error
		if dups, err = findDuplicates(ctx, tx, p); err != nil {
			return err
		}
		if err := insertPatient(ctx, tx, p); err != nil {
			return err
		}
		if err := replaceIdentifiers(ctx, tx, p.ID, p.Identifiers); err != nil {
			return err
		}
		e := actor.Event("patient.create", "patient", p.ID.String(), &p.ID, audit.Allowed)
		e.At = now
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		return insertEvent(ctx, tx, now, EventPatientCreated, "patients/"+p.ID.String(),
			map[string]any{"patientId": p.ID})
	})
	return dups, err
}

func insertPatient(ctx context.Context, tx pgx.Tx, p *patient.Patient) error {
	_, err := tx.Exec(ctx, `INSERT INTO patients (id, mrn, given_names, family_name,
	    name_folded, name_compact, sort_name, birth_date, sex, phone, phone_digits, email,
	    address, preferred_language, deceased_date, version, created_at, created_by,
	    updated_at, updated_by)
	  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, $11, $12, $13, $14, $15::date,
	    $16, $17, $18, $19, $20)`, patientArgs(p)...)
	if err != nil {
		return fmt.Errorf("insert patient: %w", err)
	}
	return nil
}

func patientArgs(p *patient.Patient) []any {
	var deceased *string
	if p.DeceasedDate != nil {
		s := p.DeceasedDate.String()
		deceased = &s
	}
	var address any
	if p.Address != nil {
		address = p.Address
	}
	full := p.GivenNames + " " + p.FamilyName
	return []any{p.ID, p.MRN, p.GivenNames, p.FamilyName, patient.Fold(full),
		patient.Compact(full), patient.SortName(p.GivenNames, p.FamilyName),
		p.BirthDate.String(), string(p.Sex), nullString(p.Phone),
		nullString(patient.Digits(p.Phone)), nullString(p.Email), address,
		nullString(p.PreferredLanguage), deceased, p.Version, p.CreatedAt, p.CreatedBy,
		p.UpdatedAt, p.UpdatedBy}
}

func findDuplicates(ctx context.Context, tx pgx.Tx, p *patient.Patient) ([]DuplicateRef, error) {
	rows, err := tx.Query(ctx, `SELECT id, mrn FROM patients
	  WHERE birth_date = $1::date AND archived_at IS NULL AND name_compact = $2
	  ORDER BY mrn LIMIT 5`, p.BirthDate.String(), patient.Compact(p.GivenNames+" "+p.FamilyName))
	if err != nil {
		return nil, fmt.Errorf("find duplicates: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DuplicateRef])
}

func replaceIdentifiers(ctx context.Context, tx pgx.Tx, id uuid.UUID,
	ids []patient.Identifier) error {
	if _, err := tx.Exec(ctx, "DELETE FROM patient_identifiers WHERE patient_id = $1",
		id); err != nil {
		return fmt.Errorf("clear identifiers: %w", err)
	}
	for _, i := range ids {
		_, err := tx.Exec(ctx, `INSERT INTO patient_identifiers (patient_id, system, value,
		  value_normalized) VALUES ($1, $2, $3, $4)`, id, i.System, i.Value,
			patient.NormalizeIdentifierValue(i.Value))
		if err != nil {
			if e := translate(err); apperror.IsKind(e, apperror.KindConflict) {
				return &apperror.Error{Kind: apperror.KindConflict, Code: "identifier_in_use",
					Message: "That identifier already belongs to a patient", Err: err,
					Fields: []apperror.FieldError{{Field: "identifiers", Code: "in_use"}}}
			}
			return fmt.Errorf("insert identifier: %w", err)
		}
	}
	return nil
}

// UpdatePatient locks the patient, checks that it is not archived and that its version is
// ifMatch, lets change edit it, and stores the result with the next version.
func (db *DB) UpdatePatient(ctx context.Context, actor audit.Actor, id uuid.UUID, ifMatch int,
	action, eventType string, change func(*patient.Patient) error) (*patient.Patient, error) {
	var out *patient.Patient
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		p, err := scanPatient(tx.QueryRow(ctx,
			`SELECT `+patientColumns+` FROM patients p WHERE p.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if p.Version != ifMatch {
			return apperror.New(apperror.KindPrecondition, "version_mismatch",
				"The patient changed since you read it")
		}
		if err := change(p); err != nil {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		p.Version, p.UpdatedAt, p.UpdatedBy = p.Version+1, now, actor.StaffID
		if err := savePatient(ctx, tx, p); err != nil {
			return err
		}
		e := actor.Event(action, "patient", p.ID.String(), &p.ID, audit.Allowed)
		e.At = now
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		out = p
		return insertEvent(ctx, tx, now, eventType, "patients/"+p.ID.String(),
			map[string]any{"patientId": p.ID, "version": p.Version})
	})
	return out, err
}

func savePatient(ctx context.Context, tx pgx.Tx, p *patient.Patient) error {
	args := patientArgs(p)
	args = append(args, p.ArchivedAt, nullString(p.ArchiveReason))
	_, err := tx.Exec(ctx, `UPDATE patients SET given_names = $3, family_name = $4,
	    name_folded = $5, name_compact = $6, sort_name = $7, birth_date = $8::date, sex = $9,
	    phone = $10, phone_digits = $11, email = $12, address = $13, preferred_language = $14,
	    deceased_date = $15::date, version = $16, updated_at = $19, updated_by = $20,
	    archived_at = $21, archive_reason = $22
	  WHERE id = $1 AND mrn = $2 AND created_at = $17 AND created_by IS NOT DISTINCT FROM $18`,
		args...)
	if err != nil {
		return fmt.Errorf("update patient: %w", err)
	}
	return replaceIdentifiers(ctx, tx, p.ID, p.Identifiers)
}
