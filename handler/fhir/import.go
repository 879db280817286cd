package fhir

import (
	"strings"
	"time"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// PatientFields maps a FHIR Patient onto the clinic's patient fields, for validation by
// the patient package. What cannot be mapped is added to problems.
func PatientFields(p *Patient, problems *[]Problem) patient.Fields {
	var f patient.Fields
	if n := pickName(p.Name); n != nil {
		given := strings.Join(n.Given, " ")
		family := n.Family
		if given == "" && family == "" && n.Text != "" {
			family = n.Text
		}
		f.GivenNames, f.FamilyName = optional(given), optional(family)
	}
	f.BirthDate = optional(p.BirthDate)
	if p.Gender != "" {
		f.Sex = &p.Gender
	}
	f.Phone = optional(pickTelecom(p.Telecom, "phone"))
	f.Email = optional(pickTelecom(p.Telecom, "email"))
	if a := pickAddress(p.Address); a != nil {
		f.Address = &patient.Address{Lines: a.Line, City: a.City, Region: a.State,
			PostalCode: a.PostalCode, Country: a.Country}
	}
	f.PreferredLanguage = optional(pickLanguage(p.Communication))
	switch {
	case p.DeceasedDateTime != "":
		d := p.DeceasedDateTime
		if len(d) >= 10 {
			d = d[:10]
		}
		f.DeceasedDate = &d
	case p.DeceasedBoolean != nil && *p.DeceasedBoolean:
		*problems = append(*problems, Problem{Field: "deceasedDate", Code: "date_unknown",
			Warning: true})
	}
	return f
}

func optional(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

// pickName prefers the official name, then the usual one, then the first.
func pickName(names []HumanName) *HumanName {
	for _, use := range []string{"official", "usual"} {
		for i := range names {
			if names[i].Use == use {
				return &names[i]
			}
		}
	}
	if len(names) > 0 {
		return &names[0]
	}
	return nil
}

func pickTelecom(cps []ContactPoint, system string) string {
	best := ""
	for _, cp := range cps {
		if cp.System != system || cp.Value == "" {
			continue
		}
		if cp.Use == "home" || cp.Use == "mobile" {
			return cp.Value
		}
		if best == "" {
			best = cp.Value
		}
	}
	return best
}

func pickAddress(as []Address) *Address {
	for i := range as {
		if as[i].Use == "home" {
			return &as[i]
		}
	}
	if len(as) > 0 {
		return &as[0]
	}
	return nil
}

func pickLanguage(cs []Communication) string {
	var first string
	for _, c := range cs {
		code := ""
		for _, cd := range c.Language.Coding {
			if cd.Code != "" {
				code = cd.Code
				break
			}
		}
		if code == "" {
			continue
		}
		if c.Preferred != nil && *c.Preferred {
			return code
		}
		if first == "" {
			first = code
		}
	}
	return first
}

// encounterStatus maps FHIR R4 Encounter.status onto the clinic's visit statuses.
var encounterStatus = map[string]visit.Status{
	"planned": visit.Planned, "arrived": visit.Arrived, "triaged": visit.Arrived,
	"in-progress": visit.InProgress, "onleave": visit.InProgress,
	"finished": visit.Finished, "cancelled": visit.Cancelled,
	"entered-in-error": visit.EnteredInError, "unknown": visit.Finished,
}

// EncounterFields maps a FHIR Encounter onto the clinic's visit fields and returns its
// class code. Times must be instants (with a zone); a date alone is a problem.
func EncounterFields(e *Encounter, problems *[]Problem) (visit.Fields, string) {
	var f visit.Fields
	if status, ok := encounterStatus[e.Status]; ok {
		s := string(status)
		f.Status = &s
	} else {
		*problems = append(*problems, Problem{Field: "status", Code: "invalid_value"})
	}
	if e.Period != nil {
		f.Start = instantField(e.Period.Start, "start", problems)
		f.End = instantField(e.Period.End, "end", problems)
	}
	if reason, code := encounterReason(e); reason != "" || code != "" {
		f.Reason, f.ReasonCode = optional(reason), optional(code)
	}
	class := ""
	if e.Class != nil {
		class = e.Class.Code
	}
	return f, class
}

// instantField returns s as RFC 3339 when it is a FHIR instant, nil when empty.
func instantField(s, field string, problems *[]Problem) *string {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		*problems = append(*problems, Problem{Field: field, Code: "invalid_datetime"})
		return nil
	}
	out := t.UTC().Format(time.RFC3339Nano)
	return &out
}

// encounterReason is the first reason's text and code, else the first type's.
func encounterReason(e *Encounter) (string, string) {
	for _, list := range [][]CodeableConcept{e.ReasonCode, e.Type} {
		for _, cc := range list {
			text, code := cc.Text, ""
			for _, c := range cc.Coding {
				if code == "" {
					code = c.Code
				}
				if text == "" {
					text = c.Display
				}
			}
			if text != "" || code != "" {
				return text, code
			}
		}
	}
	return "", ""
}
