// Package visit holds the visit (encounter) record and the rules for its status changes.
package visit

import (
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/patient"
)

// Status is a visit status from the FHIR Encounter status set.
type Status string

// The visit statuses.
const (
	Planned        Status = "planned"
	Arrived        Status = "arrived"
	InProgress     Status = "in-progress"
	Finished       Status = "finished"
	Cancelled      Status = "cancelled"
	EnteredInError Status = "entered-in-error"
)

// transitions lists where each status may go next. Finished, cancelled and
// entered-in-error are final, except that any record may be marked entered-in-error.
var transitions = map[Status][]Status{
	Planned:    {Arrived, InProgress, Finished, Cancelled},
	Arrived:    {InProgress, Finished, Cancelled},
	InProgress: {Finished},
	Finished:   {},
	Cancelled:  {Planned},
}

// CanMove reports whether a visit may go from one status to another.
func CanMove(from, to Status) bool {
	if from == to || to == EnteredInError {
		return from != EnteredInError || to == EnteredInError
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Visit is a visit as stored. Notes are for clinicians and admins only.
type Visit struct {
	ID          uuid.UUID  `json:"id"`
	PatientID   uuid.UUID  `json:"patientId"`
	Start       time.Time  `json:"start"`
	End         *time.Time `json:"end,omitempty"`
	Status      Status     `json:"status"`
	Reason      string     `json:"reason,omitempty"`
	ReasonCode  string     `json:"reasonCode,omitempty"`
	Notes       *string    `json:"notes,omitempty"`
	ClinicianID *uuid.UUID `json:"clinicianId,omitempty"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// Fields are the values a caller may set on a visit; nil leaves a value alone.
type Fields struct {
	Start       *string    `json:"start" validate:"omitnil,instant"`
	End         *string    `json:"end" validate:"omitnil,omitempty,instant"`
	Status      *string    `json:"status" validate:"omitnil,oneof=planned arrived in-progress finished cancelled entered-in-error"`
	Reason      *string    `json:"reason" validate:"omitnil,max=200,nocontrol"`
	ReasonCode  *string    `json:"reasonCode" validate:"omitnil,max=50,nocontrol"`
	Notes       *string    `json:"notes" validate:"omitnil,max=20000,nonul"`
	ClinicianID *uuid.UUID `json:"clinicianId"`
}

// Validate checks f for a create or an update of current (nil on create), given the
// patient's birth date. Times must be real instants after 1900 and not past 2100.
func Validate(f Fields, current *Visit, birth patient.Date) error {
	faults := patient.Struct(f)
	if current == nil && f.Start == nil {
		faults = append(faults, apperror.FieldError{Field: "start", Code: "required"})
	}
	start, end := effective(f, current)
	if !start.IsZero() {
		if patient.DateOf(start.UTC()).Before(birth) {
			faults = append(faults, apperror.FieldError{Field: "start", Code: "before_birth"})
		}
		if start.Year() < 1900 || start.Year() > 2100 {
			faults = append(faults, apperror.FieldError{Field: "start", Code: "out_of_range"})
		}
	}
	if end != nil && !end.After(start) {
		faults = append(faults, apperror.FieldError{Field: "end", Code: "before_start"})
	}
	if current != nil && f.Status != nil && !CanMove(current.Status, Status(*f.Status)) {
		faults = append(faults, apperror.FieldError{Field: "status", Code: "invalid_transition"})
	}
	if len(faults) > 0 {
		return apperror.Invalid(faults...)
	}
	return nil
}

func effective(f Fields, current *Visit) (time.Time, *time.Time) {
	var start time.Time
	var end *time.Time
	if current != nil {
		start, end = current.Start, current.End
	}
	if t, ok := parseInstant(f.Start); ok {
		start = t
	}
	if f.End != nil {
		end = nil
		if t, ok := parseInstant(f.End); ok {
			end = &t
		}
	}
	return start, end
}

// parseInstant reads an RFC 3339 time with an offset; a time without a zone is refused
// by the validator, since its instant would depend on the reader's zone.
func parseInstant(s *string) (time.Time, bool) {
	if s == nil || *s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	return t.UTC(), err == nil
}

// Apply copies the set fields onto v.
func (f Fields) Apply(v *Visit) {
	start, end := effective(f, v)
	v.Start, v.End = start, end
	if f.Status != nil {
		v.Status = Status(*f.Status)
	}
	if f.Reason != nil {
		v.Reason = *f.Reason
	}
	if f.ReasonCode != nil {
		v.ReasonCode = *f.ReasonCode
	}
	if f.Notes != nil {
		n := *f.Notes
		v.Notes = &n
	}
	if f.ClinicianID != nil {
		v.ClinicianID = f.ClinicianID
	}
}
