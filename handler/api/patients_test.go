package api_test

import (
	"net/http"
	"testing"
)

func TestCreateReadSearchPatient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.createPatient("Zoë", "Godínez-Núñez", "1984-02-29")
	id := p["id"].(string)

	got := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + id})
	if got.status != http.StatusOK || got.header.Get("ETag") != `"1"` {
		t.Fatalf("get: %d %q %s", got.status, got.header.Get("ETag"), got.body)
	}
	if name := got.json(t)["givenNames"]; name != "Zoë" {
		t.Errorf("givenNames = %q, want Zoë", name)
	}

	for _, q := range []string{"zoe", "ZOE", "nunez", "Godí", "zoe\u0308"} {
		res := e.do(req{user: "u-front", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": q}})
		if res.status != http.StatusOK {
			t.Fatalf("search %q: %d %s", q, res.status, res.body)
		}
		if n := res.json(t)["total"]; n != float64(1) {
			t.Errorf("search %q: total %v, want 1", q, n)
		}
	}
}
