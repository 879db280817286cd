// Package patient holds the patient record, its rules and its search semantics. It knows
// nothing of HTTP or PostgreSQL: the api package decodes requests into Fields, this
// package validates them, and the postgres package stores Patients.
package patient

import (
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

// Sex is the administrative sex, as in FHIR's AdministrativeGender.
type Sex string

// The allowed sex codes.
const (
	SexFemale  Sex = "female"
	SexMale    Sex = "male"
	SexOther   Sex = "other"
	SexUnknown Sex = "unknown"
)

// Address is a postal address. PostalCode is text: leading zeros matter.
type Address struct {
	Lines      []string `json:"lines,omitempty" validate:"max=4,dive,max=200,nocontrol"`
	City       string   `json:"city,omitempty" validate:"max=100,nocontrol"`
	Region     string   `json:"region,omitempty" validate:"max=100,nocontrol"`
	PostalCode string   `json:"postalCode,omitempty" validate:"max=20,nocontrol"`
	Country    string   `json:"country,omitempty" validate:"max=100,nocontrol"`
}

// Identifier is an extra identifier from another system, unique per system.
type Identifier struct {
	System string `json:"system" validate:"required,max=200,nocontrol"`
	Value  string `json:"value" validate:"required,max=100,nocontrol"`
}

// Patient is a patient record as stored.
type Patient struct {
	ID                uuid.UUID    `json:"id"`
	MRN               string       `json:"mrn"`
	GivenNames        string       `json:"givenNames"`
	FamilyName        string       `json:"familyName"`
	BirthDate         Date         `json:"birthDate"`
	Sex               Sex          `json:"sex"`
	Phone             string       `json:"phone,omitempty"`
	Email             string       `json:"email,omitempty"`
	Address           *Address     `json:"address,omitempty"`
	PreferredLanguage string       `json:"preferredLanguage,omitempty"`
	DeceasedDate      *Date        `json:"deceasedDate,omitempty"`
	Identifiers       []Identifier `json:"identifiers"`
	Version           int          `json:"version"`
	CreatedAt         time.Time    `json:"createdAt"`
	CreatedBy         *uuid.UUID   `json:"createdBy,omitempty"`
	UpdatedAt         time.Time    `json:"updatedAt"`
	UpdatedBy         *uuid.UUID   `json:"updatedBy,omitempty"`
	ArchivedAt        *time.Time   `json:"archivedAt,omitempty"`
	ArchiveReason     string       `json:"archiveReason,omitempty"`
}

// Summary is the allow-listed view of a patient in search results.
type Summary struct {
	ID         uuid.UUID  `json:"id"`
	MRN        string     `json:"mrn"`
	GivenNames string     `json:"givenNames"`
	FamilyName string     `json:"familyName"`
	BirthDate  Date       `json:"birthDate"`
	Sex        Sex        `json:"sex"`
	Phone      string     `json:"phone,omitempty"`
	ArchivedAt *time.Time `json:"archivedAt,omitempty"`
}

// Fields are the values a caller may set. On create, nil means absent; on update, nil
// leaves the stored value alone and a pointer to "" (or an empty address) clears it.
type Fields struct {
	GivenNames        *string       `json:"givenNames" validate:"omitnil,min=1,max=200,maxbytes=800,nocontrol,noangle"`
	FamilyName        *string       `json:"familyName" validate:"omitnil,min=1,max=200,maxbytes=800,nocontrol,noangle"`
	BirthDate         *string       `json:"birthDate" validate:"omitnil,isodate"`
	Sex               *string       `json:"sex" validate:"omitnil,oneof=female male other unknown"`
	Phone             *string       `json:"phone" validate:"omitnil,omitempty,max=30,phone"`
	Email             *string       `json:"email" validate:"omitnil,omitempty,max=254,email"`
	Address           *Address      `json:"address" validate:"omitnil"`
	PreferredLanguage *string       `json:"preferredLanguage" validate:"omitnil,omitempty,bcp47_language_tag"`
	DeceasedDate      *string       `json:"deceasedDate" validate:"omitnil,omitempty,isodate"`
	Identifiers       *[]Identifier `json:"identifiers" validate:"omitnil,max=20,dive"`
}

// Apply copies the set fields onto p. Call it only with Fields that passed Validate.
// Names are stored in NFC, however they were typed: accents kept, one form only.
func (f Fields) Apply(p *Patient) {
	setName(&p.GivenNames, f.GivenNames)
	setName(&p.FamilyName, f.FamilyName)
	if f.BirthDate != nil {
		p.BirthDate, _ = ParseDate(*f.BirthDate)
	}
	if f.Sex != nil {
		p.Sex = Sex(*f.Sex)
	}
	setString(&p.Phone, f.Phone)
	setString(&p.Email, f.Email)
	setString(&p.PreferredLanguage, f.PreferredLanguage)
	if f.Address != nil {
		p.Address = f.Address
		if isEmptyAddress(*f.Address) {
			p.Address = nil
		}
	}
	if f.DeceasedDate != nil {
		p.DeceasedDate = nil
		if d, ok := ParseDate(*f.DeceasedDate); ok {
			p.DeceasedDate = &d
		}
	}
	if f.Identifiers != nil {
		p.Identifiers = NormalizeIdentifiers(*f.Identifiers)
	}
}

func setName(dst *string, src *string) {
	if src != nil {
		*dst = norm.NFC.String(*src)
	}
}

func setString(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func isEmptyAddress(a Address) bool {
	return len(a.Lines) == 0 && a.City == "" && a.Region == "" && a.PostalCode == "" &&
		a.Country == ""
}
