package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"patienttracker/handler/postgres/pgtest"
)

// TestE1_UnexpectedDatabaseError: a schema fault is a 500 that carries only the request
// id; the server log has the detail and no patient data.
func TestE1_UnexpectedDatabaseError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	if _, err := e.conn().Exec(context.Background(),
		"ALTER TABLE patients DROP COLUMN preferred_language"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []req{
		{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1},
		{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.P1,
			body: map[string]any{"familyName": "X"}, headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-clin", method: "POST", path: "/api/patients",
			body: patientBody("familyName", "Newcomer")},
	} {
		res := e.do(r)
		e.checkProblem(res, http.StatusInternalServerError, "internal")
		if strings.Contains(string(res.body), "preferred_language") {
			t.Errorf("500 names the column: %s", res.body)
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "preferred_language") {
		t.Error("the server log lacks the fault's detail")
	}
	for _, v := range append(e.phiValues(), "Newcomer") {
		if strings.Contains(logs, v) {
			t.Errorf("the server log holds patient data %q", v)
		}
	}
}

// e3Call is one PHI call and the audit row it must leave.
type e3Call struct {
	name              string
	r                 req
	action, outcome   string
	objectID, patient string // "" when the row has none; "new" for a created patient
	status            int
}

// TestE3_OneAuditRowPerCall: every PHI route, called once allowed and once denied (and
// once for a missing object), leaves exactly one audit row with actor, role, action,
// object, outcome, UTC time and request id.
func TestE3_OneAuditRowPerCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	rnd := uuid.NewString()
	v1 := map[string]string{"If-Match": `"1"`}
	P1, V1 := "/api/patients/"+d.P1, "/api/visits/"+d.V1
	calls := []e3Call{
		{"search", req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": "firstpatient"}}, "patient.search", "allowed", "", "", 200},
		{"create", req{user: "u-clin", method: "POST", path: "/api/patients",
			body: patientBody("familyName", "Created")}, "patient.create", "allowed", "new", "new", 201},
		{"read", req{user: "u-clin", method: "GET", path: P1}, "patient.read", "allowed",
			d.P1, d.P1, 200},
		{"update", req{user: "u-clin", method: "PATCH", path: P1, headers: v1,
			body: map[string]any{"phone": "+1 555 0100"}}, "patient.update", "allowed", d.P1, d.P1, 200},
		{"list visits", req{user: "u-clin", method: "GET", path: P1 + "/visits"}, "visit.list",
			"allowed", d.P1, d.P1, 200},
		{"create visit", req{user: "u-clin", method: "POST", path: P1 + "/visits",
			body: map[string]any{"start": "2026-11-29T09:00:00Z"}}, "visit.create", "allowed",
			"", d.P1, 201},
		{"read visit", req{user: "u-clin", method: "GET", path: V1}, "visit.read", "allowed",
			d.V1, d.P1, 200},
		{"update visit", req{user: "u-clin", method: "PATCH", path: V1, headers: v1,
			body: map[string]any{"status": "arrived"}}, "visit.update", "allowed", d.V1, d.P1, 200},
		{"archive", req{user: "u-clin", method: "DELETE", path: "/api/patients/" + d.P2,
			headers: v1}, "patient.archive", "allowed", d.P2, d.P2, 200},
		{"restore", req{user: "u-admin", method: "POST", path: "/api/patients/" + d.P2 +
			"/restore"}, "patient.restore", "allowed", d.P2, d.P2, 200},
		{"read denied", req{user: "u-analyst", method: "GET", path: P1}, "authz_denied",
			"denied", d.P1, d.P1, 403},
		{"search denied", req{user: "u-analyst", method: "POST", path: "/api/patients/search",
			body: map[string]any{}}, "authz_denied", "denied", "", "", 403},
		{"create denied", req{user: "u-analyst", method: "POST", path: "/api/patients",
			body: patientBody("", nil)}, "authz_denied", "denied", "", "", 403},
		{"update denied", req{user: "u-analyst", method: "PATCH", path: P1, headers: v1,
			body: map[string]any{}}, "authz_denied", "denied", d.P1, d.P1, 403},
		{"archive denied", req{user: "u-front", method: "DELETE", path: P1, headers: v1},
			"authz_denied", "denied", d.P1, d.P1, 403},
		{"restore denied", req{user: "u-clin", method: "POST", path: P1 + "/restore"},
			"authz_denied", "denied", d.P1, d.P1, 403},
		{"visits denied", req{user: "u-analyst", method: "GET", path: P1 + "/visits"},
			"authz_denied", "denied", d.P1, d.P1, 403},
		{"visit denied", req{user: "u-analyst", method: "GET", path: V1}, "authz_denied",
			"denied", d.V1, "", 403},
		{"visit create denied", req{user: "u-analyst", method: "POST", path: P1 + "/visits",
			body: map[string]any{}}, "authz_denied", "denied", d.P1, d.P1, 403},
		{"visit update denied", req{user: "u-analyst", method: "PATCH", path: V1, headers: v1,
			body: map[string]any{}}, "authz_denied", "denied", d.V1, "", 403},
		{"read missing", req{user: "u-clin", method: "GET", path: "/api/patients/" + rnd},
			"patient.read", "failed", rnd, "", 404},
		{"update missing", req{user: "u-clin", method: "PATCH", path: "/api/patients/" + rnd,
			headers: v1, body: map[string]any{}}, "patient.update", "denied", rnd, "", 404},
		{"restore missing", req{user: "u-admin", method: "POST", path: "/api/patients/" + rnd +
			"/restore"}, "patient.restore", "failed", rnd, "", 404},
		{"visits missing", req{user: "u-clin", method: "GET", path: "/api/patients/" + rnd +
			"/visits"}, "visit.list", "failed", rnd, "", 404},
		{"visit missing", req{user: "u-clin", method: "GET", path: "/api/visits/" + rnd},
			"visit.read", "failed", rnd, "", 404},
		{"visit create missing", req{user: "u-clin", method: "POST", path: "/api/patients/" +
			rnd + "/visits", body: map[string]any{"start": "2026-11-29T09:00:00Z"}},
			"visit.create", "failed", rnd, "", 404},
	}
	roles := map[string]string{"u-admin": "admin", "u-clin": "clinician", "u-front": "frontdesk",
		"u-analyst": "analyst"}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			res := e.do(c.r)
			if res.status != c.status {
				t.Fatalf("status %d, want %d: %s", res.status, c.status, res.body)
			}
			rows := e.audit("request_id = $1", res.requestID())
			if len(rows) != 1 {
				t.Fatalf("%d audit rows, want exactly 1: %+v", len(rows), rows)
			}
			a := rows[0]
			want, patient := c.objectID, c.patient
			if want == "new" {
				want = res.json(t)["id"].(string)
				patient = want
			}
			if c.name == "create visit" {
				want = res.json(t)["id"].(string)
			}
			if a.Provider != "aad" || a.UserID != c.r.user || a.Role != roles[c.r.user] ||
				a.StaffID != e.staffID[c.r.user].String() {
				t.Errorf("actor %s/%s %s %s", a.Provider, a.UserID, a.Role, a.StaffID)
			}
			if a.Action != c.action || a.Outcome != c.outcome {
				t.Errorf("action %s %s, want %s %s", a.Action, a.Outcome, c.action, c.outcome)
			}
			if a.ObjectID != want || a.PatientID != patient {
				t.Errorf("object %q patient %q, want %q %q", a.ObjectID, a.PatientID, want,
					patient)
			}
			if !a.At.Equal(e.clock.Now()) {
				t.Errorf("time %v, want %v", a.At, e.clock.Now())
			}
		})
	}
}

// TestE3_WhoOpenedThisChart: "who opened this chart" is one query on the patient index.
func TestE3_WhoOpenedThisChart(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	for _, u := range []string{"u-clin", "u-front", "u-admin"} {
		e.do(req{user: u, method: "GET", path: "/api/patients/" + d.P1})
	}
	res := e.do(req{user: "u-admin", method: "GET", path: "/api/audit?patientId=" + d.P1})
	checkJSON(t, res, http.StatusOK)
	var page struct {
		Items []struct{ Action, ActorUserID string } `json:"items"`
	}
	_ = json.Unmarshal(res.body, &page)
	readers := map[string]bool{}
	for _, it := range page.Items {
		if it.Action == "patient.read" {
			readers[it.ActorUserID] = true
		}
	}
	if len(readers) != 3 {
		t.Errorf("chart readers %v, want u-clin, u-front and u-admin", readers)
	}
	conn := e.conn()
	if _, err := conn.Exec(context.Background(), "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(context.Background(), `EXPLAIN SELECT * FROM audit_log
	  WHERE patient_id = $1 ORDER BY at DESC LIMIT 50`, d.P1)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "audit_log_patient") {
		t.Errorf("who opened this chart does not use the patient index:\n%s", plan)
	}
}

// TestE4_AppRoleAppendOnly runs the API as the application's role pt_app: everything it
// needs works, and it can neither change nor remove audit rows.
func TestE4_AppRoleAppendOnly(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t) + "&options=-c%20role%3Dpt_app"
	e := newEnvWith(t, envSetup{dbURL: url})
	var role string
	err := e.conn().QueryRow(context.Background(), "SELECT current_user").Scan(&role)
	if err != nil || role != "pt_app" {
		t.Fatalf("connected as %q (%v), want pt_app", role, err)
	}
	d := e.seedData() // creates, visits, archive: all as pt_app
	for _, r := range []req{
		{user: "u-clin", method: "POST", path: "/api/patients/search", body: map[string]any{}},
		{user: "u-clin", method: "POST", path: "/api/patients", body: patientBody("familyName",
			"Keyed"), headers: map[string]string{"Idempotency-Key": "k1"}},
		{user: "u-clin", method: "POST", path: "/api/patients", body: patientBody("familyName",
			"Keyed"), headers: map[string]string{"Idempotency-Key": "k1"}},
		{user: "u-admin", method: "POST", path: "/api/patients/" + d.Parch + "/restore"},
		{user: "u-clin", method: "PATCH", path: "/api/visits/" + d.V1,
			body: map[string]any{"status": "arrived"}, headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-admin", method: "GET", path: "/api/audit"},
		{user: "u-admin", method: "POST", path: "/api/staff", body: map[string]any{
			"email": "new@clinic.test", "displayName": "New", "role": "frontdesk"}},
	} {
		if res := e.do(r); res.status >= 300 {
			t.Errorf("%s %s as pt_app: %d %s", r.method, r.path, res.status, res.body)
		}
	}
	for _, sql := range []string{"UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log",
		"TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"} {
		_, err := e.conn().Exec(context.Background(), sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || (pgErr.Code != "42501" && pgErr.Code != "42809") {
			t.Errorf("%s as pt_app: %v, want permission denied", sql, err)
		}
	}
}

// TestE5_ReadsAreAudited: searches are audited by shape and count, never their terms.
func TestE5_ReadsAreAudited(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.seedData()
	res := e.do(req{user: "u-front", method: "POST", path: "/api/patients/search",
		body: map[string]any{"q": "Firstpatient"}})
	checkJSON(t, res, http.StatusOK)
	rows := e.audit("request_id = $1", res.requestID())
	if len(rows) != 1 || rows[0].Action != "patient.search" {
		t.Fatalf("audit rows %+v", rows)
	}
	var detail string
	err := e.conn().QueryRow(context.Background(), "SELECT detail::text FROM audit_log "+
		"WHERE request_id = $1", res.requestID()).Scan(&detail)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, `"shape": "name"`) || !strings.Contains(detail, `"count"`) ||
		strings.Contains(strings.ToLower(detail), "firstpatient") {
		t.Errorf("search audit detail %s: want shape and count, no terms", detail)
	}
	res = e.do(req{user: "u-admin", method: "GET", path: "/api/audit?limit=1"})
	if rows := e.audit("request_id = $1", res.requestID()); len(rows) != 1 ||
		rows[0].Action != "audit.read" {
		t.Errorf("audit reads are not audited: %+v", rows)
	}
}

// TestE6_SuccessHeaders: every successful answer is JSON with no-store and nosniff.
func TestE6_SuccessHeaders(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	for _, path := range []string{"/api/health", "/api/health/ready", "/api/openapi.json",
		"/api/me", "/api/patients/" + d.P1, "/api/patients/" + d.P1 + "/visits",
		"/api/visits/" + d.V1, "/api/staff", "/api/staff/" + e.staffID["u-clin"].String(),
		"/api/audit"} {
		res := e.do(req{user: "u-admin", method: "GET", path: path})
		checkJSON(t, res, http.StatusOK)
		if !json.Valid(res.body) {
			t.Errorf("%s: body is not JSON", path)
		}
	}
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/patients/search",
		body: map[string]any{}})
	checkJSON(t, res, http.StatusOK)
}

// TestE8_NoHiddenRoutes: debugging, documentation and host paths are not routed.
func TestE8_NoHiddenRoutes(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, path := range []string{"/debug/pprof/", "/debug/vars", "/swagger",
		"/swagger/index.html", "/api/_internal/x", "/admin/host/status", "/api/admin",
		"/api/debug/pprof/", "/metrics"} {
		for _, user := range []string{"", "u-admin"} {
			res := e.do(req{user: user, method: "GET", path: path})
			e.checkProblem(res, http.StatusNotFound, "not_found")
		}
	}
}

// phiParam matches a parameter name that would carry patient data in a URL.
var phiParam = regexp.MustCompile(`(?i)^(q|query|name|names|givennames|familyname|mrn|dob|` +
	`birthdate|birth_date|phone|email|ssn|address|notes?)$`)

// TestE9_NoPHIInURLs scans the route patterns, the query parameters the handlers read,
// the OpenAPI description and the UI's fetch calls for patient data in URLs.
func TestE9_NoPHIInURLs(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	wild := regexp.MustCompile(`\{([^}*]+)\}`)
	for _, rt := range e.srv.Routes() {
		for _, m := range wild.FindAllStringSubmatch(rt[1], -1) {
			if phiParam.MatchString(m[1]) {
				t.Errorf("route %s %s takes %s in its path", rt[0], rt[1], m[1])
			}
		}
	}
	get := regexp.MustCompile(`Query\(\)\.Get\("([^"]+)"\)|\bq\.Get\("([^"]+)"\)`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range get.FindAllStringSubmatch(string(src), -1) {
			if name := m[1] + m[2]; phiParam.MatchString(name) {
				t.Errorf("%s reads query parameter %q", f, name)
			}
		}
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if raw, err := os.ReadFile("openapi.json"); err == nil && json.Unmarshal(raw, &spec) == nil {
		param := regexp.MustCompile(`"name"\s*:\s*"([^"]+)"\s*,\s*"in"\s*:\s*"(query|path)"|` +
			`"in"\s*:\s*"(query|path)"\s*,\s*"name"\s*:\s*"([^"]+)"`)
		for p, ops := range spec.Paths {
			for _, op := range ops {
				for _, m := range param.FindAllStringSubmatch(string(op), -1) {
					if name := m[1] + m[4]; phiParam.MatchString(name) {
						t.Errorf("openapi.json: %s takes %q in its URL", p, name)
					}
				}
			}
		}
	}
	scanUIFetches(t, filepath.Join("..", "..", "staticweb"))
}

// scanUIFetches looks for URLs built with patient data in the UI's sources.
func scanUIFetches(t *testing.T, root string) {
	t.Helper()
	if _, err := os.Stat(root); err != nil {
		t.Logf("no UI sources at %s to scan", root)
		return
	}
	bad := regexp.MustCompile(`(?i)["'` + "`" + `][^"'` + "`" + `]*/api/[^"'` + "`" +
		`]*[?&](q|query|name|givenNames|familyName|mrn|dob|birthDate|phone|email)=`)
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".next" || d.Name() == "out") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || (ext != ".ts" && ext != ".tsx" && ext != ".js" && ext != ".jsx") {
			return nil
		}
		src, _ := os.ReadFile(path)
		if m := bad.Find(src); m != nil {
			t.Errorf("%s builds a URL with patient data: %s", path, m)
		}
		return nil
	})
}
