package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// b64 is P(json) of bad-inputs.md.
func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.StdEncoding.EncodeToString(b)
}

// publicRoutes answer without sign-in: liveness and readiness only (A1).
var publicRoutes = map[string]bool{
	"GET /api/health": true, "GET /api/health/ready": true,
}

// concrete fills a route pattern's wildcards with id.
func concrete(pattern, id string) string {
	for {
		i := strings.Index(pattern, "{")
		if i < 0 {
			return pattern
		}
		j := strings.Index(pattern[i:], "}")
		pattern = pattern[:i] + id + pattern[i+j+1:]
	}
}

// routeRequest is a plausible request for a route: an empty JSON body for writes and a
// version for the routes that need one.
func routeRequest(user, method, pattern, id string) req {
	r := req{user: user, method: method, path: concrete(pattern, id)}
	if method == http.MethodPost || method == http.MethodPatch {
		r.body = map[string]any{}
	}
	if method == http.MethodPatch || method == http.MethodDelete {
		r.headers = map[string]string{"If-Match": `"1"`}
	}
	return r
}

func TestA1_NoPrincipal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := "7f1d3b4e-8f77-4d0c-9a53-2b5d8f0c6a11"
	for _, rt := range e.srv.Routes() {
		if publicRoutes[rt[0]+" "+rt[1]] {
			continue
		}
		t.Run(rt[0]+" "+rt[1], func(t *testing.T) {
			before := e.stmts.n.Load()
			res := e.do(routeRequest("", rt[0], rt[1], id))
			e.checkProblem(res, http.StatusUnauthorized, "unauthenticated")
			if n := e.stmts.n.Load() - before; n != 0 {
				t.Errorf("%d SQL statements ran before the 401", n)
			}
			if !strings.Contains(e.logs.String(), `"code":"unauthenticated"`) {
				t.Errorf("the refusal is not logged with its reason")
			}
		})
	}
	// The public routes answer without a principal.
	res := e.do(req{method: "GET", path: "/api/health"})
	checkJSON(t, res, http.StatusOK)
}

// TestA_BadPrincipals covers A2, A3, A4, A7, A8 and A15: each a 401 before any query.
func TestA_BadPrincipals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	valid := map[string]any{"identityProvider": "aad", "userId": "u-admin",
		"userDetails": "u-admin@clinic.test", "userRoles": []string{"anonymous", "authenticated"}}
	long := map[string]any{}
	for k, v := range valid {
		long[k] = v
	}
	long["userDetails"] = strings.Repeat("a", 12000) + "@clinic.test"
	tests := []struct {
		name, header, code string
	}{
		{"A2_NotBase64", "not-base64!!", "invalid_principal"},
		{"A2_NotJSON", base64.StdEncoding.EncodeToString([]byte("hello")), "invalid_principal"},
		{"A3_EmptyObject", b64(map[string]any{}), "incomplete_principal"},
		{"A4_EmptyUserID", b64(map[string]any{"identityProvider": "aad", "userId": "",
			"userRoles": []string{"authenticated"}}), "incomplete_principal"},
		{"A4_NotAuthenticated", b64(map[string]any{"identityProvider": "aad",
			"userId": "u-admin", "userRoles": []string{"anonymous"}}), "incomplete_principal"},
		{"A7_ProviderNotAllowed", b64(map[string]any{"identityProvider": "github",
			"userId": "u-admin", "userDetails": "u-admin@clinic.test",
			"userRoles": []string{"anonymous", "authenticated"}}), "provider_not_allowed"},
		{"A8_Oversized", strings.Repeat("QUFB", 4096), "invalid_principal"},
		{"A8_OversizedButValid", b64(long), "invalid_principal"},
		{"A15_AppServiceShape", b64(map[string]any{"auth_typ": "aad", "claims": []any{
			map[string]any{"typ": "roles", "val": "admin"}}, "name_typ": "name",
			"role_typ": "roles"}), "invalid_principal"},
		{"A15_MixedShape", b64(map[string]any{"identityProvider": "aad", "userId": "u-admin",
			"userRoles": []string{"authenticated"}, "auth_typ": "aad"}), "invalid_principal"},
		{"URLSafeBase64", base64.RawURLEncoding.EncodeToString([]byte(`{"a":"??>"}`)),
			"invalid_principal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/api/me", "/api/patients/search"} {
				before := e.stmts.n.Load()
				method := "GET"
				var body any
				if path == "/api/patients/search" {
					method, body = "POST", map[string]any{}
				}
				res := e.do(req{method: method, path: path, body: body,
					headers: map[string]string{"X-Ms-Client-Principal": tt.header}})
				e.checkProblem(res, http.StatusUnauthorized, tt.code)
				if n := e.stmts.n.Load() - before; n != 0 {
					t.Errorf("%d SQL statements ran before the 401", n)
				}
			}
		})
	}
}

// TestA5_RolesInHeaderEarnNothing: the header's "admin" role is ignored; the role comes
// from the staff row, and a principal with no staff row gets 403, audited.
func TestA5_RolesInHeaderEarnNothing(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	attacker := b64(map[string]any{"identityProvider": "aad", "userId": "attacker",
		"userDetails": "x", "userRoles": []string{"anonymous", "authenticated", "admin"}})
	res := e.do(req{method: "GET", path: "/api/audit",
		headers: map[string]string{"X-Ms-Client-Principal": attacker}})
	e.checkProblem(res, http.StatusForbidden, "not_staff")
	rows := e.audit("request_id = $1", res.requestID())
	if len(rows) != 1 || rows[0].Action != "authz_denied" || rows[0].Reason != "unknown_user" ||
		rows[0].UserID != "attacker" {
		t.Errorf("audit rows %+v, want one authz_denied unknown_user", rows)
	}

	front := b64(map[string]any{"identityProvider": "aad", "userId": "u-front",
		"userDetails": "u-front@clinic.test",
		"userRoles":   []string{"anonymous", "authenticated", "admin"}})
	res = e.do(req{method: "GET", path: "/api/audit",
		headers: map[string]string{"X-Ms-Client-Principal": front}})
	e.checkProblem(res, http.StatusForbidden, "forbidden")
	res = e.do(req{method: "GET", path: "/api/me",
		headers: map[string]string{"X-Ms-Client-Principal": front}})
	checkJSON(t, res, http.StatusOK)
	if role := res.json(t)["role"]; role != "frontdesk" {
		t.Errorf("role %v, want frontdesk", role)
	}
}

// TestA11_DisabledStaff: a disabled staff member gets 403 at once (no role cache), and
// the refusal is audited as authz_denied with reason user_disabled.
func TestA11_DisabledStaff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	res := e.do(req{user: "u-off", method: "GET", path: "/api/patients/" + d.P1})
	e.checkProblem(res, http.StatusForbidden, "not_staff")
	rows := e.audit("request_id = $1", res.requestID())
	if len(rows) != 1 || rows[0].Action != "authz_denied" || rows[0].Reason != "user_disabled" ||
		rows[0].Outcome != "denied" || rows[0].StaffID != e.staffID["u-off"].String() {
		t.Errorf("audit rows %+v, want one authz_denied user_disabled", rows)
	}

	// Disabling an active member takes effect on their very next request.
	res = e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1})
	checkJSON(t, res, http.StatusOK)
	res = e.do(req{user: "u-admin", method: "PATCH",
		path: "/api/staff/" + e.staffID["u-clin"].String(), body: map[string]any{"active": false}})
	checkJSON(t, res, http.StatusOK)
	res = e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1})
	e.checkProblem(res, http.StatusForbidden, "not_staff")
	if rows := e.audit("request_id = $1", res.requestID()); len(rows) != 1 ||
		rows[0].Reason != "user_disabled" {
		t.Errorf("audit rows %+v, want one user_disabled", rows)
	}
}

// TestA12_NoRolesFunction: the design takes roles from the staff table only; there is no
// roles source route to send claims to.
func TestA12_NoRolesFunction(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, rt := range e.srv.Routes() {
		if strings.Contains(strings.ToLower(rt[1]), "role") {
			t.Errorf("route %s %s looks like a roles source", rt[0], rt[1])
		}
	}
	res := e.do(req{method: "POST", path: "/api/roles", body: map[string]any{
		"identityProvider": "aad", "userId": "new",
		"claims": []any{map[string]any{"typ": "roles", "val": "admin"}}}})
	e.checkProblem(res, http.StatusNotFound, "not_found")
}
