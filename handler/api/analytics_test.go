package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"patienttracker/handler/analytics"
	"patienttracker/handler/analytics/analyticstest"
	"patienttracker/handler/postgres"
)

// analyticsEnv is an API env with two patients and five visits around the clock's
// today (2026-11-30), rolled up through 2026-11-29.
func analyticsEnv(t *testing.T) (*env, []uuid.UUID) {
	t.Helper()
	e := newEnv(t)
	pool := e.db.Pool()
	created := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := analyticstest.InsertPatient(t, pool, uuid.New(), "1990-01-01", "female", created)
	b := analyticstest.InsertPatient(t, pool, uuid.New(), "2020-06-01", "male",
		created.AddDate(0, 0, 20))
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	analyticstest.InsertVisits(t, pool, []analyticstest.Visit{
		{ID: uuid.New(), PatientID: a, Start: at(2, 10), Status: "finished", Reason: "Check-up"},
		{ID: uuid.New(), PatientID: a, Start: at(28, 9), Status: "finished", Reason: "Check-up"},
		{ID: uuid.New(), PatientID: a, Start: at(30, 14), Status: "planned", Reason: "Cough"},
		{ID: uuid.New(), PatientID: b, Start: at(28, 11), Status: "cancelled"},
		{ID: uuid.New(), PatientID: b, Start: at(29, 10), Status: "arrived", Reason: "Cough"},
	})
	_, err := e.db.RollupVisits(context.Background(), postgres.RollupInput{
		Location: time.UTC, Today: analytics.NewDay(2026, 11, 30), Window: 7, Now: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return e, []uuid.UUID{a, b}
}

type point struct {
	Period            string
	Visits            int
	MovingAverage     float64
	UniquePatients    int
	NewPatients       int
	ReturningPatients int
	ByStatus          map[string]int
}

func points(t *testing.T, res result) []point {
	t.Helper()
	body := res.json(t)
	var out []point
	for _, raw := range body["points"].([]any) {
		p := raw.(map[string]any)
		bs := map[string]int{}
		for k, v := range p["byStatus"].(map[string]any) {
			bs[k] = int(v.(float64))
		}
		out = append(out, point{Period: p["period"].(string), Visits: num(p["visits"]),
			MovingAverage: p["movingAverage"].(float64), UniquePatients: num(p["uniquePatients"]),
			NewPatients: num(p["newPatients"]), ReturningPatients: num(p["returningPatients"]),
			ByStatus: bs})
	}
	return out
}

func num(v any) int { return int(v.(float64)) }

// getChecked sends a GET to an analytics or events route and checks the answer against
// openapi.json.
func (e *env) getChecked(t *testing.T, user, pattern, query string) result {
	t.Helper()
	path := pattern
	if query != "" {
		path += "?" + query
	}
	res := e.do(req{user: user, method: "GET", path: path})
	loadSpec(t).check(t, "GET", pattern, res.status, res.header.Get("Content-Type"), res.body)
	return res
}

func TestVisitTrendsRoute(t *testing.T) {
	t.Parallel()
	e, ids := analyticsEnv(t)
	get := func(q string) result {
		return e.getChecked(t, "u-analyst", "/api/analytics/visits", q)
	}

	t.Run("DaysFromRollupsPlusTodayLive", func(t *testing.T) {
		res := get("from=2026-11-27&to=2026-11-30&granularity=day")
		if res.status != http.StatusOK {
			t.Fatalf("%d %s", res.status, res.body)
		}
		want := []point{
			{"2026-11-27", 0, 0, 0, 0, 0, map[string]int{}},
			{"2026-11-28", 1, 0.14, 1, 0, 1, map[string]int{"finished": 1, "cancelled": 1}},
			{"2026-11-29", 1, 0.29, 1, 1, 0, map[string]int{"arrived": 1}},
			{"2026-11-30", 1, 0.43, 1, 0, 1, map[string]int{"planned": 1}},
		}
		if diff := cmp.Diff(points(t, res), want); diff != "" {
			t.Errorf("points (-got +want):\n%s", diff)
		}
		body := res.json(t)
		if body["rolledUpThrough"] != "2026-11-29" {
			t.Errorf("rolledUpThrough = %v", body["rolledUpThrough"])
		}
		top := body["topReasons"].([]any)
		if len(top) != 2 || top[0].(map[string]any)["reason"] != "Cough" {
			t.Errorf("topReasons = %v", top)
		}
		for _, id := range ids {
			if strings.Contains(string(res.body), id.String()) {
				t.Fatal("a patient id appears in the analytics answer")
			}
		}
	})

	t.Run("WeeksAndMonths", func(t *testing.T) {
		res := get("from=2026-11-23&granularity=week")
		got := points(t, res)
		if len(got) != 2 || got[0].Visits != 2 || got[0].UniquePatients != 2 ||
			got[0].NewPatients != 1 || got[0].ReturningPatients != 1 || got[1].Visits != 1 {
			t.Errorf("weeks = %+v", got)
		}
		res = get("from=2026-11-01&granularity=month")
		got = points(t, res)
		if len(got) != 1 || got[0].Visits != 4 || got[0].UniquePatients != 2 ||
			got[0].NewPatients != 2 || got[0].ReturningPatients != 0 {
			t.Errorf("months = %+v", got)
		}
	})

	t.Run("Roles", func(t *testing.T) {
		for user, want := range map[string]int{"u-analyst": 200, "u-clin": 200,
			"u-admin": 200, "u-front": 403} {
			res := e.getChecked(t, user, "/api/analytics/visits", "")
			if res.status != want {
				t.Errorf("%s: %d, want %d", user, res.status, want)
			}
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		for q, want := range map[string]struct {
			status      int
			field, code string
		}{
			"granularity=year":                  {422, "granularity", "oneof"},
			"from=2026-02-30":                   {400, "from", "invalid_date"},
			"to=30/11/2026":                     {400, "to", "invalid_date"},
			"to=2026-12-01":                     {422, "to", "future_date"},
			"from=2026-11-20&to=2026-11-10":     {422, "to", "before_from"},
			"from=2020-01-01&granularity=day":   {422, "from", "range_too_long"},
			"from=1899-12-31&granularity=month": {422, "from", "out_of_range"},
			"patientId=x":                       {400, "patientId", "unknown_field"},
			"from=2026-11-01&from=2026-11-02":   {400, "from", "repeated_parameter"},
		} {
			res := get(q)
			if res.status != want.status {
				t.Errorf("%s: %d %s, want %d", q, res.status, res.body, want.status)
				continue
			}
			errs, _ := res.json(t)["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != want.field ||
				errs[0].(map[string]any)["code"] != want.code {
				t.Errorf("%s: errors %v, want %s/%s", q, errs, want.field, want.code)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct,
				"application/problem+json") {
				t.Errorf("%s: content type %q", q, ct)
			}
		}
	})
}

func TestPatientStatsRoute(t *testing.T) {
	t.Parallel()
	e, ids := analyticsEnv(t)
	res := e.getChecked(t, "u-clin", "/api/analytics/patients",
		"from=2026-10-01&granularity=month")
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	body := res.json(t)
	if num(body["total"]) != 2 || num(body["active"]) != 2 || num(body["archived"]) != 0 {
		t.Errorf("totals: %s", res.body)
	}
	bands := map[string]int{}
	for _, b := range body["ageBands"].([]any) {
		bands[b.(map[string]any)["band"].(string)] = num(b.(map[string]any)["patients"])
	}
	if bands["35-49"] != 1 || bands["5-17"] != 1 || bands["80+"] != 0 {
		t.Errorf("age bands on 2026-11-30: %v", bands)
	}
	sex := body["bySex"].(map[string]any)
	if num(sex["female"]) != 1 || num(sex["male"]) != 1 {
		t.Errorf("bySex = %v", sex)
	}
	pts := body["newPatients"].(map[string]any)["points"].([]any)
	if len(pts) != 2 {
		t.Fatalf("newPatients points = %v", pts)
	}
	nov := pts[1].(map[string]any)
	if nov["period"] != "2026-11-01" || num(nov["registered"]) != 2 ||
		num(nov["firstVisits"]) != 2 {
		t.Errorf("November = %v", nov)
	}
	for _, id := range ids {
		if strings.Contains(string(res.body), id.String()) {
			t.Fatal("a patient id appears in the patient statistics")
		}
	}
	if res := e.do(req{user: "u-front", method: "GET",
		path: "/api/analytics/patients"}); res.status != http.StatusForbidden {
		t.Errorf("frontdesk: %d, want 403", res.status)
	}
}

func TestEventsRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.createPatient("Ada", "Tester", "1980-01-02")
	}
	res := e.getChecked(t, "u-admin", "/api/events", "limit=2")
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	body := res.json(t)
	items := body["items"].([]any)
	if len(items) != 2 || body["nextCursor"] == nil {
		t.Fatalf("first page: %s", res.body)
	}
	ev := items[0].(map[string]any)
	if ev["specversion"] != "1.0" || ev["type"] != postgres.EventPatientCreated ||
		ev["publishedAt"] != nil || ev["datacontenttype"] != "application/json" {
		t.Errorf("event = %v", ev)
	}
	if strings.Contains(string(res.body), "Tester") {
		t.Error("an event carries a patient's name")
	}
	res = e.getChecked(t, "u-admin", "/api/events",
		"pending=true&cursor="+body["nextCursor"].(string))
	if items := res.json(t)["items"].([]any); len(items) != 1 {
		t.Errorf("second page: %s", res.body)
	}
	for user, want := range map[string]int{"u-clin": 403, "u-analyst": 403, "u-front": 403} {
		if res := e.do(req{user: user, method: "GET", path: "/api/events"}); res.status != want {
			t.Errorf("%s: %d, want %d", user, res.status, want)
		}
	}
	for q, want := range map[string]int{"cursor=AAAA": 400, "limit=x": 400,
		"pending=maybe": 400, "q=1": 400} {
		if res := e.getChecked(t, "u-admin", "/api/events", q); res.status != want {
			t.Errorf("%s: %d, want %d", q, res.status, want)
		}
	}
}
