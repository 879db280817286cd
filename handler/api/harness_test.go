package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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

// stmtCounter counts SQL statements, to prove that some requests run none.
type stmtCounter struct{ n atomic.Int64 }

func (c *stmtCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn,
	_ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *stmtCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// env is a running API on a database of its own, with the staff rows of
// ../shared/bad-inputs.md: u-admin, u-clin, u-front, u-analyst and the disabled u-off.
type env struct {
	t       testing.TB
	srv     *api.Server
	db      *postgres.DB
	dbURL   string
	clock   *testClock
	stmts   *stmtCounter
	staffID map[string]uuid.UUID
}

var seedStaff = []struct {
	user, role string
	active     bool
}{
	{"u-admin", "admin", true}, {"u-clin", "clinician", true}, {"u-front", "frontdesk", true},
	{"u-analyst", "analyst", true}, {"u-off", "clinician", false},
}

func newEnv(t testing.TB, opts ...func(*api.Config)) *env {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	stmts := &stmtCounter{}
	db, err := postgres.Open(context.Background(), postgres.Options{URL: dbURL,
		Now: clock.Now, Tracer: stmts, StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open db: %v", err)
	}
	t.Cleanup(db.Close)
	e := &env{t: t, db: db, dbURL: dbURL, clock: clock, stmts: stmts,
		staffID: map[string]uuid.UUID{}}
	e.seedStaff()
	cfg := api.Config{AllowedProviders: []string{"aad"}, ClinicLocation: time.UTC}
	for _, o := range opts {
		o(&cfg)
	}
	e.srv = api.New(db, cfg, zerolog.Nop(), clock.Now)
	return e
}

func (e *env) seedStaff() {
	e.t.Helper()
	conn, err := pgx.Connect(context.Background(), e.dbURL)
	if err != nil {
		e.t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
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

func (e *env) do(r req) result {
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
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	// Every response is checked against the OpenAPI description.
	if pattern, ok := routePattern(e.srv.Routes(), r.method, r.path); ok &&
		r.method != http.MethodHead {
		loadSpec(e.t).check(e.t, r.method, pattern, res.status,
			res.header.Get("Content-Type"), res.body)
	}
	return res
}

// createPatient creates a patient as u-admin and returns its JSON.
func (e *env) createPatient(given, family, birth string) map[string]any {
	e.t.Helper()
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/patients",
		body: map[string]any{"givenNames": given, "familyName": family, "birthDate": birth,
			"sex": "female"}})
	if res.status != http.StatusCreated {
		e.t.Fatalf("create patient: %d %s", res.status, res.body)
	}
	return res.json(e.t)
}
