// Package fhir maps Patient Tracker's records to and from FHIR R4 resources: Patient,
// Encounter, DocumentReference and the Bundle that carries them. It holds only the
// elements the clinic stores; everything else in an incoming resource is ignored. It
// knows nothing of HTTP or PostgreSQL.
package fhir

import "encoding/json"

// Identifier is a FHIR Identifier.
type Identifier struct {
	Use    string           `json:"use,omitempty"`
	Type   *CodeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

// Coding is a FHIR Coding.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a FHIR CodeableConcept.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// HumanName is a FHIR HumanName.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
	Suffix []string `json:"suffix,omitempty"`
}

// ContactPoint is a FHIR ContactPoint (telecom).
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

// Address is a FHIR Address.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// Reference is a FHIR Reference.
type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// Period is a FHIR Period; Start and End are FHIR dateTime strings.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Meta is a FHIR resource's meta element.
type Meta struct {
	LastUpdated string `json:"lastUpdated,omitempty"`
	VersionID   string `json:"versionId,omitempty"`
}

// Communication is one entry of Patient.communication.
type Communication struct {
	Language  CodeableConcept `json:"language"`
	Preferred *bool           `json:"preferred,omitempty"`
}

// Patient is the FHIR R4 Patient resource, reduced to what the clinic stores.
type Patient struct {
	ResourceType     string          `json:"resourceType"`
	ID               string          `json:"id,omitempty"`
	Meta             *Meta           `json:"meta,omitempty"`
	Identifier       []Identifier    `json:"identifier,omitempty"`
	Active           *bool           `json:"active,omitempty"`
	Name             []HumanName     `json:"name,omitempty"`
	Telecom          []ContactPoint  `json:"telecom,omitempty"`
	Gender           string          `json:"gender,omitempty"`
	BirthDate        string          `json:"birthDate,omitempty"`
	DeceasedBoolean  *bool           `json:"deceasedBoolean,omitempty"`
	DeceasedDateTime string          `json:"deceasedDateTime,omitempty"`
	Address          []Address       `json:"address,omitempty"`
	Communication    []Communication `json:"communication,omitempty"`
}

// Encounter is the FHIR R4 Encounter resource, reduced to what the clinic stores.
type Encounter struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Identifier   []Identifier      `json:"identifier,omitempty"`
	Status       string            `json:"status"`
	Class        *Coding           `json:"class,omitempty"`
	Type         []CodeableConcept `json:"type,omitempty"`
	Subject      *Reference        `json:"subject,omitempty"`
	Period       *Period           `json:"period,omitempty"`
	ReasonCode   []CodeableConcept `json:"reasonCode,omitempty"`
}

// Attachment is a FHIR Attachment.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	URL         string `json:"url,omitempty"`
	Size        *int64 `json:"size,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// DocumentContent is one entry of DocumentReference.content.
type DocumentContent struct {
	Attachment Attachment `json:"attachment"`
}

// DocumentContext is DocumentReference.context.
type DocumentContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
}

// DocumentReference is the FHIR R4 DocumentReference resource.
type DocumentReference struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Identifier   []Identifier      `json:"identifier,omitempty"`
	Status       string            `json:"status"`
	Type         *CodeableConcept  `json:"type,omitempty"`
	Subject      *Reference        `json:"subject,omitempty"`
	Date         string            `json:"date,omitempty"`
	Description  string            `json:"description,omitempty"`
	Content      []DocumentContent `json:"content"`
	Context      *DocumentContext  `json:"context,omitempty"`
}

// Bundle is the FHIR R4 Bundle resource.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Meta         *Meta         `json:"meta,omitempty"`
	Type         string        `json:"type"`
	Timestamp    string        `json:"timestamp,omitempty"`
	Total        *int          `json:"total,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one entry of a Bundle; Resource stays raw until its type is known.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Request  *BundleRequest  `json:"request,omitempty"`
}

// BundleRequest is the request of a transaction or batch entry.
type BundleRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}
