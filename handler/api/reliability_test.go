package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/api"
)

// patch sends a PATCH of the patient's family name with the given If-Match.
func patch(e *env, user, id, family, match string) req {
	return req{user: user, method: "PATCH", path: "/api/patients/" + id,
		body: map[string]any{"familyName": family}, headers: map[string]string{"If-Match": match}}
}

// TestR1_ConcurrentPatch: two PATCHes with the same If-Match: exactly one wins with the
// next ETag, the other is 412; the row equals the winner; both attempts are audited.
func TestR1_ConcurrentPatch(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for round := range 5 {
		id := e.createPatient("Racer", "Original", "1970-01-01")["id"].(string)
		for v := 1; v <= 2; v++ {
			res := e.do(patch(e, "u-clin", id, fmt.Sprintf("Step%d", v), fmt.Sprintf(`"%d"`, v)))
			checkJSON(t, res, http.StatusOK)
		}
		names := []string{"Winner-A", "Winner-B"}
		results := e.doAll(2, func(i int) req { return patch(e, "u-clin", id, names[i], `"3"`) })
		var ok, stale int
		winner := ""
		for i, res := range results {
			switch res.status {
			case http.StatusOK:
				ok++
				winner = names[i]
				if res.header.Get("ETag") != `"4"` {
					t.Errorf("winner ETag %q, want \"4\"", res.header.Get("ETag"))
				}
			case http.StatusPreconditionFailed:
				stale++
				e.checkProblem(res, http.StatusPreconditionFailed, "version_mismatch")
			default:
				t.Errorf("round %d: status %d %s", round, res.status, res.body)
			}
			if rows := e.audit("request_id = $1", res.requestID()); len(rows) != 1 ||
				rows[0].Action != "patient.update" {
				t.Errorf("round %d: audit rows %+v, want one patient.update", round, rows)
			}
		}
		if ok != 1 || stale != 1 {
			t.Fatalf("round %d: %d OK and %d stale, want one each", round, ok, stale)
		}
		if n := e.count("SELECT count(*) FROM patients WHERE id = $1 AND family_name = $2 "+
			"AND version = 4", id, winner); n != 1 {
			t.Errorf("round %d: stored row is not the winner %s at version 4", round, winner)
		}
	}
}

func TestR2_IfMatchRequired(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	for _, r := range []req{
		{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.P1,
			body: map[string]any{"familyName": "X"}},
		{user: "u-clin", method: "DELETE", path: "/api/patients/" + d.P1},
		{user: "u-clin", method: "PATCH", path: "/api/visits/" + d.V1,
			body: map[string]any{"reason": "x"}},
	} {
		res := e.do(r)
		e.checkProblem(res, http.StatusPreconditionRequired, "if_match_required")
		for _, bad := range []string{`W/"1"`, `*`, `1`, `"0"`, `"x"`, `"99"`} {
			r.headers = map[string]string{"If-Match": bad}
			res := e.do(r)
			e.checkProblem(res, http.StatusPreconditionFailed, "version_mismatch")
		}
	}
	if n := e.count("SELECT count(*) FROM patients WHERE id = $1 AND version = 1 "+
		"AND archived_at IS NULL", d.P1); n != 1 {
		t.Error("P1 changed")
	}
}

func identifierBody(family, value string) map[string]any {
	b := patientBody("familyName", family)
	b["identifiers"] = []map[string]string{{"system": "urn:example:old-system", "value": value}}
	return b
}

// TestR4_R5_IdentifierRace: twenty concurrent creates with the same extra identifier give
// one 201 and nineteen 409s; fifty concurrent creates get fifty distinct MRNs; a value
// differing only in case and spaces clashes too.
func TestR4_R5_IdentifierRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	results := e.doAll(20, func(i int) req {
		return req{user: "u-clin", method: "POST", path: "/api/patients",
			body: identifierBody(fmt.Sprintf("Racer%d", i), "A-777")}
	})
	var created, clashed int
	for _, res := range results {
		switch res.status {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			clashed++
			e.checkProblem(res, http.StatusConflict, "identifier_in_use")
		default:
			t.Errorf("status %d: %s", res.status, res.body)
		}
	}
	if created != 1 || clashed != 19 {
		t.Errorf("%d created and %d clashed, want 1 and 19", created, clashed)
	}
	if n := e.count("SELECT count(*) FROM patients"); n != 1 {
		t.Errorf("%d patients stored, want 1", n)
	}

	// R5: the value is normalised before the uniqueness check, on create and on update.
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: identifierBody("Spaced", " a-777 ")})
	e.checkProblem(res, http.StatusConflict, "identifier_in_use")
	other := e.createPatient("Other", "Person", "1990-01-01")["id"].(string)
	res = e.do(req{user: "u-clin", method: "PATCH", path: "/api/patients/" + other,
		body: map[string]any{"identifiers": []map[string]string{
			{"system": "urn:example:old-system", "value": "a-777"}}},
		headers: map[string]string{"If-Match": `"1"`}})
	e.checkProblem(res, http.StatusConflict, "identifier_in_use")
	// The same value in another system is a different identifier.
	b := identifierBody("Elsewhere", "A-777")
	b["identifiers"] = []map[string]string{{"system": "urn:example:other", "value": "A-777"}}
	checkJSON(t, e.do(req{user: "u-clin", method: "POST", path: "/api/patients", body: b}),
		http.StatusCreated)

	results = e.doAll(50, func(i int) req {
		return req{user: "u-front", method: "POST", path: "/api/patients",
			body: patientBody("familyName", fmt.Sprintf("Many%d", i))}
	})
	mrns := map[string]bool{}
	for _, res := range results {
		checkJSON(t, res, http.StatusCreated)
		mrns[res.json(t)["mrn"].(string)] = true
	}
	if len(mrns) != 50 {
		t.Errorf("%d distinct MRNs for 50 creates", len(mrns))
	}
}

// TestR6_IdempotencyKey covers R6 (a) to (d).
func TestR6_IdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := map[string]string{"Idempotency-Key": "3f0c2a1e-6d9b-4c57-8a41-0c2f9e7b5d10"}
	body := patientBody("familyName", "Idempotent")
	create := func(user string, body any, h map[string]string) req {
		return req{user: user, method: "POST", path: "/api/patients", body: body, headers: h}
	}
	first := e.do(create("u-clin", body, key))
	checkJSON(t, first, http.StatusCreated)

	// (a) The same body again: the same 201, body and id; still one row.
	again := e.do(create("u-clin", body, key))
	checkJSON(t, again, http.StatusCreated)
	if string(again.body) != string(first.body) {
		t.Errorf("replay differs:\n%s\n%s", first.body, again.body)
	}
	for _, h := range []string{"Location", "ETag"} {
		if again.header.Get(h) != first.header.Get(h) {
			t.Errorf("replay %s %q, first %q", h, again.header.Get(h), first.header.Get(h))
		}
	}
	if n := e.count("SELECT count(*) FROM patients WHERE family_name = 'Idempotent'"); n != 1 {
		t.Errorf("(a) %d rows, want 1", n)
	}
	if rows := e.audit("request_id = $1", again.requestID()); len(rows) != 1 ||
		rows[0].Action != "patient.create" {
		t.Errorf("(a) the replay is not audited: %+v", rows)
	}

	// (b) The same key with another body.
	res := e.do(create("u-clin", patientBody("familyName", "Different"), key))
	e.checkProblem(res, http.StatusUnprocessableEntity, "idempotency_mismatch")

	// (d) The same key from another user is independent.
	res = e.do(create("u-front", body, key))
	checkJSON(t, res, http.StatusCreated)
	if res.json(t)["id"] == first.json(t)["id"] {
		t.Error("(d) another user's key replayed the first user's patient")
	}

	// (c) Two identical requests in flight: the second is 409 while the first runs. The
	// first is held inside its transaction by a lock the test keeps on patients.
	key2 := map[string]string{"Idempotency-Key": "in-flight-key"}
	body2 := patientBody("familyName", "InFlight")
	lock := e.holdLock(t, "LOCK TABLE patients IN SHARE MODE")
	done := make(chan result, 1)
	go func() { done <- e.serve(e.newRequest(create("u-clin", body2, key2))) }()
	e.waitFor(t, "the first request's claim", "SELECT count(*) FROM idempotency_keys "+
		"WHERE key = 'in-flight-key'")
	second := e.do(create("u-clin", body2, key2))
	e.checkProblem(second, http.StatusConflict, "idempotency_in_progress")
	lock.release()
	firstInFlight := <-done
	checkJSON(t, firstInFlight, http.StatusCreated)
	if n := e.count("SELECT count(*) FROM patients WHERE family_name = 'InFlight'"); n != 1 {
		t.Errorf("(c) %d rows, want 1", n)
	}
}

// heldLock is a transaction the test keeps open to hold a lock.
type heldLock struct {
	tx   pgx.Tx
	once sync.Once
}

func (l *heldLock) release() {
	l.once.Do(func() { _ = l.tx.Rollback(context.Background()) })
}

// holdLock takes a lock in a transaction of its own until release or the test's end.
func (e *env) holdLock(t testing.TB, sql string) *heldLock {
	t.Helper()
	conn := e.conn()
	tx, err := conn.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	l := &heldLock{tx: tx}
	t.Cleanup(l.release)
	return l
}

// waitFor polls a count until it is positive; the bound only stops a hang.
func (e *env) waitFor(t testing.TB, what, sql string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for e.count(sql) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestR8_PoolExhaustion: four connections are held by requests stuck on a lock the test
// keeps (with request and statement deadlines far away). Every other request gets 503 +
// Retry-After from the acquire budget while the lock is still held, instead of queueing;
// the stuck ones finish when it goes, and the service carries on.
func TestR8_PoolExhaustion(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envSetup{maxConns: 4, stmtTimeout: 5 * time.Minute,
		cfg: func(c *api.Config) { c.RequestTimeout = 5 * time.Minute }})
	d := e.seedData()
	lock := e.holdLock(t, "LOCK TABLE patients IN ACCESS EXCLUSIVE MODE")
	const n, held = 40, 4
	out := make(chan result, n)
	for range n {
		go func() {
			out <- e.serve(e.newRequest(req{user: "u-clin", method: "GET",
				path: "/api/patients/" + d.P1}))
		}()
	}
	collect := func(count int, what string) []result {
		guard := time.After(60 * time.Second) // a hang guard, not a speed test
		var got []result
		for len(got) < count {
			select {
			case res := <-out:
				got = append(got, res)
			case <-guard:
				t.Fatalf("hang: %d of %d requests answered %s", len(got), count, what)
			}
		}
		return got
	}
	for _, res := range collect(n-held, "while the pool was exhausted") {
		e.checkProblem(res, http.StatusServiceUnavailable, "unavailable")
	}
	lock.release()
	for _, res := range collect(held, "after the lock went") {
		checkJSON(t, res, http.StatusOK)
	}
	res := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1})
	checkJSON(t, res, http.StatusOK)
	if s := e.db.Pool().Stat(); s.AcquiredConns() != 0 {
		t.Errorf("%d connections still acquired after the load", s.AcquiredConns())
	}
}

// TestR11_FailureBeforeOutbox: a fault after the patient INSERT and before the outbox
// INSERT (a trigger the test installs) leaves nothing behind: one transaction.
func TestR11_FailureBeforeOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.seedData()
	before := e.patientRow(d.P1)
	counts := func() []int {
		return []int{e.count("SELECT count(*) FROM patients"),
			e.count("SELECT count(*) FROM patient_identifiers"),
			e.count("SELECT count(*) FROM visits"), e.count("SELECT count(*) FROM audit_log"),
			e.count("SELECT count(*) FROM outbox")}
	}
	_, err := e.conn().Exec(context.Background(), `
	  CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
	  BEGIN RAISE EXCEPTION 'injected failure for Mrs Secretname'; END $$;
	  CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox
	    FOR EACH ROW EXECUTE FUNCTION fail_outbox();`)
	if err != nil {
		t.Fatal(err)
	}
	start := counts()
	for _, r := range []req{
		{user: "u-clin", method: "POST", path: "/api/patients", body: identifierBody("Lost", "Z-1")},
		{user: "u-clin", method: "PATCH", path: "/api/patients/" + d.P1,
			body: map[string]any{"familyName": "Changed"}, headers: map[string]string{"If-Match": `"1"`}},
		{user: "u-clin", method: "POST", path: "/api/patients/" + d.P1 + "/visits",
			body: map[string]any{"start": "2026-11-30T09:00:00Z"}},
		{user: "u-clin", method: "PATCH", path: "/api/visits/" + d.V1,
			body: map[string]any{"reason": "changed"}, headers: map[string]string{"If-Match": `"1"`}},
	} {
		res := e.do(r)
		e.checkProblem(res, http.StatusInternalServerError, "internal")
		if strings.Contains(string(res.body), "Secretname") ||
			strings.Contains(string(res.body), "injected") {
			t.Errorf("500 leaks the cause: %s", res.body)
		}
	}
	// Refusals may be audited; nothing of the writes may remain.
	end := counts()
	start[3], end[3] = 0, 0
	if !slices.Equal(start, end) {
		t.Errorf("rows before %v, after %v", start, end)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE outcome = 'allowed' AND action IN " +
		"('patient.create', 'patient.update', 'visit.create', 'visit.update') AND at > " +
		"(SELECT max(at) FROM audit_log WHERE action = 'patient.archive')"); n != 0 {
		t.Errorf("%d allowed audit rows for writes that rolled back", n)
	}
	if after := e.patientRow(d.P1); after != before {
		t.Errorf("P1 changed:\n%s\n%s", before, after)
	}
	if !strings.Contains(e.logs.String(), "injected failure") {
		t.Error("the server log lacks the failure's detail")
	}
}

// TestR13_StatementTimeout: a search held past the statement timeout is cancelled by
// PostgreSQL and answered 503; its connection goes back to the pool.
func TestR13_StatementTimeout(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envSetup{maxConns: 2, stmtTimeout: 300 * time.Millisecond})
	d := e.seedData()
	lock := e.holdLock(t, "LOCK TABLE patients IN ACCESS EXCLUSIVE MODE")
	for range 3 {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": "firstpatient"}})
		e.checkProblem(res, http.StatusServiceUnavailable, "unavailable")
	}
	res := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1})
	e.checkProblem(res, http.StatusServiceUnavailable, "unavailable")
	lock.release()
	for range 5 {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": "firstpatient"}})
		checkJSON(t, res, http.StatusOK)
	}
	if s := e.db.Pool().Stat(); s.AcquiredConns() != 0 || s.TotalConns() > 2 {
		t.Errorf("pool after timeouts: %d acquired, %d total", s.AcquiredConns(), s.TotalConns())
	}
	if !strings.Contains(e.logs.String(), "57014") {
		t.Error("the log does not show the statement timeout")
	}
}
