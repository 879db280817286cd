package api_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// sharedDir is ../shared (PT_SHARED_DIR), or the test is skipped loudly.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PT_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "testdata", "real")); err != nil {
		t.Skipf("SKIPPED: ../shared not found (set PT_SHARED_DIR): %v", err)
	}
	return dir
}

// search runs a search as u-clin and returns the family names found, in order.
func (e *env) searchNames(body map[string]any) []string {
	e.t.Helper()
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: body})
	checkJSON(e.t, res, http.StatusOK)
	var page struct {
		Items []struct{ FamilyName string } `json:"items"`
	}
	if err := json.Unmarshal(res.body, &page); err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, it := range page.Items {
		out = append(out, it.FamilyName)
	}
	return out
}

// fhirPatient reads the name, birth date and sex of the Patient in a FHIR bundle.
func fhirPatient(t *testing.T, path string) (given, family, birth, sex string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				Name         []struct {
					Use    string   `json:"use"`
					Family string   `json:"family"`
					Given  []string `json:"given"`
				} `json:"name"`
				BirthDate string `json:"birthDate"`
				Gender    string `json:"gender"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &bundle); err != nil {
		t.Fatal(err)
	}
	for _, e := range bundle.Entry {
		r := e.Resource
		if r.ResourceType != "Patient" {
			continue
		}
		for _, n := range r.Name {
			if n.Use == "official" {
				return strings.Join(n.Given, " "), n.Family, r.BirthDate, r.Gender
			}
		}
	}
	t.Fatalf("%s holds no Patient with an official name", path)
	return
}

// TestBL01_AccentAndCaseInsensitiveSearch replays openmrs-core #3055 / HospitalRun #169.
func TestBL01_AccentAndCaseInsensitiveSearch(t *testing.T) {
	t.Parallel()
	dir := sharedDir(t)
	e := newEnv(t)
	zoe := e.createPatient("Zoë", "Godínez-Núñez", "1984-02-29")
	given, family, birth, sex := fhirPatient(t, filepath.Join(dir, "testdata", "real", "fhir",
		"Ramona980_Godínez202_6eb9f136-121e-2f36-9115-d450c210dced.json"))
	e.createPatientWith(map[string]any{"givenNames": given, "familyName": family,
		"birthDate": birth, "sex": sex})
	for q, want := range map[string][]string{
		"zoe": {"Godínez-Núñez"}, "ZOE": {"Godínez-Núñez"}, "nunez": {"Godínez-Núñez"},
		"zoe\u0308": {"Godínez-Núñez"}, "ZOË": {"Godínez-Núñez"},
		"godinez": {"Godínez-Núñez", "Godínez202"}, "GODÍNEZ": {"Godínez-Núñez", "Godínez202"},
		"Godí": {"Godínez-Núñez", "Godínez202"}, "Godi\u0301": {"Godínez-Núñez", "Godínez202"},
	} {
		got := e.searchNames(map[string]any{"q": q})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %q, want %q", q, got, want)
		}
	}
	// Stored names keep their accents exactly, in NFC, whatever form they were typed in.
	nfd := e.createPatient(norm.NFD.String("Zoë"), norm.NFD.String("Núñez"), "1990-01-01")
	for _, p := range []map[string]any{zoe, nfd} {
		res := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + p["id"].(string)})
		name := res.json(t)["givenNames"].(string)
		if name != "Zoë" || !norm.NFC.IsNormalString(name) {
			t.Errorf("givenNames read back %q (% x), want NFC Zoë", name, name)
		}
	}
	if n := e.count("SELECT count(*) FROM patients WHERE given_names = $1", "Zoë"); n != 2 {
		t.Errorf("%d patients stored with NFC Zoë, want 2", n)
	}
}

// TestBL02_PunctuatedSurnames replays openemr #5282, yournextrepresentative #862 and
// medplum #2015.
func TestBL02_PunctuatedSurnames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	siobhan := e.createPatient("Siobhán", "O'Brien-Dunne", "1971-11-05")
	e.createPatient("Jean-Luc", "de la Cruz", "1966-03-30")
	for q, want := range map[string][]string{
		"obrien": {"O'Brien-Dunne"}, "o'brien": {"O'Brien-Dunne"},
		"O\u2019Brien": {"O'Brien-Dunne"}, "o brien": {"O'Brien-Dunne"},
		"dunne": {"O'Brien-Dunne"}, "siobhan obrien": {"O'Brien-Dunne"},
		"de la cruz": {"de la Cruz"}, "delacruz": {"de la Cruz"}, "DE LA CRUZ": {"de la Cruz"},
		"jean luc": {"de la Cruz"},
		"'":        nil, "\u2019": nil, "-": nil,
	} {
		if got := e.searchNames(map[string]any{"q": q}); !slices.Equal(got, want) {
			t.Errorf("search %q found %q, want %q", q, got, want)
		}
	}
	if got := e.searchNames(map[string]any{"q": ""}); len(got) != 2 {
		t.Errorf("the empty search listed %q, want both patients", got)
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: map[string]any{"givenNames": "Siobhan", "familyName": "OBrien Dunne",
			"birthDate": "1971-11-05", "sex": "female"}})
	checkJSON(t, res, http.StatusCreated)
	var created struct {
		PossibleDuplicates []struct{ ID, MRN string } `json:"possibleDuplicates"`
	}
	_ = json.Unmarshal(res.body, &created)
	if len(created.PossibleDuplicates) != 1 ||
		created.PossibleDuplicates[0].ID != siobhan["id"] ||
		created.PossibleDuplicates[0].MRN != siobhan["mrn"] {
		t.Errorf("possible duplicates %+v, want Siobhán %v", created.PossibleDuplicates,
			siobhan["id"])
	}
}

// bl05Patient is one row of the Synthea patients.csv.
type bl05Patient struct{ id, first, last, birth, death, gender string }

func readSyntheaPatients(t *testing.T, path string) []bl05Patient {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimPrefix(name, "\ufeff")] = i
	}
	var out []bl05Patient
	for _, r := range rows[1:] {
		out = append(out, bl05Patient{id: r[col["Id"]], first: r[col["FIRST"]],
			last: r[col["LAST"]], birth: r[col["BIRTHDATE"]], death: r[col["DEATHDATE"]],
			gender: r[col["GENDER"]]})
	}
	return out
}

// walk pages through a search and returns the ids in order and the reported totals.
func (e *env) walk(sort string, limit int) ([]string, []float64) {
	e.t.Helper()
	var ids []string
	var totals []float64
	cursor := ""
	for page := 0; ; page++ {
		if page > 200 {
			e.t.Fatalf("sort %s limit %d: no end after 200 pages", sort, limit)
		}
		body := map[string]any{"sort": sort, "limit": limit}
		if cursor != "" {
			body["cursor"] = cursor
		}
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: body})
		checkJSON(e.t, res, http.StatusOK)
		m := res.json(e.t)
		totals = append(totals, m["total"].(float64))
		for _, it := range m["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		next, _ := m["nextCursor"].(string)
		if next == "" {
			return ids, totals
		}
		cursor = next
	}
}

// TestBL05_StablePaging replays microsoft/fhir-server #1792 and hapi-fhir #3608 with the
// 27 Synthea patients, three of them born on 1973-10-28, created through the API.
func TestBL05_StablePaging(t *testing.T) {
	t.Parallel()
	dir := sharedDir(t)
	rows := readSyntheaPatients(t, filepath.Join(dir, "testdata", "real", "synthea-csv",
		"patients.csv"))
	if len(rows) != 27 {
		t.Fatalf("%d patients in the fixture, want 27", len(rows))
	}
	e := newEnv(t)
	sexes := map[string]string{"M": "male", "F": "female"}
	byID := map[string]bl05Patient{}
	for _, r := range rows {
		body := map[string]any{"givenNames": r.first, "familyName": r.last, "birthDate": r.birth,
			"sex": sexes[r.gender], "identifiers": []map[string]string{
				{"system": "urn:synthea:patient", "value": r.id}}}
		if r.death != "" {
			body["deceasedDate"] = r.death
		}
		byID[e.createPatientWith(body)["id"].(string)] = r
	}
	tied := 0
	for _, r := range rows {
		if r.birth == "1973-10-28" {
			tied++
		}
	}
	if tied != 3 {
		t.Fatalf("%d patients born 1973-10-28 in the fixture, want 3", tied)
	}
	for _, w := range []struct {
		sort  string
		limit int
	}{{"birthDate", 2}, {"birthDate", 1}, {"-birthDate", 2}, {"name", 2}, {"name", 1},
		{"-name", 5}, {"mrn", 4}, {"createdAt", 2}} {
		ids, totals := e.walk(w.sort, w.limit)
		seen := map[string]bool{}
		born := 0
		for _, id := range ids {
			if seen[id] {
				t.Errorf("sort %s limit %d: %s listed twice", w.sort, w.limit, id)
			}
			seen[id] = true
			if byID[id].birth == "1973-10-28" {
				born++
			}
		}
		if len(seen) != 27 || born != 3 {
			t.Errorf("sort %s limit %d: %d distinct patients (%d born 1973-10-28), want 27 (3)",
				w.sort, w.limit, len(seen), born)
		}
		for _, total := range totals {
			if total != 27 {
				t.Errorf("sort %s limit %d: total %v, want 27", w.sort, w.limit, total)
			}
		}
		again, _ := e.walk(w.sort, w.limit)
		if !slices.Equal(ids, again) {
			t.Errorf("sort %s limit %d: order changed between walks", w.sort, w.limit)
		}
	}
	// The ties really are broken by the unique id.
	var order []string
	ids, _ := e.walk("birthDate", 27)
	for _, id := range ids {
		if byID[id].birth == "1973-10-28" {
			order = append(order, id)
		}
	}
	if !slices.IsSorted(order) {
		t.Errorf("patients born the same day are not ordered by id: %v", order)
	}
}
