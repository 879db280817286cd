package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"patienttracker/handler/api"
)

// TestL1_SearchRateLimit: 1,000 searches in one minute from one user; past the limit each
// is 429 with Retry-After and an anomaly audit event; the limit is per user and per
// instance, and it refills with time.
func TestL1_SearchRateLimit(t *testing.T) {
	t.Parallel()
	// The clock stands still, so exactly the burst (a sixth of the per-minute limit) passes.
	e := newEnv(t, func(c *api.Config) { c.SearchPerMinute = 300 })
	results := e.doAllLimited(8, 1000, func(int) req {
		return req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": "lee"}}
	})
	var ok, limited int
	var last result
	for _, res := range results {
		switch res.status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			last = res
		default:
			t.Fatalf("status %d: %s", res.status, res.body)
		}
	}
	if ok != 50 || limited != 950 {
		t.Errorf("%d allowed and %d limited, want 50 and 950", ok, limited)
	}
	e.checkProblem(last, http.StatusTooManyRequests, "rate_limited")
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'rate_limited' " +
		"AND reason = 'search' AND actor_user_id = 'u-clin'"); n == 0 {
		t.Error("no anomaly audit event")
	}
	// Another user is unaffected; reads are a separate budget.
	checkJSON(t, e.do(req{user: "u-front", method: "POST", path: "/api/patients/search",
		body: map[string]any{}}), http.StatusOK)
	checkJSON(t, e.do(req{user: "u-clin", method: "GET", path: "/api/me"}), http.StatusOK)
	// A minute later the budget is back.
	e.clock.Add(time.Minute)
	checkJSON(t, e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{}}), http.StatusOK)
}

// TestL2_Pagination: page sizes are capped, nonsense sizes fall back to the default, and
// a tampered cursor is 400 on every paged route.
func TestL2_Pagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	_, err := e.conn().Exec(context.Background(), `INSERT INTO patients (id, mrn, given_names,
	    family_name, name_folded, name_compact, sort_name, birth_date, sex, created_at,
	    updated_at)
	  SELECT gen_random_uuid(), 'PT-9' || lpad(g::text, 6, '0') || '-0', 'Bulk', 'Row' || g,
	    'bulk row' || g, 'bulkrow' || g, 'row' || g || ' bulk', date '1980-01-01' + g, 'other',
	    now(), now()
	  FROM generate_series(1, 120) g`)
	if err != nil {
		t.Fatal(err)
	}
	for limit, want := range map[int]int{1000000: 100, 0: 25, -1: 25, 7: 7} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"limit": limit}})
		checkJSON(t, res, http.StatusOK)
		if n := len(res.json(t)["items"].([]any)); n != want {
			t.Errorf("limit %d: %d items, want %d", limit, n, want)
		}
	}
	for _, body := range []map[string]any{{"cursor": "AAAA"}, {"cursor": "%%%"},
		{"cursor": "eyJrIjoxfQ"}} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: body})
		e.checkProblem(res, http.StatusBadRequest, "invalid_cursor")
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{"limit": "10"}})
	e.checkProblem(res, http.StatusBadRequest, "type_mismatch")

	visits := "/api/patients/" + d.P1 + "/visits"
	for _, q := range []string{"?limit=1000000", "?limit=0", "?limit=-1"} {
		checkJSON(t, e.do(req{user: "u-clin", method: "GET", path: visits + q}), http.StatusOK)
	}
	for q, code := range map[string]string{"?cursor=AAAA": "invalid_cursor",
		"?limit=abc": "invalid_limit", "?cursor=W10": "invalid_cursor"} {
		e.checkProblem(e.do(req{user: "u-clin", method: "GET", path: visits + q}),
			http.StatusBadRequest, code)
	}
	for q, code := range map[string]string{"?cursor=AAAA": "invalid_cursor",
		"?limit=x": "invalid_limit", "?patientId=1": "invalid_id", "?from=yesterday": "invalid_time"} {
		e.checkProblem(e.do(req{user: "u-admin", method: "GET", path: "/api/audit" + q}),
			http.StatusBadRequest, code)
	}
	res = e.do(req{user: "u-admin", method: "GET", path: "/api/audit?limit=1000000"})
	checkJSON(t, res, http.StatusOK)
	if n := len(res.json(t)["items"].([]any)); n > 100 {
		t.Errorf("audit page of %d rows", n)
	}
}
