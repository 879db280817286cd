package importer

import (
	"io"
	"regexp"
	"strings"
	"time"

	"patienttracker/handler/apperror"
	"patienttracker/handler/patient"
)

// Mapping names, for each patient field, the header of the CSV column that holds it.
// SourceID (the patient's id in the old system), GivenNames, FamilyName, BirthDate and
// Sex are required. IdentifierSystem names the old system (default
// urn:import:patient_csv); DateFormat is how dates are written (default YYYY-MM-DD).
type Mapping struct {
	SourceID          string `json:"sourceId"`
	IdentifierSystem  string `json:"identifierSystem,omitempty"`
	GivenNames        string `json:"givenNames"`
	FamilyName        string `json:"familyName"`
	BirthDate         string `json:"birthDate"`
	Sex               string `json:"sex"`
	Phone             string `json:"phone,omitempty"`
	Email             string `json:"email,omitempty"`
	AddressLine       string `json:"addressLine,omitempty"`
	City              string `json:"city,omitempty"`
	Region            string `json:"region,omitempty"`
	PostalCode        string `json:"postalCode,omitempty"`
	Country           string `json:"country,omitempty"`
	PreferredLanguage string `json:"preferredLanguage,omitempty"`
	DeceasedDate      string `json:"deceasedDate,omitempty"`
	DateFormat        string `json:"dateFormat,omitempty"`
}

// dateLayouts are the date formats a mapping may name.
var dateLayouts = map[string]string{
	"YYYY-MM-DD": time.DateOnly, "DD/MM/YYYY": "02/01/2006", "MM/DD/YYYY": "01/02/2006",
	"DD.MM.YYYY": "02.01.2006", "YYYYMMDD": "20060102",
}

// systemShape is a URI scheme and something after it. The system is a name only: it is
// never fetched.
var systemShape = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]{1,190}$`)

// columns returns the mapping's field names and header names.
func (m *Mapping) columns() map[string]string {
	return map[string]string{"sourceId": m.SourceID, "givenNames": m.GivenNames,
		"familyName": m.FamilyName, "birthDate": m.BirthDate, "sex": m.Sex,
		"phone": m.Phone, "email": m.Email, "addressLine": m.AddressLine, "city": m.City,
		"region": m.Region, "postalCode": m.PostalCode, "country": m.Country,
		"preferredLanguage": m.PreferredLanguage, "deceasedDate": m.DeceasedDate}
}

// Validate checks a mapping as a request gives it: the required columns named, header
// names short and printable, a known date format, a URI-shaped system. Faults are a 422
// naming mapping.<field>.
func (m *Mapping) Validate() error {
	var faults []apperror.FieldError
	add := func(field, code string) {
		faults = append(faults, apperror.FieldError{Field: "mapping." + field, Code: code})
	}
	for field, col := range m.columns() {
		switch {
		case col == "" && (field == "sourceId" || field == "givenNames" ||
			field == "familyName" || field == "birthDate" || field == "sex"):
			add(field, "required")
		case len(col) > 100:
			add(field, "too_long")
		case patient.HasControl(col):
			add(field, "control_char")
		}
	}
	if m.IdentifierSystem != "" && !systemShape.MatchString(m.IdentifierSystem) {
		add("identifierSystem", "invalid_uri")
	}
	if _, ok := dateLayouts[m.DateFormat]; m.DateFormat != "" && !ok {
		add("dateFormat", "invalid_value")
	}
	if len(faults) > 0 {
		return apperror.Invalid(faults...)
	}
	return nil
}

// headerAliases are the column names DefaultMapping recognises (lower case).
var headerAliases = map[string][]string{
	"sourceId": {"id", "patient_id", "patientid", "source_id", "sourceid", "mrn",
		"patient id"},
	"givenNames": {"givennames", "given_names", "given", "first", "first_name", "firstname",
		"first name"},
	"familyName": {"familyname", "family_name", "family", "last", "last_name", "lastname",
		"surname", "last name"},
	"birthDate":         {"birthdate", "birth_date", "dob", "date_of_birth", "date of birth"},
	"sex":               {"sex", "gender"},
	"phone":             {"phone", "telephone", "phone_number"},
	"email":             {"email", "e-mail"},
	"addressLine":       {"address", "addressline", "address_line", "street"},
	"city":              {"city", "town"},
	"region":            {"region", "state", "province"},
	"postalCode":        {"postalcode", "postal_code", "zip", "postcode"},
	"country":           {"country"},
	"preferredLanguage": {"preferredlanguage", "language"},
	"deceasedDate":      {"deceaseddate", "deathdate", "date_of_death"},
}

// DefaultMapping guesses a mapping from a header by the usual column names; ok is false
// when a required field has no column.
func DefaultMapping(header []string) (Mapping, bool) {
	found := map[string]string{}
	for _, h := range header {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for field, aliases := range headerAliases {
			for _, a := range aliases {
				if key == a && found[field] == "" {
					found[field] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
				}
			}
		}
	}
	m := Mapping{SourceID: found["sourceId"], GivenNames: found["givenNames"],
		FamilyName: found["familyName"], BirthDate: found["birthDate"], Sex: found["sex"],
		Phone: found["phone"], Email: found["email"], AddressLine: found["addressLine"],
		City: found["city"], Region: found["region"], PostalCode: found["postalCode"],
		Country: found["country"], PreferredLanguage: found["preferredLanguage"],
		DeceasedDate: found["deceasedDate"]}
	return m, m.Validate() == nil
}

// mappedPatients reads a generic patient CSV through a Mapping.
type mappedPatients struct {
	t      *table
	m      Mapping
	layout string
	system string
}

func newMappedPatients(rd io.Reader, m Mapping) (reader, error) {
	t, err := newTable(rd)
	if err != nil {
		return nil, err
	}
	for _, col := range m.columns() {
		if col != "" && !t.has(col) {
			return nil, fileError("missing_column", col)
		}
	}
	mp := &mappedPatients{t: t, m: m, layout: time.DateOnly, system: DefaultCSVSystem}
	if l, ok := dateLayouts[m.DateFormat]; ok {
		mp.layout = l
	}
	if m.IdentifierSystem != "" {
		mp.system = m.IdentifierSystem
	}
	return mp, nil
}

func (mp *mappedPatients) Next() (Record, error) {
	r, problems, err := mp.t.next()
	if err != nil || problems != nil {
		return Record{Line: r.line, Problems: problems}, err
	}
	m := mp.m
	p := &PatientRecord{Source: patient.Identifier{System: mp.system, Value: r.get(m.SourceID)}}
	f := &p.Fields
	f.GivenNames, f.FamilyName = r.opt(m.GivenNames), r.opt(m.FamilyName)
	f.BirthDate, f.DeceasedDate = mp.date(r.opt(m.BirthDate)), mp.date(r.opt(m.DeceasedDate))
	f.Sex = sexCode(r.get(m.Sex))
	f.Phone, f.Email, f.PreferredLanguage = r.opt(m.Phone), r.opt(m.Email),
		r.opt(m.PreferredLanguage)
	f.Address = address([]string{r.get(m.AddressLine)}, r.get(m.City), r.get(m.Region),
		r.get(m.PostalCode), r.get(m.Country))
	return Record{Line: r.line, Patient: p}, nil
}

// date rewrites a date in the mapping's format as YYYY-MM-DD; a value that does not
// parse is passed on for the validator to reject.
func (mp *mappedPatients) date(v *string) *string {
	if v == nil || mp.layout == time.DateOnly {
		return v
	}
	t, err := time.Parse(mp.layout, *v)
	if err != nil {
		return v
	}
	s := t.Format(time.DateOnly)
	return &s
}
