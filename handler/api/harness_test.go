package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// testClock is a settable clock shared by the server and the database.
type testClock struct{ t atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *testClock) Set(t time.Time)     { c.t.Store(t.UnixNano()) }
func (c *testClock) Add(d time.Duration) { c.t.Add(int64(d)) }

// stmtCounter counts SQL statements, to prove that some requests run none, and keeps
// their text, to prove that input reaches PostgreSQL only as bound parameters.
type stmtCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	sql []string
}

func (c *stmtCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn,
	d pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	c.mu.Lock()
	c.sql = append(c.sql, d.SQL)
	c.mu.Unlock()
	return ctx
}
func (c *stmtCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// statements returns the text of every statement run so far.
func (c *stmtCounter) statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sql...)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running API on a database of its own, with the staff rows of
// ../shared/bad-inputs.md: u-admin, u-clin, u-front, u-analyst and the disabled u-off.
type env struct {
	t       testing.TB
	srv     *api.Server
	db      *postgres.DB
	dbURL   string
	clock   *testClock
	stmts   *stmtCounter
	logs    *syncBuffer
	staffID map[string]uuid.UUID
	phi     *phiList // names, birth dates and MRNs created: no error body may hold them
}

type phiList struct {
	mu     sync.Mutex
	values []string
}

var seedStaff = []struct {
	user, role string
	active     bool
}{
	{"u-admin", "admin", true}, {"u-clin", "clinician", true}, {"u-front", "frontdesk", true},
	{"u-analyst", "analyst", true}, {"u-off", "clinician", false},
}

// envSetup tunes an env beyond the API configuration.
type envSetup struct {
	cfg         func(*api.Config)
	maxConns    int32         // pool size; 0 keeps pgxpool's default
	stmtTimeout time.Duration // 0 means 5 s
	dbURL       string        // an existing migrated database; "" creates one
	apiOpts     []api.Option
}

func newEnv(t testing.TB, opts ...func(*api.Config)) *env {
	t.Helper()
	return newEnvWith(t, envSetup{cfg: func(c *api.Config) {
		for _, o := range opts {
			o(c)
		}
	}})
}

func newEnvWith(t testing.TB, s envSetup) *env {
	t.Helper()
	dbURL := s.dbURL
	if dbURL == "" {
		dbURL = pgtest.NewDatabase(t)
	}
	if s.stmtTimeout == 0 {
		s.stmtTimeout = 5 * time.Second
	}
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	stmts := &stmtCounter{}
	db, err := postgres.Open(context.Background(), postgres.Options{URL: dbURL,
		Now: clock.Now, Tracer: stmts, StatementTimeout: s.stmtTimeout, MaxConns: s.maxConns})
	if err != nil {
		t.Fatalf("open db: %v", err)
	}
	t.Cleanup(db.Close)
	e := &env{t: t, db: db, dbURL: dbURL, clock: clock, stmts: stmts, logs: &syncBuffer{},
		staffID: map[string]uuid.UUID{}, phi: &phiList{}}
	e.seedStaff()
	cfg := api.Config{AllowedProviders: []string{"aad"}, ClinicLocation: time.UTC}
	if s.cfg != nil {
		s.cfg(&cfg)
	}
	e.srv = api.New(db, cfg, zerolog.New(e.logs), clock.Now, s.apiOpts...)
	return e
}

// Creating a database costs seconds on a machine that syncs to disk, so tests that need
// no settings of their own, count nothing globally and change no staff share one env.
var shared struct {
	once sync.Once
	env  *env
	tb   *mainTB
}

// sharedEnv returns the package's shared env, bound to t for failures.
func sharedEnv(t testing.TB) *env {
	t.Helper()
	shared.once.Do(func() {
		shared.tb = &mainTB{}
		shared.env = newEnvWith(shared.tb, envSetup{})
	})
	if shared.env == nil {
		t.Fatal("shared env could not be created")
	}
	e := *shared.env
	e.t = t
	return &e
}

// mainTB lets the shared env live for the whole test binary: TestMain runs its cleanups.
type mainTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

func (m *mainTB) Helper()                   {}
func (m *mainTB) Logf(f string, a ...any)   { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (m *mainTB) Errorf(f string, a ...any) { m.Logf(f, a...) }
func (m *mainTB) Fatalf(f string, a ...any) {
	m.Logf(f, a...)
	runtime.Goexit()
}
func (m *mainTB) Fatal(a ...any) { m.Fatalf("%s", fmt.Sprint(a...)) }
func (m *mainTB) Cleanup(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cleanups = append(m.cleanups, f)
}

func (m *mainTB) runCleanups() {
	for i := len(m.cleanups) - 1; i >= 0; i-- {
		m.cleanups[i]()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.tb != nil {
		shared.tb.runCleanups()
	}
	os.Exit(code)
}

func (e *env) seedStaff() {
	e.t.Helper()
	conn := e.conn()
	for _, s := range seedStaff {
		id := uuid.New()
		e.staffID[s.user] = id
		_, err := conn.Exec(context.Background(), `INSERT INTO staff (id, email, display_name,
		  role, active, identity_provider, identity_user_id, bound_at, created_at, updated_at)
		  VALUES ($1, $2, $3, $4, $5, 'aad', $6, now(), now(), now())`,
			id, s.user+"@clinic.test", s.user, s.role, s.active, s.user)
		if err != nil {
			e.t.Fatalf("seed staff: %v", err)
		}
	}
}

// conn opens a superuser connection to the test database, closed at the test's end.
func (e *env) conn() *pgx.Conn {
	e.t.Helper()
	conn, err := pgx.Connect(context.Background(), e.dbURL)
	if err != nil {
		e.t.Fatalf("connect: %v", err)
	}
	e.t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// count runs a counting query on a fresh connection.
func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		e.t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("count %q: %v", sql, err)
	}
	return n
}

// principal is AS(u) of bad-inputs.md: an SWA principal for user u.
func principal(user string) string {
	b, _ := json.Marshal(map[string]any{"identityProvider": "aad", "userId": user,
		"userDetails": user + "@clinic.test", "userRoles": []string{"anonymous", "authenticated"}})
	return base64.StdEncoding.EncodeToString(b)
}

// req is one request to send.
type req struct {
	user    string // "" sends no principal
	method  string
	path    string
	body    any // string or []byte is sent as is; anything else as JSON
	headers map[string]string
}

// result is a response, read whole.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// requestID is the id the server gave the request.
func (r result) requestID() string { return r.header.Get("X-Request-Id") }

// newRequest builds the http.Request for r without sending it.
func (e *env) newRequest(r req) *http.Request {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = bytes.NewReader([]byte(b))
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encode body: %v", err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.user != "" {
		hr.Header.Set("X-Ms-Client-Principal", principal(r.user))
	}
	for k, v := range r.headers {
		if v == "" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	return hr
}

func (e *env) do(r req) result {
	e.t.Helper()
	return e.serve(e.newRequest(r))
}

// serve sends a prepared request through the real router.
func (e *env) serve(hr *http.Request) result {
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	return result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// doAll sends n requests at once and returns their results in order.
func (e *env) doAll(n int, build func(i int) req) []result {
	e.t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = e.newRequest(build(i))
	}
	out := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = e.serve(reqs[i])
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// doAllLimited sends n requests through a fixed number of concurrent workers.
func (e *env) doAllLimited(workers, n int, build func(i int) req) []result {
	e.t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = e.newRequest(build(i))
	}
	out := make([]result, n)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				out[i] = e.serve(reqs[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// remember adds values no error body may ever hold.
func (e *env) remember(values ...string) {
	e.phi.mu.Lock()
	defer e.phi.mu.Unlock()
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			e.phi.values = append(e.phi.values, v)
		}
	}
}

func (e *env) phiValues() []string {
	e.phi.mu.Lock()
	defer e.phi.mu.Unlock()
	return append([]string(nil), e.phi.values...)
}

// createPatient creates a patient as u-admin and returns its JSON.
func (e *env) createPatient(given, family, birth string) map[string]any {
	e.t.Helper()
	return e.createPatientWith(map[string]any{"givenNames": given, "familyName": family,
		"birthDate": birth, "sex": "female"})
}

// createPatientWith creates a patient from a full body as u-admin.
func (e *env) createPatientWith(body map[string]any) map[string]any {
	e.t.Helper()
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/patients", body: body})
	if res.status != http.StatusCreated {
		e.t.Fatalf("create patient: %d %s", res.status, res.body)
	}
	p := res.json(e.t)
	e.remember(p["givenNames"].(string), p["familyName"].(string), p["birthDate"].(string),
		p["mrn"].(string))
	return p
}

// createVisit adds a visit with notes to a patient as u-clin and returns its JSON.
func (e *env) createVisit(patientID, start, notes string) map[string]any {
	e.t.Helper()
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + patientID +
		"/visits", body: map[string]any{"start": start, "reason": "check-up", "notes": notes}})
	if res.status != http.StatusCreated {
		e.t.Fatalf("create visit: %d %s", res.status, res.body)
	}
	e.remember(notes)
	return res.json(e.t)
}

// data are the objects of bad-inputs.md: P1 and P2 with visits (with notes), and the
// archived Parch.
type data struct {
	P1, P2, Parch string // patient ids
	V1, V2        string // a visit of P1 and of P2
}

func (e *env) seedData() data {
	e.t.Helper()
	var d data
	d.P1 = e.createPatient("Philippa", "Firstpatient", "1971-03-04")["id"].(string)
	d.P2 = e.createPatient("Quentin", "Secondpatient", "1982-05-06")["id"].(string)
	d.Parch = e.createPatient("Rowena", "Archivedpatient", "1963-07-08")["id"].(string)
	d.V1 = e.createVisit(d.P1, "2026-11-02T09:30:00Z", "P1 private note HIV+")["id"].(string)
	d.V2 = e.createVisit(d.P2, "2026-11-03T10:30:00Z", "P2 private note")["id"].(string)
	res := e.do(req{user: "u-admin", method: "DELETE", path: "/api/patients/" + d.Parch,
		headers: map[string]string{"If-Match": `"1"`}})
	if res.status != http.StatusOK {
		e.t.Fatalf("archive Parch: %d %s", res.status, res.body)
	}
	return d
}

// auditRow is one audit_log row, as the tests read it.
type auditRow struct {
	Seq                                    int64
	Action, Outcome, Reason                string
	Provider, UserID, Role                 string
	ObjectType, ObjectID, PatientID, ReqID string
	StaffID                                string
	At                                     time.Time
}

// audit returns the audit rows matching a condition on audit_log, in order.
func (e *env) audit(where string, args ...any) []auditRow {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		e.t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT seq, action, outcome, coalesce(reason, ''),
	    coalesce(actor_provider, ''), coalesce(actor_user_id, ''), coalesce(actor_role, ''),
	    coalesce(object_type, ''), coalesce(object_id, ''), coalesce(patient_id::text, ''),
	    coalesce(request_id, ''), coalesce(actor_staff_id::text, ''), at
	  FROM audit_log WHERE `+where+` ORDER BY seq`, args...)
	if err != nil {
		e.t.Fatalf("read audit: %v", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auditRow, error) {
		var a auditRow
		err := r.Scan(&a.Seq, &a.Action, &a.Outcome, &a.Reason, &a.Provider, &a.UserID,
			&a.Role, &a.ObjectType, &a.ObjectID, &a.PatientID, &a.ReqID, &a.StaffID, &a.At)
		return a, err
	})
	if err != nil {
		e.t.Fatalf("read audit: %v", err)
	}
	return out
}
