package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// leakMarkers are fragments of internals that no response body may carry: SQL, table and
// column names, stack traces, runtime and library names.
var leakMarkers = []string{
	"SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "SQLSTATE", "ERROR:", "pgx", "pgconn",
	"postgres", "audit_log", "patient_identifiers", "idempotency_keys", "name_compact",
	"given_names", "family_name", "birth_date", "goroutine", ".go:", "runtime.", "panic",
	"go1.", "x-ms-client-principal", "X-Ms-Client-Principal", "identityProvider",
}

// problemKeys are the only keys a problem body may hold.
var problemKeys = []string{"type", "title", "status", "code", "requestId", "errors", "detail"}

// checkProblem asserts every convention of bad-inputs.md §1 on an error response, and
// its status and code (code "" accepts any).
func (e *env) checkProblem(res result, status int, code string) {
	e.t.Helper()
	checkProblemBody(e.t, res, status, code, e.phiValues())
}

func checkProblemBody(t testing.TB, res result, status int, code string, phi []string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	h := res.header
	want := map[string]string{
		"Content-Type":           "application/problem+json; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%d: header %s = %q, want %q", status, k, got, v)
		}
	}
	checkNoLeakHeaders(t, h)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) &&
		!positiveInt(h.Get("Retry-After")) {
		t.Errorf("%d without a Retry-After in seconds: %q", status, h.Get("Retry-After"))
	}
	if status == http.StatusMethodNotAllowed && h.Get("Allow") == "" {
		t.Errorf("405 without Allow")
	}
	var p map[string]any
	if err := json.Unmarshal(res.body, &p); err != nil {
		t.Fatalf("problem body is not JSON: %v: %s", err, res.body)
	}
	for k := range p {
		if !slices.Contains(problemKeys, k) {
			t.Errorf("problem has key %q: %s", k, res.body)
		}
	}
	for _, k := range []string{"type", "title", "code", "requestId"} {
		if s, _ := p[k].(string); s == "" {
			t.Errorf("problem lacks %s: %s", k, res.body)
		}
	}
	if p["status"] != float64(status) {
		t.Errorf("problem status %v, want %d", p["status"], status)
	}
	if code != "" && p["code"] != code {
		t.Errorf("problem code %v, want %s: %s", p["code"], code, res.body)
	}
	if typ, _ := p["type"].(string); !strings.HasPrefix(typ, "urn:pt:error:") {
		t.Errorf("problem type %q", typ)
	}
	if p["requestId"] != res.requestID() {
		t.Errorf("requestId %v differs from X-Request-Id %q", p["requestId"], res.requestID())
	}
	if errs, ok := p["errors"].([]any); ok {
		for _, fe := range errs {
			m, _ := fe.(map[string]any)
			if len(m) != 2 || m["field"] == nil || m["code"] == nil {
				t.Errorf("errors[] entry %v is not {field, code}", fe)
			}
		}
	}
	checkNoLeak(t, res.body, phi)
	if status == http.StatusInternalServerError {
		checkOnlyRequestID(t, p)
	}
}

// checkOnlyRequestID: a 500 says nothing of use but its request id (E1).
func checkOnlyRequestID(t testing.TB, p map[string]any) {
	t.Helper()
	if p["code"] != "internal" || p["title"] != "Internal error" || p["detail"] != nil ||
		p["errors"] != nil {
		t.Errorf("500 problem says more than its request id: %v", p)
	}
}

func checkNoLeak(t testing.TB, body []byte, phi []string) {
	t.Helper()
	for _, m := range leakMarkers {
		if bytes.Contains(body, []byte(m)) {
			t.Errorf("body holds %q: %s", m, body)
		}
	}
	for _, v := range phi {
		if bytes.Contains(body, []byte(v)) {
			t.Errorf("error body holds patient data %q: %s", v, body)
		}
	}
}

// checkNoLeakHeaders: no versions, no CORS (E7, E10).
func checkNoLeakHeaders(t testing.TB, h http.Header) {
	t.Helper()
	for _, k := range []string{"Server", "X-Powered-By", "Access-Control-Allow-Origin",
		"Access-Control-Allow-Credentials", "X-AspNet-Version"} {
		if v := h.Get(k); v != "" {
			t.Errorf("response carries %s: %q", k, v)
		}
	}
}

// checkJSON asserts the headers of a successful JSON response (E6).
func checkJSON(t testing.TB, res result, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	for k, v := range map[string]string{"Content-Type": "application/json; charset=utf-8",
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if got := res.header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	checkNoLeakHeaders(t, res.header)
}

func positiveInt(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

// sameButRequestID asserts that two responses are byte-identical apart from the request
// id: status, every header and the body.
func sameButRequestID(t testing.TB, a, b result) {
	t.Helper()
	na, nb := normalize(a), normalize(b)
	if na.status != nb.status {
		t.Errorf("statuses differ: %d vs %d", a.status, b.status)
	}
	if !bytes.Equal(na.body, nb.body) {
		t.Errorf("bodies differ:\n%s\n%s", a.body, b.body)
	}
	keys := map[string]bool{}
	for k := range na.header {
		keys[k] = true
	}
	for k := range nb.header {
		keys[k] = true
	}
	for k := range keys {
		if !slices.Equal(na.header[k], nb.header[k]) {
			t.Errorf("header %s differs: %q vs %q", k, na.header[k], nb.header[k])
		}
	}
}

// normalize blanks the request id out of a response.
func normalize(r result) result {
	id := r.requestID()
	out := result{status: r.status, header: r.header.Clone()}
	out.header.Del("X-Request-Id")
	if id != "" {
		out.body = bytes.ReplaceAll(r.body, []byte(id), []byte("REQUEST-ID"))
	} else {
		out.body = r.body
	}
	return out
}
