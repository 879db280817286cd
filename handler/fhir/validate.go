package fhir

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	idShape     = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	dateShape   = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)
	bundleTypes = []string{"document", "message", "transaction", "transaction-response",
		"batch", "batch-response", "history", "searchset", "collection"}
	genders     = []string{"male", "female", "other", "unknown"}
	encStatuses = []string{"planned", "arrived", "triaged", "in-progress", "onleave",
		"finished", "cancelled", "entered-in-error", "unknown"}
	docStatuses   = []string{"current", "superseded", "entered-in-error"}
	resourceTypes = []string{"Patient", "Encounter", "DocumentReference"}
)

// ValidateBundle checks a Bundle's structure against FHIR R4 for the resources this
// package writes: known resource and bundle types, ids of the allowed shape, the
// required elements of Patient, Encounter and DocumentReference with values from their
// required value sets, well-formed dates and instants, unique fullUrls, and every
// reference resolving to an entry of the bundle. It returns one line per problem,
// naming the entry and element; none means valid. It is a structural check, not a full
// profile validation.
func ValidateBundle(data []byte) []string {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return []string{"bundle: not a JSON object: " + err.Error()}
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if b.ResourceType != "Bundle" {
		bad("bundle: resourceType is %q", b.ResourceType)
	}
	if !slices.Contains(bundleTypes, b.Type) {
		bad("bundle: type %q is not a Bundle type", b.Type)
	}
	targets := map[string]bool{}
	for i, e := range b.Entry {
		if e.FullURL != "" {
			if targets[e.FullURL] {
				bad("entry[%d]: fullUrl repeated", i)
			}
			targets[e.FullURL] = true
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		if err := json.Unmarshal(e.Resource, &head); err != nil || head.ResourceType == "" {
			bad("entry[%d]: resource missing or without resourceType", i)
			continue
		}
		if head.ID != "" {
			targets[head.ResourceType+"/"+head.ID] = true
		}
	}
	for i, e := range b.Entry {
		out = append(out, validateEntry(i, e, targets)...)
	}
	return out
}

func validateEntry(i int, e BundleEntry, targets map[string]bool) []string {
	var out []string
	bad := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("entry[%d]: ", i)+fmt.Sprintf(format, args...))
	}
	var head struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
	}
	if json.Unmarshal(e.Resource, &head) != nil {
		return nil
	}
	if head.ID != "" && !idShape.MatchString(head.ID) {
		bad("id has a shape FHIR does not allow")
	}
	if !slices.Contains(resourceTypes, head.ResourceType) {
		bad("unexpected resourceType %q", head.ResourceType)
	}
	for _, ref := range references(e.Resource) {
		if !targets[ref] {
			bad("reference %q does not resolve inside the bundle", ref)
		}
	}
	switch head.ResourceType {
	case "Patient":
		out = append(out, prefix(i, validatePatient(e.Resource))...)
	case "Encounter":
		out = append(out, prefix(i, validateEncounter(e.Resource))...)
	case "DocumentReference":
		out = append(out, prefix(i, validateDocumentReference(e.Resource))...)
	}
	return out
}

func prefix(i int, lines []string) []string {
	for j := range lines {
		lines[j] = fmt.Sprintf("entry[%d]: %s", i, lines[j])
	}
	return lines
}

func validatePatient(raw json.RawMessage) []string {
	var p Patient
	if err := json.Unmarshal(raw, &p); err != nil {
		return []string{"Patient does not decode: " + err.Error()}
	}
	var out []string
	if p.Gender != "" && !slices.Contains(genders, p.Gender) {
		out = append(out, "Patient.gender not in AdministrativeGender")
	}
	if p.BirthDate != "" && !dateShape.MatchString(p.BirthDate) {
		out = append(out, "Patient.birthDate is not a FHIR date")
	}
	for j, id := range p.Identifier {
		if id.Value == "" {
			out = append(out, fmt.Sprintf("Patient.identifier[%d].value missing", j))
		}
	}
	if p.DeceasedBoolean != nil && p.DeceasedDateTime != "" {
		out = append(out, "Patient.deceased[x] has two types")
	}
	return out
}

func validateEncounter(raw json.RawMessage) []string {
	var e Encounter
	if err := json.Unmarshal(raw, &e); err != nil {
		return []string{"Encounter does not decode: " + err.Error()}
	}
	var out []string
	if !slices.Contains(encStatuses, e.Status) {
		out = append(out, "Encounter.status missing or not in EncounterStatus")
	}
	if e.Class == nil || e.Class.Code == "" {
		out = append(out, "Encounter.class missing")
	}
	if e.Period != nil {
		start, okS := parseDateTime(e.Period.Start)
		end, okE := parseDateTime(e.Period.End)
		if !okS || !okE {
			out = append(out, "Encounter.period has a malformed dateTime")
		} else if !start.IsZero() && !end.IsZero() && end.Before(start) {
			out = append(out, "Encounter.period ends before it starts")
		}
	}
	return out
}

func validateDocumentReference(raw json.RawMessage) []string {
	var d DocumentReference
	if err := json.Unmarshal(raw, &d); err != nil {
		return []string{"DocumentReference does not decode: " + err.Error()}
	}
	var out []string
	if !slices.Contains(docStatuses, d.Status) {
		out = append(out, "DocumentReference.status missing or not in DocumentReferenceStatus")
	}
	if len(d.Content) == 0 {
		out = append(out, "DocumentReference.content missing")
	}
	return out
}

// parseDateTime accepts the empty string and FHIR dateTime forms.
func parseDateTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if dateShape.MatchString(s) {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// references returns every Reference.reference string inside a resource, except
// absolute URLs and searches, which point outside any bundle by design.
func references(raw json.RawMessage) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "reference" {
					if !strings.Contains(s, "?") && !strings.HasPrefix(s, "http") &&
						!strings.HasPrefix(s, "#") {
						out = append(out, s)
					}
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}
