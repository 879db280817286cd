package fhir_test

import (
	"strings"
	"testing"

	"patienttracker/handler/fhir"
)

const validBundle = `{"resourceType":"Bundle","type":"collection","entry":[
 {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111",
  "resource":{"resourceType":"Patient","id":"11111111-1111-4111-8111-111111111111",
   "gender":"female","birthDate":"1980-01-02"}},
 {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222",
  "resource":{"resourceType":"Encounter","id":"22222222-2222-4222-8222-222222222222",
   "status":"finished","class":{"code":"AMB"},
   "subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},
   "period":{"start":"2020-01-01T10:00:00Z","end":"2020-01-01T10:30:00Z"}}},
 {"fullUrl":"urn:uuid:33333333-3333-4333-8333-333333333333",
  "resource":{"resourceType":"DocumentReference","status":"current",
   "subject":{"reference":"Patient/11111111-1111-4111-8111-111111111111"},
   "content":[{"attachment":{"contentType":"application/pdf"}}]}}]}`

// TestValidateBundle checks that the structural validator accepts a good bundle and
// names each kind of fault it is meant to find.
func TestValidateBundle(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, old, new, want string
	}{
		{"OK", "", "", ""},
		{"ErrBundleType", `"type":"collection"`, `"type":"bag"`, "not a Bundle type"},
		{"ErrEncounterStatus", `"status":"finished"`, `"status":"done"`, "Encounter.status"},
		{"ErrEncounterClass", `"class":{"code":"AMB"},`, ``, "Encounter.class missing"},
		{"ErrDanglingReference", `"reference":"urn:uuid:1111`, `"reference":"urn:uuid:9111`,
			"does not resolve"},
		{"ErrGender", `"gender":"female"`, `"gender":"F"`, "AdministrativeGender"},
		{"ErrBirthDate", `"birthDate":"1980-01-02"`, `"birthDate":"02/01/1980"`, "birthDate"},
		{"ErrPeriodOrder", `"end":"2020-01-01T10:30:00Z"`, `"end":"2019-01-01T10:30:00Z"`,
			"ends before it starts"},
		{"ErrNoContent", `"content":[{"attachment":{"contentType":"application/pdf"}}]`,
			`"content":[]`, "content missing"},
		{"ErrIDShape", `"id":"22222222-2222-4222-8222-222222222222"`, `"id":"a b"`,
			"id has a shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			doc := strings.Replace(validBundle, c.old, c.new, 1)
			got := strings.Join(fhir.ValidateBundle([]byte(doc)), "\n")
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("problems %q, want one containing %q", got, c.want)
			}
		})
	}
}

// TestReadBundleSubjects resolves encounter subjects by fullUrl and by Patient/<id>, and
// reports one that is not in the bundle.
func TestReadBundleSubjects(t *testing.T) {
	t.Parallel()
	doc := strings.TrimSuffix(validBundle, `]}`) + `,
	 {"fullUrl":"urn:uuid:44444444-4444-4444-8444-444444444444",
	  "resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
	   "subject":{"reference":"Patient/nobody"},"period":{"start":"2020-01-01T10:00:00Z"}}}]}`
	in, err := fhir.ReadBundle(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Patients) != 1 || len(in.Encounters) != 2 || in.Ignored != 1 {
		t.Fatalf("read %d patients, %d encounters, %d ignored", len(in.Patients),
			len(in.Encounters), in.Ignored)
	}
	if in.Encounters[0].Patient != in.Patients[0].Source || len(in.Encounters[0].Problems) > 0 {
		t.Errorf("first encounter's patient %+v, problems %v", in.Encounters[0].Patient,
			in.Encounters[0].Problems)
	}
	if p := in.Encounters[1].Problems; len(p) != 1 || p[0].Code != "unknown_patient" {
		t.Errorf("second encounter's problems %v", p)
	}
	if _, err := fhir.ReadBundle(strings.NewReader(`{"resourceType":"Patient"}`)); err !=
		fhir.ErrNotBundle {
		t.Errorf("a Patient read as a bundle: %v", err)
	}
}
