package api_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"patienttracker/handler/api"
	"patienttracker/handler/staff"
)

var allRoles = []staff.Role{staff.Admin, staff.Clinician, staff.Frontdesk, staff.Analyst}

// specPolicy is the role table of bad-inputs.md §2 for the core service's permissions.
var specPolicy = map[staff.Permission][]staff.Role{
	staff.ReadSelf:        allRoles,
	staff.ReadPatients:    {staff.Admin, staff.Clinician, staff.Frontdesk},
	staff.WritePatients:   {staff.Admin, staff.Clinician, staff.Frontdesk},
	staff.ArchivePatients: {staff.Admin, staff.Clinician},
	staff.RestorePatients: {staff.Admin},
	staff.ReadVisits:      {staff.Admin, staff.Clinician, staff.Frontdesk},
	staff.WriteVisits:     {staff.Admin, staff.Clinician, staff.Frontdesk},
	staff.ReadVisitNotes:  {staff.Admin, staff.Clinician},
	staff.ReadAnalytics:   {staff.Admin, staff.Clinician, staff.Analyst},
	staff.ReadAudit:       {staff.Admin},
	staff.ManageStaff:     {staff.Admin},
	staff.RunExports:      {staff.Admin},
}

// TestZ7_RoleTableMatchesSpec checks staff.Role.Can, the one table the route walk derives
// its expectations from, against the role table of bad-inputs.md.
func TestZ7_RoleTableMatchesSpec(t *testing.T) {
	t.Parallel()
	for perm, roles := range specPolicy {
		for _, role := range allRoles {
			if want := slices.Contains(roles, role); role.Can(perm) != want {
				t.Errorf("%s.Can(%s) = %v, want %v", role, perm, !want, want)
			}
		}
	}
}

// matrixUser is a caller in the route walk: a role's staff member, or one who may never
// get past authentication.
type matrixUser struct {
	user string
	role staff.Role // "" for disabled or unknown staff: 403 on every signed-in route
}

var matrixUsers = []matrixUser{
	{"u-admin", staff.Admin}, {"u-clin", staff.Clinician}, {"u-front", staff.Frontdesk},
	{"u-analyst", staff.Analyst}, {"u-off", ""}, {"u-nobody", ""},
}

// objectFor picks an existing object of the kind a route's {id} names.
func objectFor(e *env, d data, pattern string) string {
	switch {
	case strings.HasPrefix(pattern, "/api/visits/"):
		return d.V1
	case strings.HasPrefix(pattern, "/api/staff/"):
		return e.staffID["u-clin"].String()
	default:
		return d.P1
	}
}

// TestZ7_RouteRoleMatrix walks every route for every role. A role without the route's
// permission gets 403 decided from the role alone: byte-identical for an existing and a
// random id. Every other role gets past authorisation (any status but 403).
func TestZ7_RouteRoleMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	for _, rt := range e.srv.Routes() {
		perm, _ := e.srv.RoutePermission(rt[0], rt[1])
		for _, u := range matrixUsers {
			want403 := perm != "" && (u.role == "" || !u.role.Can(perm))
			t.Run(rt[0]+" "+rt[1]+" as "+u.user, func(t *testing.T) {
				res := e.do(routeRequest(u.user, rt[0], rt[1], objectFor(e, d, rt[1])))
				if !want403 {
					if res.status == http.StatusForbidden {
						t.Fatalf("403 for a role that may use the route: %s", res.body)
					}
					if res.status >= 400 { // whatever the fault, the §1 conventions hold
						e.checkProblem(res, res.status, "")
					}
					return
				}
				code := "forbidden"
				if u.role == "" {
					code = "not_staff"
				}
				e.checkProblem(res, http.StatusForbidden, code)
				if strings.Contains(rt[1], "{") {
					random := e.do(routeRequest(u.user, rt[0], rt[1], uuid.NewString()))
					e.checkProblem(random, http.StatusForbidden, code)
					sameButRequestID(t, res, random)
				}
			})
		}
	}
}

// TestZ7_NamedRefusals are the refusals bad-inputs.md names one by one.
func TestZ7_NamedRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	staffPath := "/api/staff/" + e.staffID["u-analyst"].String()
	cases := []req{
		{user: "u-front", method: "DELETE", path: "/api/patients/" + d.P1,
			headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-front", method: "GET", path: "/api/audit"},
		{user: "u-front", method: "PATCH", path: staffPath, body: map[string]any{"active": false}},
		{user: "u-front", method: "POST", path: "/api/patients/" + d.P1 + "/visits",
			body: map[string]any{"start": "2026-11-30T09:00:00Z", "notes": "x"}},
		{user: "u-front", method: "PATCH", path: "/api/visits/" + d.V1,
			body: map[string]any{"notes": "x"}, headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-front", method: "POST", path: "/api/patients/" + d.Parch + "/restore"},
		{user: "u-clin", method: "GET", path: "/api/audit"},
		{user: "u-clin", method: "PATCH", path: staffPath, body: map[string]any{"active": false}},
		{user: "u-clin", method: "POST", path: "/api/staff", body: map[string]any{
			"email": "x@clinic.test", "displayName": "X", "role": "admin"}},
		{user: "u-clin", method: "POST", path: "/api/patients/" + d.Parch + "/restore"},
		{user: "u-analyst", method: "GET", path: "/api/patients/" + d.P1},
		{user: "u-analyst", method: "POST", path: "/api/patients/search", body: map[string]any{}},
		{user: "u-analyst", method: "GET", path: "/api/patients/" + d.P1 + "/visits"},
		{user: "u-analyst", method: "GET", path: "/api/visits/" + d.V1},
	}
	for _, c := range cases {
		t.Run(c.user+" "+c.method+" "+c.path, func(t *testing.T) {
			res := e.do(c)
			e.checkProblem(res, http.StatusForbidden, "")
			if rows := e.audit("request_id = $1", res.requestID()); len(rows) != 1 ||
				rows[0].Outcome != "denied" {
				t.Errorf("audit rows %+v, want one denied", rows)
			}
		})
	}
	if n := e.count("SELECT count(*) FROM staff WHERE active = false"); n != 1 {
		t.Errorf("%d inactive staff, want only u-off", n)
	}
	if n := e.count("SELECT count(*) FROM visits WHERE notes = 'x'"); n != 0 {
		t.Errorf("frontdesk wrote %d visit notes", n)
	}
}

// TestZ1_ExistenceNotRevealed: 404s for a random id and for a visit's id are identical;
// an analyst's 403s are identical for a real and a random id; every attempt is audited.
func TestZ1_ExistenceNotRevealed(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	get := func(user, id string) result {
		return e.do(req{user: user, method: "GET", path: "/api/patients/" + id})
	}
	random, visitID := get("u-clin", uuid.NewString()), get("u-clin", d.V1)
	e.checkProblem(random, http.StatusNotFound, "not_found")
	e.checkProblem(visitID, http.StatusNotFound, "not_found")
	sameButRequestID(t, random, visitID)
	numeric := get("u-clin", "1")
	e.checkProblem(numeric, http.StatusNotFound, "not_found")
	sameButRequestID(t, random, numeric)

	real, rnd := get("u-analyst", d.P1), get("u-analyst", uuid.NewString())
	e.checkProblem(real, http.StatusForbidden, "forbidden")
	e.checkProblem(rnd, http.StatusForbidden, "forbidden")
	sameButRequestID(t, real, rnd)

	for _, res := range []result{random, visitID, numeric, real, rnd} {
		rows := e.audit("request_id = $1", res.requestID())
		if len(rows) != 1 || rows[0].Outcome == "allowed" {
			t.Errorf("request %s: audit rows %+v, want one refusal", res.requestID(), rows)
		}
	}
}

// patientRow is every column of a patient, to prove a refused write changed nothing.
func (e *env) patientRow(id string) string {
	e.t.Helper()
	var row string
	err := e.conn().QueryRow(context.Background(), `SELECT row_to_json(p)::text || coalesce(
	    (SELECT json_agg(i ORDER BY system)::text FROM patient_identifiers i
	     WHERE i.patient_id = p.id), '')
	  FROM patients p WHERE id = $1`, id).Scan(&row)
	if err != nil {
		e.t.Fatalf("read patient row: %v", err)
	}
	return row
}

func TestZ3_RefusedWritesChangeNothing(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	before := e.patientRow(d.P1)
	v1 := map[string]string{"If-Match": `"1"`}
	body := map[string]any{"familyName": "Changed"}
	checks := []struct {
		r      req
		status int
		code   string
	}{
		{req{user: "u-clin", method: "PATCH", path: "/api/patients/" + uuid.NewString(),
			body: body, headers: v1}, 404, "not_found"},
		{req{user: "u-clin", method: "DELETE", path: "/api/patients/" + uuid.NewString(),
			headers: v1}, 404, "not_found"},
		{req{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.Parch, body: body,
			headers: map[string]string{"If-Match": `"2"`}}, 409, "archived"},
		{req{user: "u-analyst", method: "PATCH", path: "/api/patients/" + d.P1, body: body,
			headers: v1}, 403, "forbidden"},
		{req{user: "u-analyst", method: "DELETE", path: "/api/patients/" + d.P1,
			headers: v1}, 403, "forbidden"},
		{req{user: "u-front", method: "DELETE", path: "/api/patients/" + d.P1,
			headers: v1}, 403, "forbidden"},
	}
	for _, c := range checks {
		res := e.do(c.r)
		e.checkProblem(res, c.status, c.code)
		if rows := e.audit("request_id = $1", res.requestID()); len(rows) != 1 {
			t.Errorf("%s %s: %d audit rows, want 1", c.r.method, c.r.path, len(rows))
		}
	}
	if after := e.patientRow(d.P1); after != before {
		t.Errorf("P1 changed:\n%s\n%s", before, after)
	}
}

// TestZ4_Z5_ParentOnlyFromPath: a visit never names its patient in a body.
func TestZ4_Z5_ParentOnlyFromPath(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	res := e.do(req{user: "u-clin", method: "PATCH", path: "/api/visits/" + d.V1,
		body: map[string]any{"patientId": d.P2}, headers: map[string]string{"If-Match": `"1"`}})
	e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	if n := e.count("SELECT count(*) FROM visits WHERE id = $1 AND patient_id = $2 "+
		"AND version = 1", d.V1, d.P1); n != 1 {
		t.Error("Z4: the visit moved or changed")
	}

	res = e.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + d.P1 + "/visits",
		body: map[string]any{"patientId": d.P2, "date": "2026-11-30"}})
	e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	if n := e.count("SELECT count(*) FROM visits WHERE patient_id IN ($1, $2)",
		d.P1, d.P2); n != 2 {
		t.Errorf("Z5: %d visits, want the 2 seeded", n)
	}
}

// TestZ6_NoEnumeration: random UUIDs and numeric ids are all 404; past the read limit
// the limiter answers 429 and writes an anomaly audit event.
func TestZ6_NoEnumeration(t *testing.T) {
	t.Parallel()
	// The clock stands still, so the limit is the burst: a sixth of the per-minute figure,
	// here exactly the 2,000 probes.
	e := newEnv(t, func(c *api.Config) { c.ReadsPerMinute = 6 * 2000 })
	e.seedData()
	ids := make([]string, 0, 2000)
	for range 1000 {
		ids = append(ids, uuid.NewString())
	}
	for i := 1; i <= 1000; i++ {
		ids = append(ids, strconv.Itoa(i))
	}
	results := e.doAllLimited(8, len(ids), func(i int) req {
		return req{user: "u-clin", method: "GET", path: "/api/patients/" + ids[i]}
	})
	e.checkProblem(results[0], http.StatusNotFound, "not_found")
	for i, res := range results {
		if res.status != http.StatusNotFound {
			t.Fatalf("id %s: %d %s", ids[i], res.status, res.body)
		}
		if i%250 == 0 {
			sameButRequestID(t, results[0], res)
		}
	}
	limited := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + uuid.NewString()})
	e.checkProblem(limited, http.StatusTooManyRequests, "rate_limited")
	rows := e.audit("action = 'rate_limited' AND request_id = $1", limited.requestID())
	if len(rows) != 1 || rows[0].UserID != "u-clin" || rows[0].Outcome != "denied" {
		t.Errorf("anomaly audit rows %+v, want one rate_limited", rows)
	}
	// Another staff member is not limited by u-clin's probing.
	res := e.do(req{user: "u-front", method: "GET", path: "/api/patients/" + uuid.NewString()})
	e.checkProblem(res, http.StatusNotFound, "not_found")
}

// TestZ8_ServerOwnedFieldsRefused: a create naming server-owned or undefined fields is
// 400 unknown_field and writes nothing.
func TestZ8_ServerOwnedFieldsRefused(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	body := map[string]any{"name": "Ann Lee", "dob": "1980-01-02", "mrn": "A-100",
		"clinicId": uuid.NewString(), "id": uuid.NewString(), "createdBy": "u-admin",
		"status": "verified", "deletedAt": nil, "version": 99}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: body})
	e.checkProblem(res, http.StatusBadRequest, "")
	// Each server-owned field alone, next to a valid body.
	for _, field := range []string{"mrn", "id", "version", "createdBy", "createdAt",
		"archivedAt", "clinicId"} {
		b := map[string]any{"givenNames": "Zeta", "familyName": "Eightrow",
			"birthDate": "1980-01-02", "sex": "female", field: "x"}
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: b})
		e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	}
	if n := e.count("SELECT count(*) FROM patients WHERE family_name = 'Eightrow' " +
		"OR given_names LIKE 'Ann%'"); n != 0 {
		t.Errorf("%d patients written", n)
	}
}

// TestZ10_AllowlistedKeys snapshots the key sets of search items and of a frontdesk
// visit read: no notes, internal ids or audit columns.
func TestZ10_AllowlistedKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	e.createPatientWith(map[string]any{"givenNames": "Ann", "familyName": "Lee",
		"birthDate": "1980-01-02", "sex": "female", "phone": "+1 555 0100",
		"email": "ann@example.test"})
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{"q": "lee", "archived": "include"}})
	checkJSON(t, res, http.StatusOK)
	page := res.json(t)
	if got := sortedKeys(page); !slices.Equal(got, []string{"items", "nextCursor", "total",
		"totalCapped"}) {
		t.Errorf("search response keys %v", got)
	}
	items := page["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%d items for lee", len(items))
	}
	want := []string{"birthDate", "familyName", "givenNames", "id", "mrn", "phone", "sex"}
	if got := sortedKeys(items[0].(map[string]any)); !slices.Equal(got, want) {
		t.Errorf("summary keys %v, want %v", got, want)
	}

	for _, path := range []string{"/api/visits/" + d.V1, "/api/patients/" + d.P1 + "/visits"} {
		res := e.do(req{user: "u-front", method: "GET", path: path})
		checkJSON(t, res, http.StatusOK)
		if strings.Contains(string(res.body), "notes") ||
			strings.Contains(string(res.body), "private note") {
			t.Errorf("frontdesk read of %s holds notes: %s", path, res.body)
		}
	}
	res = e.do(req{user: "u-clin", method: "GET", path: "/api/visits/" + d.V1})
	if !strings.Contains(string(res.body), `"notes":"P1 private note HIV+"`) {
		t.Errorf("clinician read lacks the notes: %s", res.body)
	}
}

// TestZ11_FilterOnUnreadableField: no role may filter on a field it may not read. There
// is no note filter at all, so for frontdesk the field is unknown (400 by §1); analysts
// read no patient rows and get 403.
func TestZ11_FilterOnUnreadableField(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.seedData()
	res := e.do(req{user: "u-front", method: "POST", path: "/api/patients/search",
		body: map[string]any{"q": "%", "visitNote": "HIV"}})
	e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	for _, body := range []map[string]any{{}, {"q": "first"}, {"q": "%"}} {
		res := e.do(req{user: "u-analyst", method: "POST", path: "/api/patients/search",
			body: body})
		e.checkProblem(res, http.StatusForbidden, "forbidden")
		if strings.Contains(string(res.body), "total") {
			t.Errorf("analyst 403 carries a count: %s", res.body)
		}
	}
}

func TestZ14_PatchUndefinedField(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	before := e.patientRow(d.P1)
	for _, body := range []map[string]any{{"clinicId": uuid.NewString()},
		{"familyName": "New", "mrn": "PT-0000001-8"}, {"version": 7}, {"createdBy": "x"}} {
		res := e.do(req{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.P1,
			body: body, headers: map[string]string{"If-Match": `"1"`}})
		e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	}
	if after := e.patientRow(d.P1); after != before {
		t.Errorf("P1 changed:\n%s\n%s", before, after)
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
