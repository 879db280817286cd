package importer

import (
	"io"
	"strings"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// syntheaPatients reads Synthea's patients.csv (v3 columns; MIDDLE is used when present).
type syntheaPatients struct{ t *table }

func newSyntheaPatients(rd io.Reader) (reader, error) {
	t, err := newTable(rd)
	if err != nil {
		return nil, err
	}
	if err := t.require("Id", "BIRTHDATE", "FIRST", "LAST", "GENDER"); err != nil {
		return nil, err
	}
	return &syntheaPatients{t: t}, nil
}

func (s *syntheaPatients) Next() (Record, error) {
	r, problems, err := s.t.next()
	if err != nil || problems != nil {
		return Record{Line: r.line, Problems: problems}, err
	}
	rec := Record{Line: r.line}
	p := &PatientRecord{Source: patient.Identifier{System: SyntheaPatientSystem,
		Value: r.get("Id")}}
	given := strings.TrimSpace(r.get("FIRST") + " " + r.get("MIDDLE"))
	f := &p.Fields
	f.GivenNames, f.FamilyName = nonEmpty(given), r.opt("LAST")
	f.BirthDate, f.DeceasedDate = r.opt("BIRTHDATE"), r.opt("DEATHDATE")
	f.Sex = sexCode(r.get("GENDER"))
	f.Address = address([]string{r.get("ADDRESS")}, r.get("CITY"), r.get("STATE"),
		r.get("ZIP"), "")
	rec.Patient = p
	return rec, nil
}

// syntheaEncounters reads Synthea's encounters.csv.
type syntheaEncounters struct{ t *table }

func newSyntheaEncounters(rd io.Reader) (reader, error) {
	t, err := newTable(rd)
	if err != nil {
		return nil, err
	}
	if err := t.require("Id", "START", "PATIENT"); err != nil {
		return nil, err
	}
	return &syntheaEncounters{t: t}, nil
}

// syntheaClasses maps Synthea's ENCOUNTERCLASS onto FHIR v3 ActCode, as Synthea's own
// FHIR exporter does.
var syntheaClasses = map[string]string{
	"wellness": "AMB", "ambulatory": "AMB", "outpatient": "AMB", "urgentcare": "AMB",
	"emergency": "EMER", "inpatient": "IMP", "home": "HH", "hospice": "HH",
	"snf": "IMP", "virtual": "VR",
}

func (s *syntheaEncounters) Next() (Record, error) {
	r, problems, err := s.t.next()
	if err != nil || problems != nil {
		return Record{Line: r.line, Problems: problems}, err
	}
	v := &VisitRecord{
		Source:  patient.Identifier{System: SyntheaEncounterSystem, Value: r.get("Id")},
		Patient: patient.Identifier{System: SyntheaPatientSystem, Value: r.get("PATIENT")},
		Class:   syntheaClasses[strings.ToLower(r.get("ENCOUNTERCLASS"))],
	}
	status := string(visit.Finished)
	v.Fields.Status = &status
	v.Fields.Start, v.Fields.End = r.opt("START"), r.opt("STOP")
	v.Fields.Reason = firstOf(r.opt("REASONDESCRIPTION"), r.opt("DESCRIPTION"))
	v.Fields.ReasonCode = firstOf(r.opt("REASONCODE"), r.opt("CODE"))
	return Record{Line: r.line, Visit: v}, nil
}

func firstOf(vals ...*string) *string {
	for _, v := range vals {
		if v != nil {
			return v
		}
	}
	return nil
}

func nonEmpty(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

// sexCode maps the usual spellings (M, F, male, Female, O, U) onto the clinic's codes;
// anything else is passed on for the validator to reject.
func sexCode(v string) *string {
	code := map[string]string{"m": "male", "male": "male", "f": "female",
		"female": "female", "o": "other", "other": "other", "u": "unknown",
		"unknown": "unknown"}[strings.ToLower(strings.TrimSpace(v))]
	if code == "" {
		return nonEmpty(v)
	}
	return &code
}

// address returns nil when every part is empty, so no empty strings are stored.
func address(lines []string, city, region, postal, country string) *patient.Address {
	a := patient.Address{City: city, Region: region, PostalCode: postal, Country: country}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			a.Lines = append(a.Lines, l)
		}
	}
	if len(a.Lines) == 0 && city == "" && region == "" && postal == "" && country == "" {
		return nil
	}
	return &a
}
