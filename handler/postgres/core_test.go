package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// coreDB opens the application's pool on a fresh database, and a superuser connection.
func coreDB(tb testing.TB, o postgres.Options) (*postgres.DB, *pgx.Conn, string) {
	tb.Helper()
	url := pgtest.NewDatabase(tb)
	o.URL = url
	db, err := postgres.Open(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(db.Close)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return db, conn, url
}

// writeAudit records n events the way the API does, some with a patient and a detail.
func writeAudit(tb testing.TB, db *postgres.DB, n int) {
	tb.Helper()
	staffID := uuid.New()
	actor := audit.Actor{StaffID: &staffID, Provider: "aad", UserID: "u-clin",
		Role: "clinician", RequestID: uuid.NewString()}
	for i := range n {
		pid := uuid.New()
		e := actor.Event("patient.read", "patient", pid.String(), &pid, audit.Allowed)
		if i%2 == 0 {
			e.Detail = json.RawMessage(fmt.Sprintf(`{"shape":"name","count":%d}`, i))
		}
		if err := db.Audit(context.Background(), e); err != nil {
			tb.Fatal(err)
		}
	}
}

func verify(tb testing.TB, conn *pgx.Conn) (*audit.Finding, int64) {
	tb.Helper()
	f, n, err := postgres.VerifyAudit(context.Background(), conn)
	if err != nil {
		tb.Fatal(err)
	}
	return f, n
}

func exec(tb testing.TB, conn *pgx.Conn, sql string) {
	tb.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// TestE4_AuditLogAppendOnly: the application's role may not change or remove audit rows,
// nor may anyone while the trigger stands; a superuser who works around it is caught by
// the verifier at the first row touched.
func TestE4_AuditLogAppendOnly(t *testing.T) {
	t.Parallel()
	db, conn, _ := coreDB(t, postgres.Options{})
	writeAudit(t, db, 6)
	if f, n := verify(t, conn); f != nil || n != 6 {
		t.Fatalf("fresh chain: finding %+v after %d rows", f, n)
	}
	ctx := context.Background()
	exec(t, conn, "SET ROLE pt_app")
	for _, sql := range []string{"UPDATE audit_log SET reason = 'x' WHERE seq = 2",
		"DELETE FROM audit_log WHERE seq = 2", "TRUNCATE audit_log",
		"ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"} {
		_, err := conn.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || (pgErr.Code != "42501" && pgErr.Code != "42809") {
			t.Errorf("as pt_app, %s: %v, want permission denied", sql, err)
		}
	}
	exec(t, conn, "RESET ROLE")
	for _, sql := range []string{"UPDATE audit_log SET reason = 'x' WHERE seq = 2",
		"DELETE FROM audit_log WHERE seq = 2"} {
		if _, err := conn.Exec(ctx, sql); err == nil {
			t.Errorf("as superuser with the trigger in place, %s succeeded", sql)
		}
	}
	if f, _ := verify(t, conn); f != nil {
		t.Fatalf("refused changes left a finding %+v", f)
	}

	exec(t, conn, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
	exec(t, conn, "UPDATE audit_log SET reason = 'looked away' WHERE seq = 3")
	exec(t, conn, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
	if f, _ := verify(t, conn); f == nil || *f != (audit.Finding{Seq: 3, Reason: "edited"}) {
		t.Errorf("edited row 3: finding %+v", f)
	}
}

func TestE4_VerifierFindsRemovedRows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sql string
		want      audit.Finding
	}{
		{"middle row", "DELETE FROM audit_log WHERE seq = 4", audit.Finding{Seq: 5,
			Reason: "removed_before"}},
		{"first row", "DELETE FROM audit_log WHERE seq = 1", audit.Finding{Seq: 2,
			Reason: "removed_before"}},
		{"detail edited", "UPDATE audit_log SET detail = '{\"count\": 99}' WHERE seq = 1",
			audit.Finding{Seq: 1, Reason: "edited"}},
		{"time edited", "UPDATE audit_log SET at = at - interval '1 day' WHERE seq = 6",
			audit.Finding{Seq: 6, Reason: "edited"}},
		{"rows swapped", `UPDATE audit_log a SET hash = b.hash, prev_hash = b.prev_hash
		  FROM audit_log b WHERE (a.seq, b.seq) IN ((2, 3), (3, 2))`,
			audit.Finding{Seq: 2, Reason: "removed_before"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, conn, _ := coreDB(t, postgres.Options{})
			writeAudit(t, db, 8)
			exec(t, conn, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
			exec(t, conn, tc.sql)
			if f, _ := verify(t, conn); f == nil || *f != tc.want {
				t.Errorf("finding %+v, want %+v", f, tc.want)
			}
		})
	}
}

// TestAuditChain_ConcurrentWriters: audit rows written at once from reads, refusals and
// data changes still form one unbroken chain.
func TestAuditChain_ConcurrentWriters(t *testing.T) {
	t.Parallel()
	db, conn, _ := coreDB(t, postgres.Options{})
	staffID := uuid.New()
	actor := audit.Actor{StaffID: &staffID, Provider: "aad", UserID: "u", Role: "admin"}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- db.Audit(context.Background(), actor.Event("x.read", "", "", nil,
				audit.Allowed))
		}()
		go func() {
			defer wg.Done()
			p := &patient.Patient{GivenNames: "Chain", FamilyName: fmt.Sprint("Writer", i),
				BirthDate: patient.Date{Year: 1980, Month: 1, Day: 2}, Sex: patient.SexOther,
				Identifiers: []patient.Identifier{}}
			_, err := db.CreatePatient(context.Background(), audit.Actor{}, p)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if f, n := verify(t, conn); f != nil || n != 40 {
		t.Errorf("finding %+v after %d rows, want an intact chain of 40", f, n)
	}
}

// TestR8_AcquireBudget: with every connection taken, a query waits only the acquire
// budget and fails as unavailable; once a connection is free, queries run again.
func TestR8_AcquireBudget(t *testing.T) {
	t.Parallel()
	db, _, _ := coreDB(t, postgres.Options{MaxConns: 1, AcquireTimeout: 200 * time.Millisecond})
	held, err := db.Pool().Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard
	defer cancel()
	_, err = db.FindPatient(ctx, uuid.New())
	if !apperror.IsKind(err, apperror.KindUnavailable) {
		t.Fatalf("with the pool exhausted: %v, want unavailable", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the query waited for the caller's deadline, not the acquire budget")
	}
	held.Release()
	if _, err := db.FindPatient(context.Background(), uuid.New()); !apperror.IsKind(err,
		apperror.KindNotFound) {
		t.Errorf("after release: %v, want not found", err)
	}
	// A query that runs longer than the budget is not cut short by it.
	if _, err := db.Pool().Exec(context.Background(), "SELECT pg_sleep(0.5)"); err != nil {
		t.Errorf("a half-second query failed: %v", err)
	}
}

// TestR9_UnreachableDatabase: a pool on a closed port answers unavailable, never hangs.
func TestR9_UnreachableDatabase(t *testing.T) {
	t.Parallel()
	db, err := postgres.Open(context.Background(), postgres.Options{
		URL: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.Ping(ctx); !apperror.IsKind(err, apperror.KindUnavailable) {
		t.Errorf("Ping: %v, want unavailable", err)
	}
	if _, err := db.FindPatient(ctx, uuid.New()); !apperror.IsKind(err,
		apperror.KindUnavailable) {
		t.Errorf("FindPatient: %v, want unavailable", err)
	}
}

// TestR6_IdempotentAnswerByteForByte: the stored answer comes back exactly as given.
func TestR6_IdempotentAnswerByteForByte(t *testing.T) {
	t.Parallel()
	db, conn, _ := coreDB(t, postgres.Options{})
	staffID := uuid.New()
	exec(t, conn, fmt.Sprintf(`INSERT INTO staff (id, email, display_name, role, created_at,
	  updated_at) VALUES ('%s', 'a@clinic.test', 'A', 'admin', now(), now())`, staffID))
	ctx := context.Background()
	hash := []byte("hash")
	if r, err := db.ClaimIdempotencyKey(ctx, staffID, "k", hash); err != nil || r != nil {
		t.Fatalf("first claim: %v %v", r, err)
	}
	if _, err := db.ClaimIdempotencyKey(ctx, staffID, "k", hash); !apperror.IsKind(err,
		apperror.KindConflict) {
		t.Errorf("claim in flight: %v, want conflict", err)
	}
	answer := []byte(`{"z":1,"a":"<é>","n":null,  "x":[1, 2]}`)
	if err := db.FinishIdempotencyKey(ctx, staffID, "k", 201, answer); err != nil {
		t.Fatal(err)
	}
	r, err := db.ClaimIdempotencyKey(ctx, staffID, "k", hash)
	if err != nil || r == nil || r.Status != 201 || string(r.Response) != string(answer) {
		t.Errorf("replay %v %v, want 201 %s", r, err, answer)
	}
	if _, err := db.ClaimIdempotencyKey(ctx, staffID, "k", []byte("other")); !apperror.IsKind(
		err, apperror.KindInvalid) {
		t.Errorf("other body: %v, want idempotency_mismatch", err)
	}
}
