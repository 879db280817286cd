package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// ErrNotBundle means the input is JSON but not a FHIR Bundle.
var ErrNotBundle = errors.New("not a FHIR Bundle")

// Problem is something wrong with one incoming resource: the field and a stable code,
// never the value. A warning is reported but does not stop the resource loading.
type Problem struct {
	Field   string
	Code    string
	Warning bool
}

// PatientIn is an incoming Patient mapped onto the clinic's fields.
type PatientIn struct {
	Entry  int // 1-based position in the bundle
	Fields patient.Fields
	// Source is the identifier the patient is matched by (see SourceIdentifier).
	Source   patient.Identifier
	Problems []Problem
}

// EncounterIn is an incoming Encounter mapped onto the clinic's visit fields.
type EncounterIn struct {
	Entry  int
	Fields visit.Fields
	Class  string
	Source patient.Identifier
	// Patient is the Source of the subject patient; empty when it is not in the bundle.
	Patient  patient.Identifier
	Problems []Problem
}

// Incoming is what a Bundle holds for the clinic: its patients, then its encounters.
type Incoming struct {
	Patients   []PatientIn
	Encounters []EncounterIn
	// Ignored counts entries of other resource types.
	Ignored int
}

type rawEntry struct {
	FullURL  string          `json:"fullUrl"`
	Resource json.RawMessage `json:"resource"`
}

// ReadBundle reads a Bundle entry by entry (it never holds the whole document as a tree)
// and maps its Patients and Encounters. Encounter subjects are resolved against the
// bundle's patients by fullUrl or Patient/<id>. A malformed document is an error; a
// malformed entry is a problem of that entry.
func ReadBundle(r io.Reader) (*Incoming, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	in := &Incoming{}
	refs := map[string]patient.Identifier{}
	subjects := []string{}
	isBundle := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read bundle: %w", err)
		}
		switch key {
		case "resourceType":
			var rt string
			if err := dec.Decode(&rt); err != nil || rt != "Bundle" {
				return nil, ErrNotBundle
			}
			isBundle = true
		case "entry":
			if subjects, err = in.readEntries(dec, refs); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("read bundle: %w", err)
			}
		}
	}
	if !isBundle {
		return nil, ErrNotBundle
	}
	for i := range in.Encounters {
		e := &in.Encounters[i]
		if id, ok := refs[subjects[i]]; ok && subjects[i] != "" {
			e.Patient = id
		} else {
			e.Problems = append(e.Problems, Problem{Field: "subject", Code: "unknown_patient"})
		}
	}
	return in, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return ErrNotBundle
	}
	return nil
}

// readEntries reads the entry array; it returns each encounter's subject reference.
func (in *Incoming) readEntries(dec *json.Decoder, refs map[string]patient.Identifier) (
	[]string, error) {
	if err := expectDelim(dec, '['); err != nil {
		return nil, err
	}
	var subjects []string
	for n := 1; dec.More(); n++ {
		var e rawEntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("read bundle entry %d: %w", n, err)
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		_ = json.Unmarshal(e.Resource, &head)
		switch head.ResourceType {
		case "Patient":
			p := patientIn(n, e)
			in.Patients = append(in.Patients, p)
			if p.Source.Value != "" {
				for _, ref := range []string{e.FullURL, "Patient/" + head.ID} {
					if ref != "" && ref != "Patient/" {
						refs[ref] = p.Source
					}
				}
			}
		case "Encounter":
			enc, subject := encounterIn(n, e)
			in.Encounters = append(in.Encounters, enc)
			subjects = append(subjects, subject)
		default:
			in.Ignored++
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	return subjects, nil
}

func patientIn(n int, e rawEntry) PatientIn {
	out := PatientIn{Entry: n}
	var p Patient
	if err := json.Unmarshal(e.Resource, &p); err != nil {
		out.Problems = append(out.Problems, Problem{Field: "resource", Code: "malformed"})
		return out
	}
	out.Fields = PatientFields(&p, &out.Problems)
	out.Source = SourceIdentifier(p.Identifier, e.FullURL, "Patient", p.ID)
	if out.Source.Value == "" {
		out.Problems = append(out.Problems, Problem{Field: "identifier", Code: "required"})
	}
	return out
}

func encounterIn(n int, e rawEntry) (EncounterIn, string) {
	out := EncounterIn{Entry: n}
	var enc Encounter
	if err := json.Unmarshal(e.Resource, &enc); err != nil {
		out.Problems = append(out.Problems, Problem{Field: "resource", Code: "malformed"})
		return out, ""
	}
	out.Fields, out.Class = EncounterFields(&enc, &out.Problems)
	out.Source = SourceIdentifier(enc.Identifier, e.FullURL, "Encounter", enc.ID)
	subject := ""
	if enc.Subject != nil {
		subject = enc.Subject.Reference
	}
	return out, subject
}

// SourceIdentifier picks the identifier an incoming resource is matched by: Patient
// Tracker's own MRN (or visit id) first, then an identifier typed MR, then the first
// identifier with a system and a value, then the entry's urn:uuid fullUrl, then the
// resource id under urn:import:fhir:<type>. The value is trimmed.
func SourceIdentifier(ids []Identifier, fullURL, resourceType, id string) patient.Identifier {
	pick := func(i Identifier) patient.Identifier {
		return patient.Identifier{System: strings.TrimSpace(i.System),
			Value: strings.TrimSpace(i.Value)}
	}
	for _, i := range ids {
		if (i.System == MRNSystem || i.System == VisitSystem) && i.Value != "" {
			return pick(i)
		}
	}
	for _, i := range ids {
		if i.Type != nil && i.System != "" && i.Value != "" {
			for _, c := range i.Type.Coding {
				if c.Code == "MR" {
					return pick(i)
				}
			}
		}
	}
	for _, i := range ids {
		if i.System != "" && i.Value != "" {
			return pick(i)
		}
	}
	if v, ok := strings.CutPrefix(fullURL, "urn:uuid:"); ok && v != "" {
		return patient.Identifier{System: "urn:ietf:rfc:3986", Value: fullURL}
	}
	if id != "" {
		return patient.Identifier{System: "urn:import:fhir:" + resourceType, Value: id}
	}
	return patient.Identifier{}
}
