package api_test

import (
	"net/http"
	"testing"
)

// TestStaffBindingByEmail: an admin adds a person by email; the first sign-in with that
// email binds the identity; nobody else can then sign in as them; roles come from the row.
func TestStaffBindingByEmail(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/staff", body: map[string]any{
		"email": "Nora.New@clinic.test", "displayName": "Nora New", "role": "frontdesk"}})
	checkJSON(t, res, http.StatusCreated)
	id := res.json(t)["id"].(string)
	if res.header.Get("Location") != "/api/staff/"+id {
		t.Errorf("Location %q", res.header.Get("Location"))
	}
	e.checkProblem(e.do(req{user: "u-admin", method: "POST", path: "/api/staff",
		body: map[string]any{"email": "nora.new@CLINIC.test", "displayName": "Again",
			"role": "admin"}}), http.StatusConflict, "email_in_use")

	nora := b64(map[string]any{"identityProvider": "aad", "userId": "aad-nora-oid",
		"userDetails": "nora.new@clinic.test", "userRoles": []string{"anonymous",
			"authenticated", "admin"}})
	res = e.do(req{method: "GET", path: "/api/me",
		headers: map[string]string{"X-Ms-Client-Principal": nora}})
	checkJSON(t, res, http.StatusOK)
	if me := res.json(t); me["role"] != "frontdesk" || me["staffId"] != id {
		t.Errorf("me %v", me)
	}
	impostor := b64(map[string]any{"identityProvider": "aad", "userId": "someone-else",
		"userDetails": "nora.new@clinic.test", "userRoles": []string{"authenticated"}})
	e.checkProblem(e.do(req{method: "GET", path: "/api/me",
		headers: map[string]string{"X-Ms-Client-Principal": impostor}}),
		http.StatusForbidden, "not_staff")

	for body, code := range map[string]string{
		`{"email":"x@clinic.test","displayName":"X","role":"superuser"}`:            "validation_failed",
		`{"email":"not-an-email","displayName":"X","role":"admin"}`:                 "validation_failed",
		`{"email":"y@clinic.test","displayName":"<b>","role":"admin"}`:              "validation_failed",
		`{"email":"z@clinic.test","displayName":"Z"}`:                               "validation_failed",
		`{"email":"w@clinic.test","displayName":"W","role":"admin","active":false}`: "unknown_field",
	} {
		res := e.do(req{user: "u-admin", method: "POST", path: "/api/staff", body: body})
		if res.status != http.StatusUnprocessableEntity && res.status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, res.status)
		}
		e.checkProblem(res, res.status, code)
	}
	// An admin cannot lock themselves out.
	self := "/api/staff/" + e.staffID["u-admin"].String()
	for _, body := range []map[string]any{{"active": false}, {"role": "clinician"}} {
		e.checkProblem(e.do(req{user: "u-admin", method: "PATCH", path: self, body: body}),
			http.StatusConflict, "self_lockout")
	}
	res = e.do(req{user: "u-admin", method: "PATCH", path: "/api/staff/" + id,
		body: map[string]any{"role": "clinician"}})
	checkJSON(t, res, http.StatusOK)
	res = e.do(req{method: "GET", path: "/api/me",
		headers: map[string]string{"X-Ms-Client-Principal": nora}})
	if res.json(t)["role"] != "clinician" {
		t.Errorf("a role change is not seen at once: %s", res.body)
	}
	e.checkProblem(e.do(req{user: "u-admin", method: "GET", path: "/api/staff/not-an-id"}),
		http.StatusNotFound, "not_found")
}
