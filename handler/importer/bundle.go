package importer

import (
	"errors"
	"fmt"
	"io"

	"patienttracker/handler/fhir"
)

// bundleRecords yields a FHIR Bundle's patients, then its encounters, so every visit's
// patient is loaded before it.
type bundleRecords struct {
	in   *fhir.Incoming
	next int
}

func newBundleRecords(rd io.Reader) (reader, error) {
	in, err := fhir.ReadBundle(rd)
	if errors.Is(err, fhir.ErrNotBundle) {
		return nil, fileError("not_a_bundle", "")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", fileError("malformed_json", ""), err)
	}
	return &bundleRecords{in: in}, nil
}

func (b *bundleRecords) Next() (Record, error) {
	i := b.next
	b.next++
	if i < len(b.in.Patients) {
		p := b.in.Patients[i]
		return Record{Entry: p.Entry, Problems: problems(p.Problems),
			Patient: &PatientRecord{Source: p.Source, Fields: p.Fields}}, nil
	}
	i -= len(b.in.Patients)
	if i < len(b.in.Encounters) {
		e := b.in.Encounters[i]
		return Record{Entry: e.Entry, Problems: problems(e.Problems),
			Visit: &VisitRecord{Source: e.Source, Patient: e.Patient, Fields: e.Fields,
				Class: e.Class}}, nil
	}
	return Record{}, io.EOF
}

func problems(in []fhir.Problem) []Problem {
	var out []Problem
	for _, p := range in {
		out = append(out, Problem{Field: p.Field, Code: p.Code, Warning: p.Warning})
	}
	return out
}
