// Package importer brings a clinic's patients and visits in from files: a Synthea-style
// CSV pair (patients and encounters), a generic patient CSV read through a header
// mapping, or FHIR R4 Bundles. Readers turn each file into records, one per data row or
// bundle entry, with the line (or entry) it came from; the Runner validates every record
// with the patient and visit rules and hands batches to the database, which loads them
// with COPY. A rejected record is reported by line and reason code and never stops the
// rest. Records are matched by the identifier they had in their source system, so
// loading the same file twice creates nothing the second time.
package importer

import (
	"errors"
	"fmt"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// Kind is what an import job reads.
type Kind string

// The kinds of import.
const (
	KindSynthea    Kind = "synthea_csv"
	KindPatientCSV Kind = "patient_csv"
	KindBundle     Kind = "fhir_bundle"
)

// Roles of the files of a job.
const (
	RolePatients   = "patients"
	RoleEncounters = "encounters"
	RoleBundle     = "bundle"
)

// Identifier systems for the ids of CSV sources.
const (
	SyntheaPatientSystem   = "urn:synthea:patient"
	SyntheaEncounterSystem = "urn:synthea:encounter"
	DefaultCSVSystem       = "urn:import:patient_csv"
)

// ErrFile is a fault of a whole file (unreadable, not the expected kind, a column the
// job needs is missing): the job fails with its code.
type ErrFile struct {
	Code  string
	Field string
}

func (e *ErrFile) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("file: %s (%s)", e.Code, e.Field)
	}
	return "file: " + e.Code
}

// fileError returns an *ErrFile.
func fileError(code, field string) error { return &ErrFile{Code: code, Field: field} }

// IsFileError reports whether err is a whole-file fault and returns it.
func IsFileError(err error) (*ErrFile, bool) {
	var fe *ErrFile
	ok := errors.As(err, &fe)
	return fe, ok
}

// Problem is one fault of a record: the field and a stable code, never the value.
// A warning is reported while the record still loads.
type Problem struct {
	Field   string
	Code    string
	Warning bool
}

// Record is one data row or bundle entry: a patient or a visit.
type Record struct {
	Line     int64 // CSV line the row starts on (1 is the header); 0 for bundles
	Entry    int   // 1-based bundle entry; 0 for CSV
	Patient  *PatientRecord
	Visit    *VisitRecord
	Problems []Problem
}

// Rejected reports whether any problem of r is not a warning.
func (r *Record) Rejected() bool {
	for _, p := range r.Problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// PatientRecord is an incoming patient.
type PatientRecord struct {
	// Source is the patient's identifier in the system it came from.
	Source patient.Identifier
	Fields patient.Fields
}

// VisitRecord is an incoming visit.
type VisitRecord struct {
	Source  patient.Identifier
	Patient patient.Identifier // the Source of its patient
	Fields  visit.Fields
	Class   string
}

// reader yields a file's records in order; io.EOF ends them.
type reader interface {
	Next() (Record, error)
}
