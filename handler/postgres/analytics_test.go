package postgres_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"patienttracker/handler/analytics"
	"patienttracker/handler/analytics/analyticstest"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// openDB returns the store and a plain pool on a fresh test database.
func openDB(tb testing.TB, now func() time.Time) (*postgres.DB, *pgxpool.Pool) {
	tb.Helper()
	url := pgtest.NewDatabase(tb)
	db, err := postgres.Open(context.Background(), postgres.Options{URL: url, Now: now})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(db.Close)
	return db, db.Pool()
}

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func rollup(tb testing.TB, db *postgres.DB, loc *time.Location, today analytics.Day,
	window int) postgres.RollupResult {
	tb.Helper()
	res, err := db.RollupVisits(context.Background(), postgres.RollupInput{Location: loc,
		Today: today, Window: window, Now: today.Midnight(loc).Add(3 * time.Hour)})
	if err != nil {
		tb.Fatalf("rollup: %v", err)
	}
	return res
}

func mustExec(tb testing.TB, pool *pgxpool.Pool, sql string) {
	tb.Helper()
	if _, err := pool.Exec(context.Background(), sql); err != nil {
		tb.Fatalf("exec: %v", err)
	}
}

func checkAgainstOracle(tb testing.TB, q analyticstest.Querier, loc *time.Location,
	through analytics.Day) {
	tb.Helper()
	want := analyticstest.Oracle(tb, q, loc, through)
	got := analyticstest.Stored(tb, q)
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(analytics.Day{})); diff != "" {
		tb.Fatalf("rollups differ from a from-scratch GROUP BY (-got +want):\n%s", diff)
	}
}

// TestRollupEqualsGroupBy fills random visits around midnights and DST changes and checks
// that the first (full) run, and incremental runs after edits, backdated inserts and
// status changes, leave exactly what plain GROUP BY queries over the visits give.
func TestRollupEqualsGroupBy(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"America/New_York", "Europe/London", "Asia/Kolkata",
		"Australia/Lord_Howe", "America/Santiago", "Asia/Beirut", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			seed := uint64(time.Now().UnixNano())
			t.Logf("seed %d", seed)
			r := rand.New(rand.NewPCG(seed, 7))
			loc := mustLoc(t, zone)
			db, pool := openDB(t, time.Now)
			from := time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)
			to := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
			edges := analyticstest.Transitions(loc, from, to)
			var patients []uuid.UUID
			for i := 0; i < 40; i++ {
				patients = append(patients, analyticstest.InsertPatient(t, pool, uuid.New(),
					"1980-05-05", "female", from))
			}
			analyticstest.InsertVisits(t, pool,
				analyticstest.RandomVisits(r, patients, 700, from, to, loc, edges))

			today := analytics.NewDay(2024, 11, 22)
			res := rollup(t, db, loc, today, 7)
			if !res.Plan.Full {
				t.Fatalf("first run plan = %+v, want a full rebuild", res.Plan)
			}
			checkAgainstOracle(t, pool, loc, today.AddDays(-1))

			// Late edits, each followed by the next night's run: statuses changed long
			// ago, visits moved by weeks, and visits backdated before most patients'
			// first visit.
			edits := []func(){
				func() {
					mustExec(t, pool, `UPDATE visits SET status = 'cancelled'
					  WHERE id IN (SELECT id FROM visits WHERE status <> 'cancelled'
					    ORDER BY start_at LIMIT 25)`)
				},
				func() {
					mustExec(t, pool, `UPDATE visits
					  SET start_at = start_at - interval '37 days 5 hours'
					  WHERE id IN (SELECT id FROM visits ORDER BY id DESC LIMIT 10)`)
				},
				func() {
					analyticstest.InsertVisits(t, pool, analyticstest.RandomVisits(r,
						patients, 30, from.AddDate(0, -1, 0), from, loc, edges))
				},
			}
			next := today
			for _, edit := range edits {
				edit()
				next = next.AddDays(1)
				res = rollup(t, db, loc, next, 7)
				if res.Plan.Full {
					t.Fatalf("run after an edit: plan = %+v, want incremental", res.Plan)
				}
				checkAgainstOracle(t, pool, loc, next.AddDays(-1))
			}

			again := rollup(t, db, loc, next, 7)
			if again.Written != 0 || again.Deleted != 0 {
				t.Fatalf("a repeated run wrote %d and deleted %d rows, want none",
					again.Written, again.Deleted)
			}
		})
	}
}

// TestRollupNewZoneRebuilds checks that changing the clinic's zone recuts every day.
func TestRollupNewZoneRebuilds(t *testing.T) {
	t.Parallel()
	db, pool := openDB(t, time.Now)
	r := rand.New(rand.NewPCG(1, 2))
	p := analyticstest.InsertPatient(t, pool, uuid.New(), "1990-01-01", "male",
		time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC))
	analyticstest.InsertVisits(t, pool, analyticstest.RandomVisits(r, []uuid.UUID{p}, 200,
		time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), time.UTC, nil))
	today := analytics.NewDay(2023, 6, 5)
	rollup(t, db, time.UTC, today, 7)
	tokyo := mustLoc(t, "Asia/Tokyo")
	res := rollup(t, db, tokyo, today, 7)
	if !res.Plan.Full {
		t.Fatalf("plan after a zone change = %+v, want full", res.Plan)
	}
	checkAgainstOracle(t, pool, tokyo, today.AddDays(-1))
}

// TestRollupConcurrentRuns is R7: two runs at once have one effect. A run that finds
// the lock taken does nothing; runs racing freely leave the oracle's table.
func TestRollupConcurrentRuns(t *testing.T) {
	t.Parallel()
	db, pool := openDB(t, time.Now)
	loc := mustLoc(t, "America/New_York")
	r := rand.New(rand.NewPCG(3, 4))
	var patients []uuid.UUID
	for i := 0; i < 10; i++ {
		patients = append(patients, analyticstest.InsertPatient(t, pool, uuid.New(),
			"1970-02-02", "other", time.Now()))
	}
	analyticstest.InsertVisits(t, pool, analyticstest.RandomVisits(r, patients, 300,
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), loc, nil))
	today := analytics.NewDay(2024, 4, 2)

	t.Run("LockHeldSkips", func(t *testing.T) {
		ctx := context.Background()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7302114004)"); err != nil {
			t.Fatal(err)
		}
		if res := rollup(t, db, loc, today, 7); !res.Skipped {
			t.Fatalf("run while another holds the lock: %+v, want skipped", res)
		}
		if got := analyticstest.Stored(t, pool); len(got[analytics.Daily]) != 0 {
			t.Fatalf("a skipped run stored %d days", len(got[analytics.Daily]))
		}
	})

	t.Run("TwoAtOnce", func(t *testing.T) {
		var wg sync.WaitGroup
		results := make([]postgres.RollupResult, 2)
		start := make(chan struct{})
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res, err := db.RollupVisits(context.Background(), postgres.RollupInput{
					Location: loc, Today: today, Window: 7, Now: time.Now()})
				if err != nil {
					t.Errorf("run %d: %v", i, err)
				}
				results[i] = res
			}()
		}
		close(start)
		wg.Wait()
		full := 0
		for _, res := range results {
			if !res.Skipped && res.Plan.Full {
				full++
			}
		}
		if full != 1 {
			t.Fatalf("runs = %+v, want exactly one full rebuild", results)
		}
		checkAgainstOracle(t, pool, loc, today.AddDays(-1))
	})
}

// TestLiveFiguresMatchStored checks that the API's live computation and the rollup
// agree on finished periods.
func TestLiveFiguresMatchStored(t *testing.T) {
	t.Parallel()
	db, pool := openDB(t, time.Now)
	loc := mustLoc(t, "Europe/London")
	r := rand.New(rand.NewPCG(5, 6))
	var patients []uuid.UUID
	for i := 0; i < 15; i++ {
		patients = append(patients, analyticstest.InsertPatient(t, pool, uuid.New(),
			"2001-03-03", "female", time.Now()))
	}
	from := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	analyticstest.InsertVisits(t, pool, analyticstest.RandomVisits(r, patients, 400, from, to,
		loc, analyticstest.Transitions(loc, from, to)))
	today := analytics.NewDay(2024, 5, 3)
	rollup(t, db, loc, today, 7)
	ctx := context.Background()
	for _, g := range analytics.Granularities {
		first, last := g.Start(analytics.NewDay(2024, 2, 1)), g.Start(analytics.NewDay(2024, 4, 28))
		stored, err := db.StoredVisitFigures(ctx, g, first, last)
		if err != nil {
			t.Fatal(err)
		}
		live, err := db.LiveVisitFigures(ctx, loc, g, first, g.End(last))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(live, stored, cmp.AllowUnexported(analytics.Day{})); diff != "" {
			t.Errorf("%s: live differs from stored (-live +stored):\n%s", g, diff)
		}
	}
}
