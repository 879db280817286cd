package fhir

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// The identifier systems of Patient Tracker's own ids. An import that meets them matches
// the record they name instead of creating a new one.
const (
	MRNSystem      = "urn:patienttracker:mrn"
	VisitSystem    = "urn:patienttracker:visit"
	DocumentSystem = "urn:patienttracker:document"
)

// Code systems used in exported resources.
const (
	identifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203"
	actCodeSystem        = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	languageSystem       = "urn:ietf:bcp:47"
)

// URN returns the urn:uuid form of id, the fullUrl and reference of an exported resource.
func URN(id uuid.UUID) string { return "urn:uuid:" + id.String() }

// PatientResource returns p as a FHIR Patient. The MRN is an identifier of type MR in
// MRNSystem; the patient's other identifiers follow it.
func PatientResource(p *patient.Patient) Patient {
	out := Patient{ResourceType: "Patient", ID: p.ID.String(),
		Meta:   &Meta{VersionID: fmt.Sprint(p.Version), LastUpdated: instant(p.UpdatedAt)},
		Gender: string(p.Sex), BirthDate: p.BirthDate.String()}
	out.Identifier = append(out.Identifier, Identifier{Use: "usual",
		Type:   &CodeableConcept{Coding: []Coding{{System: identifierTypeSystem, Code: "MR"}}},
		System: MRNSystem, Value: p.MRN})
	for _, id := range p.Identifiers {
		out.Identifier = append(out.Identifier, Identifier{System: id.System, Value: id.Value})
	}
	active := p.ArchivedAt == nil
	out.Active = &active
	name := HumanName{Use: "official", Family: p.FamilyName}
	if p.GivenNames != "" {
		name.Given = []string{p.GivenNames}
	}
	out.Name = []HumanName{name}
	if p.Phone != "" {
		out.Telecom = append(out.Telecom, ContactPoint{System: "phone", Value: p.Phone})
	}
	if p.Email != "" {
		out.Telecom = append(out.Telecom, ContactPoint{System: "email", Value: p.Email})
	}
	if a := p.Address; a != nil {
		out.Address = []Address{{Use: "home", Line: a.Lines, City: a.City, State: a.Region,
			PostalCode: a.PostalCode, Country: a.Country}}
	}
	if p.DeceasedDate != nil {
		out.DeceasedDateTime = p.DeceasedDate.String()
	}
	if p.PreferredLanguage != "" {
		yes := true
		out.Communication = []Communication{{Preferred: &yes, Language: CodeableConcept{
			Coding: []Coding{{System: languageSystem, Code: p.PreferredLanguage}}}}}
	}
	return out
}

// VisitRecord is a visit with what the visits table keeps beside the visit itself.
type VisitRecord struct {
	visit.Visit
	// Class is the FHIR v3 ActCode of the encounter class, if known.
	Class string
	// SourceSystem and SourceValue identify the visit in the system it came from.
	SourceSystem, SourceValue string
}

// EncounterResource returns v as a FHIR Encounter whose subject is the reference given.
// A visit that came from elsewhere keeps its source identifier; any other is identified
// by its own id in VisitSystem. Clinical notes are not exported: Encounter has no element
// for free text, and they would belong in a DocumentReference of their own.
func EncounterResource(v *VisitRecord, subject string) Encounter {
	out := Encounter{ResourceType: "Encounter", ID: v.ID.String(),
		Meta:    &Meta{VersionID: fmt.Sprint(v.Version), LastUpdated: instant(v.UpdatedAt)},
		Status:  string(v.Status),
		Subject: &Reference{Reference: subject},
		Period:  &Period{Start: instant(v.Start)}}
	if v.SourceValue != "" {
		out.Identifier = []Identifier{{System: v.SourceSystem, Value: v.SourceValue}}
	} else {
		out.Identifier = []Identifier{{System: VisitSystem, Value: v.ID.String()}}
	}
	if v.End != nil {
		out.Period.End = instant(*v.End)
	}
	class := v.Class
	if class == "" {
		class = "AMB"
	}
	out.Class = &Coding{System: actCodeSystem, Code: class}
	if v.Reason != "" || v.ReasonCode != "" {
		rc := CodeableConcept{Text: v.Reason}
		if v.ReasonCode != "" {
			rc.Coding = []Coding{{Code: v.ReasonCode, Display: v.Reason}}
		}
		out.ReasonCode = []CodeableConcept{rc}
	}
	return out
}

// DocumentRecord is what a DocumentReference is made from: a document whose content
// was read and may be served.
type DocumentRecord struct {
	ID          uuid.UUID
	FileName    string
	ContentType string
	Size        *int64
	CreatedAt   time.Time
	Archived    bool
}

// DocumentReferenceResource returns d as a FHIR DocumentReference of the subject given;
// an archived document is superseded. The attachment names the API path of the
// content, never a storage URL.
func DocumentReferenceResource(d *DocumentRecord, subject string) DocumentReference {
	status := "current"
	if d.Archived {
		status = "superseded"
	}
	return DocumentReference{ResourceType: "DocumentReference", ID: d.ID.String(),
		Identifier: []Identifier{{System: DocumentSystem, Value: d.ID.String()}},
		Status:     status, Subject: &Reference{Reference: subject}, Date: instant(d.CreatedAt),
		Description: d.FileName,
		Content: []DocumentContent{{Attachment: Attachment{ContentType: d.ContentType,
			URL: "/api/documents/" + d.ID.String() + "/content", Size: d.Size,
			Title: d.FileName, Creation: instant(d.CreatedAt)}}}}
}

// NewCollection returns an empty collection Bundle stamped at now.
func NewCollection(id uuid.UUID, now time.Time) Bundle {
	return Bundle{ResourceType: "Bundle", ID: id.String(), Type: "collection",
		Timestamp: instant(now), Meta: &Meta{LastUpdated: instant(now)}}
}

// Add appends resource to b under fullUrl.
func (b *Bundle) Add(fullURL string, resource any) error {
	raw, err := json.Marshal(resource)
	if err != nil {
		return fmt.Errorf("encode %s: %w", fullURL, err)
	}
	b.Entry = append(b.Entry, BundleEntry{FullURL: fullURL, Resource: raw})
	return nil
}

// instant formats t as a FHIR instant in UTC.
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
