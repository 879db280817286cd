package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// Faults a new user found by hand; each was a 500 before.
func TestRegressions_UserMistakesAreNot500(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.createPatient("Ann", "Lee", "1980-01-0"+string(rune('1'+i)))
	}
	p := e.createPatient("Zoë", "O'Brien", "1984-02-29")
	id := p["id"].(string)

	t.Run("CursorFromAnotherSort", func(t *testing.T) {
		page := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"limit": 1, "sort": "name"}})
		cur, _ := page.json(t)["nextCursor"].(string)
		if cur == "" {
			t.Fatalf("no cursor: %s", page.body)
		}
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"limit": 1, "sort": "birthDate", "cursor": cur}})
		wantCode(t, res, http.StatusBadRequest, "invalid_cursor")
	})
	t.Run("TamperedCursorKey", func(t *testing.T) {
		for _, key := range []string{"notadate", "2024-02-30", "' OR 1=1--"} {
			raw, _ := json.Marshal(map[string]any{"s": "birthDate", "k": key, "i": uuid.New()})
			res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
				body: map[string]any{"sort": "birthDate",
					"cursor": base64.RawURLEncoding.EncodeToString(raw)}})
			wantCode(t, res, http.StatusBadRequest, "invalid_cursor")
		}
	})
	t.Run("UnknownClinician", func(t *testing.T) {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + id + "/visits",
			body: map[string]any{"start": "2026-11-01T10:00:00Z",
				"clinicianId": uuid.NewString()}})
		wantCode(t, res, http.StatusUnprocessableEntity, "invalid_reference")
	})
	t.Run("NulInNotes", func(t *testing.T) {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + id + "/visits",
			body: map[string]any{"start": "2026-11-01T10:00:00Z", "notes": "A\u0000B"}})
		wantCode(t, res, http.StatusUnprocessableEntity, "validation_failed")
	})
	t.Run("NulInPrincipal", func(t *testing.T) {
		b, _ := json.Marshal(map[string]any{"identityProvider": "aad", "userId": "u-clin\u0000",
			"userDetails": "u-clin@clinic.test", "userRoles": []string{"authenticated"}})
		res := e.do(req{method: "GET", path: "/api/me", headers: map[string]string{
			"X-Ms-Client-Principal": base64.StdEncoding.EncodeToString(b)}})
		wantCode(t, res, http.StatusUnauthorized, "invalid_principal")
	})
}

func wantCode(t *testing.T, res result, status int, code string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	if got := res.json(t)["code"]; got != code {
		t.Errorf("code %v, want %s: %s", got, code, res.body)
	}
}
