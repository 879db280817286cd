package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestArchivedPatientLifecycle: an archived patient is still returned with archivedAt,
// refuses edits and new visits with 409 archived until an admin restores it, and is left
// out of searches unless asked for.
func TestArchivedPatientLifecycle(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	res := e.do(req{user: "u-front", method: "GET", path: "/api/patients/" + d.Parch})
	checkJSON(t, res, http.StatusOK)
	p := res.json(t)
	if p["archivedAt"] == nil || res.header.Get("ETag") != `"2"` {
		t.Fatalf("archived patient read: %s", res.body)
	}
	e.checkProblem(e.do(req{user: "u-clin", method: "POST",
		path: "/api/patients/" + d.Parch + "/visits",
		body: map[string]any{"start": "2026-11-30T09:00:00Z"}}), http.StatusConflict, "archived")
	e.checkProblem(e.do(req{user: "u-clin", method: "DELETE", path: "/api/patients/" + d.Parch,
		headers: map[string]string{"If-Match": `"2"`}}), http.StatusConflict, "archived")

	search := func(archived string) []string {
		body := map[string]any{"q": "archivedpatient"}
		if archived != "" {
			body["archived"] = archived
		}
		return e.searchNames(body)
	}
	if got := search(""); slices.Contains(got, "Archivedpatient") {
		t.Error("an archived patient is listed by default")
	}
	for _, mode := range []string{"include", "only"} {
		if got := search(mode); !slices.Contains(got, "Archivedpatient") {
			t.Errorf("archived=%s leaves the archived patient out", mode)
		}
	}
	if got := e.searchNames(map[string]any{"q": "firstpatient", "archived": "only"}); len(got) != 0 {
		t.Errorf("archived=only lists active patients: %v", got)
	}

	res = e.do(req{user: "u-admin", method: "POST", path: "/api/patients/" + d.Parch + "/restore",
		headers: map[string]string{"If-Match": `"2"`}})
	checkJSON(t, res, http.StatusOK)
	if res.json(t)["archivedAt"] != nil || res.header.Get("ETag") != `"3"` {
		t.Errorf("restored: %s", res.body)
	}
	e.checkProblem(e.do(req{user: "u-admin", method: "POST", path: "/api/patients/" + d.Parch +
		"/restore"}), http.StatusConflict, "not_archived")
	checkJSON(t, e.do(req{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.Parch,
		body:    map[string]any{"familyName": "Archivedpatient"},
		headers: map[string]string{"If-Match": `"3"`}}), http.StatusOK)
}

// TestVisitLifecycle: a visit is cancelled through a status change; finished and
// cancelled visits follow the transition rules; ETags move with each change.
func TestVisitLifecycle(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	step := func(version, status string, want int) result {
		t.Helper()
		res := e.do(req{user: "u-front", method: "PATCH", path: "/api/visits/" + d.V1,
			body: map[string]any{"status": status}, headers: map[string]string{"If-Match": version}})
		if res.status != want {
			t.Fatalf("%s at %s: %d %s", status, version, res.status, res.body)
		}
		return res
	}
	res := step(`"1"`, "cancelled", http.StatusOK)
	if res.header.Get("ETag") != `"2"` || res.json(t)["status"] != "cancelled" {
		t.Errorf("cancel: %s %s", res.header.Get("ETag"), res.body)
	}
	e.checkProblem(step(`"2"`, "finished", http.StatusUnprocessableEntity),
		http.StatusUnprocessableEntity, "validation_failed")
	step(`"2"`, "planned", http.StatusOK)
	step(`"3"`, "arrived", http.StatusOK)
	step(`"4"`, "in-progress", http.StatusOK)
	step(`"5"`, "finished", http.StatusOK)
	e.checkProblem(step(`"6"`, "planned", http.StatusUnprocessableEntity),
		http.StatusUnprocessableEntity, "validation_failed")
	step(`"6"`, "entered-in-error", http.StatusOK)
	e.checkProblem(step(`"6"`, "entered-in-error", http.StatusPreconditionFailed),
		http.StatusPreconditionFailed, "version_mismatch")

	res = e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1 + "/visits?limit=1"})
	checkJSON(t, res, http.StatusOK)
	page := res.json(t)
	if items := page["items"].([]any); len(items) != 1 || page["nextCursor"] != nil {
		t.Errorf("one visit, one page: %s", res.body)
	}
}

// TestVisitPaging walks a patient's visits two at a time: each visit once, newest first,
// ties on the start time broken by id.
func TestVisitPaging(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	p := e.createPatient("Paged", "Visits", "1970-01-01")["id"].(string)
	want := map[string]bool{}
	for _, start := range []string{"2026-11-01T09:00:00Z", "2026-11-02T09:00:00Z",
		"2026-11-02T09:00:00Z", "2026-11-02T09:00:00Z", "2026-11-03T09:00:00Z"} {
		want[e.createVisit(p, start, "paging note")["id"].(string)] = true
	}
	seen := map[string]bool{}
	var starts []string
	path := "/api/patients/" + p + "/visits?limit=2"
	for page := 0; path != ""; page++ {
		if page > 10 {
			t.Fatal("no end to the pages")
		}
		res := e.do(req{user: "u-clin", method: "GET", path: path})
		checkJSON(t, res, http.StatusOK)
		m := res.json(t)
		for _, it := range m["items"].([]any) {
			v := it.(map[string]any)
			if seen[v["id"].(string)] {
				t.Errorf("visit %s listed twice", v["id"])
			}
			seen[v["id"].(string)] = true
			starts = append(starts, v["start"].(string))
		}
		path = ""
		if next, ok := m["nextCursor"].(string); ok {
			path = "/api/patients/" + p + "/visits?limit=2&cursor=" + next
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d visits listed, want %d", len(seen), len(want))
	}
	if !slices.IsSortedFunc(starts, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("not newest first: %v", starts)
	}
}
