package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/visit"
)

type outboxRow struct {
	Type, Subject string
	Published     bool
}

func outboxRows(tb testing.TB, pool *pgxpool.Pool) []outboxRow {
	tb.Helper()
	rows, err := pool.Query(context.Background(),
		"SELECT type, subject, published_at IS NOT NULL FROM outbox ORDER BY seq")
	if err != nil {
		tb.Fatal(err)
	}
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Type, &r.Subject, &r.Published); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestOutboxOneEventPerChange: every create, update, archive and restore of a patient
// and every create and update of a visit writes exactly one event; a change that rolls
// back writes none.
func TestOutboxOneEventPerChange(t *testing.T) {
	t.Parallel()
	db, pool := openDB(t, time.Now)
	ctx := context.Background()
	actor := audit.System("test", uuid.NewString())
	p := &patient.Patient{GivenNames: "Ada", FamilyName: "Tester",
		BirthDate: patient.Date{Year: 1980, Month: 1, Day: 2}, Sex: patient.Sex("female")}
	if _, err := db.CreatePatient(ctx, actor, p); err != nil {
		t.Fatal(err)
	}
	pid := "patients/" + p.ID.String()
	edit := func(action, typ string, change func(*patient.Patient) error) error {
		cur, err := db.FindPatient(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdatePatient(ctx, actor, p.ID, cur.Version, action, typ, change)
		return err
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(edit("patient.update", postgres.EventPatientUpdated, func(p *patient.Patient) error {
		p.Phone = "555-0100"
		return nil
	}))
	v := &visit.Visit{PatientID: p.ID, Start: time.Now().UTC(), Status: visit.Planned}
	must(db.CreateVisit(ctx, actor, v))
	_, err := db.UpdateVisit(ctx, actor, v.ID, 1, func(v *visit.Visit) error {
		v.Status = visit.Arrived
		return nil
	})
	must(err)
	// Rolled back: the change function refuses, so nothing is written.
	refused := errors.New("refused")
	if err := edit("patient.update", postgres.EventPatientUpdated,
		func(*patient.Patient) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("refused update: %v", err)
	}
	must(edit("patient.archive", postgres.EventPatientArchived, func(p *patient.Patient) error {
		now := time.Now()
		p.ArchivedAt = &now
		return nil
	}))
	// Rolled back: a visit for an archived patient is refused.
	if err := db.CreateVisit(ctx, actor, &visit.Visit{PatientID: p.ID,
		Start: time.Now().UTC(), Status: visit.Planned}); err == nil {
		t.Fatal("visit for an archived patient was accepted")
	}
	must(edit("patient.restore", postgres.EventPatientRestored, func(p *patient.Patient) error {
		p.ArchivedAt = nil
		return nil
	}))

	vid := "visits/" + v.ID.String()
	want := []outboxRow{{postgres.EventPatientCreated, pid, false},
		{postgres.EventPatientUpdated, pid, false}, {postgres.EventVisitCreated, vid, false},
		{postgres.EventVisitUpdated, vid, false}, {postgres.EventPatientArchived, pid, false},
		{postgres.EventPatientRestored, pid, false}}
	if diff := cmp.Diff(outboxRows(t, pool), want); diff != "" {
		t.Fatalf("outbox (-got +want):\n%s", diff)
	}
}

// seedEvents writes n events straight into the outbox.
func seedEvents(tb testing.TB, pool *pgxpool.Pool, n int) {
	tb.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO outbox (id, type, subject, time, data)
	  SELECT gen_random_uuid(), 'org.patienttracker.patient.updated', 'patients/' || i,
	    now(), jsonb_build_object('n', i) FROM generate_series(1, $1) AS i`, n)
	if err != nil {
		tb.Fatal(err)
	}
}

func published(tb testing.TB, pool *pgxpool.Pool) int {
	tb.Helper()
	var n int
	if err := pool.QueryRow(context.Background(),
		"SELECT count(*) FROM outbox WHERE published_at IS NOT NULL").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// recorder is a broker stand-in: it records what it accepted and can fail on purpose.
type recorder struct {
	ids    []uuid.UUID
	seqs   []int64
	accept int // how many of each batch to accept; -1 for all
	err    error
}

func (r *recorder) publish(_ context.Context, evs []postgres.OutboxEvent) (int, error) {
	n := len(evs)
	if r.accept >= 0 {
		n = min(n, r.accept)
	}
	for _, e := range evs[:n] {
		r.ids = append(r.ids, e.ID)
		r.seqs = append(r.seqs, e.Seq)
	}
	return n, r.err
}

func TestRelayOutbox(t *testing.T) {
	t.Parallel()
	opts := postgres.RelayOptions{BatchSize: 4}

	t.Run("PublishesAllInSeqOrder", func(t *testing.T) {
		t.Parallel()
		db, pool := openDB(t, time.Now)
		seedEvents(t, pool, 10)
		rec := &recorder{accept: -1}
		res, err := db.RelayOutbox(context.Background(), opts, rec.publish)
		if err != nil || res.Published != 10 {
			t.Fatalf("relay = %+v, %v; want 10 published", res, err)
		}
		for i := 1; i < len(rec.seqs); i++ {
			if rec.seqs[i] <= rec.seqs[i-1] {
				t.Fatalf("seq order broken: %v", rec.seqs)
			}
		}
		if n := published(t, pool); n != 10 {
			t.Fatalf("%d marked published, want 10", n)
		}
	})

	t.Run("FailingBrokerMarksNothing", func(t *testing.T) {
		t.Parallel()
		db, pool := openDB(t, time.Now)
		seedEvents(t, pool, 6)
		rec := &recorder{accept: 0, err: errors.New("broker down")}
		if _, err := db.RelayOutbox(context.Background(), opts, rec.publish); err == nil {
			t.Fatal("relay with a failing broker returned no error")
		}
		if n := published(t, pool); n != 0 {
			t.Fatalf("%d events marked published after a failure, want 0", n)
		}
	})

	t.Run("PartialAcceptMarksOnlyAccepted", func(t *testing.T) {
		t.Parallel()
		db, pool := openDB(t, time.Now)
		seedEvents(t, pool, 6)
		rec := &recorder{accept: 3}
		_, err := db.RelayOutbox(context.Background(), opts, rec.publish)
		if !errors.Is(err, postgres.ErrRelayPartial) {
			t.Fatalf("partial accept: err = %v", err)
		}
		if n := published(t, pool); n != 3 {
			t.Fatalf("%d marked, want the 3 accepted", n)
		}
	})

	// R12: the process dies after the broker accepted a batch but before the mark
	// commits; the events go out again with the same ids.
	t.Run("CrashAfterPublishRepublishesSameIDs", func(t *testing.T) {
		t.Parallel()
		db, pool := openDB(t, time.Now)
		seedEvents(t, pool, 3)
		var sent []uuid.UUID
		ctx, cancel := context.WithCancel(context.Background())
		_, err := db.RelayOutbox(ctx, opts, func(_ context.Context,
			evs []postgres.OutboxEvent) (int, error) {
			for _, e := range evs {
				sent = append(sent, e.ID)
			}
			cancel() // the connection goes before the mark commits
			return len(evs), nil
		})
		if err == nil {
			t.Fatal("relay whose connection died reported success")
		}
		if n := published(t, pool); n != 0 {
			t.Fatalf("%d marked despite the crash", n)
		}
		rec := &recorder{accept: -1}
		if _, err := db.RelayOutbox(context.Background(), opts, rec.publish); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rec.ids, sent); diff != "" {
			t.Fatalf("republished ids differ (-again +first):\n%s", diff)
		}
	})

	t.Run("BusyWhenAnotherRelayHoldsTheLock", func(t *testing.T) {
		t.Parallel()
		db, pool := openDB(t, time.Now)
		seedEvents(t, pool, 2)
		ctx := context.Background()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7302114005)"); err != nil {
			t.Fatal(err)
		}
		res, err := db.RelayOutbox(ctx, opts, (&recorder{accept: -1}).publish)
		if err != nil || !res.Busy || res.Published != 0 {
			t.Fatalf("relay beside a held lock = %+v, %v; want busy", res, err)
		}
	})
}

func TestDeletePublishedEvents(t *testing.T) {
	t.Parallel()
	db, pool := openDB(t, time.Now)
	seedEvents(t, pool, 5)
	mustExec(t, pool, `UPDATE outbox SET published_at = now() - interval '40 days'
	  WHERE seq <= 2`)
	mustExec(t, pool, `UPDATE outbox SET published_at = now() - interval '1 day' WHERE seq = 3`)
	n, err := db.DeletePublishedEvents(context.Background(), time.Now().AddDate(0, 0, -30))
	if err != nil || n != 2 {
		t.Fatalf("deleted %d, %v; want 2", n, err)
	}
	var left int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM outbox").
		Scan(&left); err != nil || left != 3 {
		t.Fatalf("%d events left, want 3 (one recent, two unpublished)", left)
	}
}
