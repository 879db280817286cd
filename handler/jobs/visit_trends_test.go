package jobs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/analytics"
	"patienttracker/handler/analytics/analyticstest"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
)

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func completedThrough(tb testing.TB, db *postgres.DB) string {
	tb.Helper()
	var d *time.Time
	err := db.Pool().QueryRow(context.Background(),
		"SELECT (SELECT completed_through FROM visit_rollup_state)").Scan(&d)
	if err != nil {
		tb.Fatal(err)
	}
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// TestVisitTrendsEnvelopes fires VisitTrends with the shared timer fixture and each
// variant of functions-contract.md §8.B; every one completes through the day before
// sys.UtcNow's clinic day, whatever ScheduleStatus and IsPastDue say.
func TestVisitTrendsEnvelopes(t *testing.T) {
	t.Parallel()
	for name, env := range timerVariants(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t)
			j := &jobs.VisitTrends{DB: db, Location: time.UTC, Window: 7,
				// A clock far off: the run must take its time from sys.UtcNow.
				Now: func() time.Time { return time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }}
			r := invoke(t, jobs.VisitTrendsName, j.Handle, env)
			if r.Status != http.StatusOK || len(r.Logs) == 0 {
				t.Fatalf("reply %d %s", r.Status, r.raw)
			}
			if got := completedThrough(t, db); got != "2024-11-04" {
				t.Fatalf("completed through %q, want 2024-11-04", got)
			}
		})
	}
}

// TestVisitTrendsBL08 replays BL-08: with the last completed rollup on 2023-10-20, a
// run fired on 2023-10-27 with IsPastDue false fills every day 2023-10-21..26, and a
// second run the same night changes nothing.
func TestVisitTrendsBL08(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	analyticstest.LoadSynthea(t, db.Pool())
	ny := mustLoc(t, "America/New_York")
	j := &jobs.VisitTrends{DB: db, Location: ny, Window: 7}
	fire := func(utc time.Time) {
		t.Helper()
		env := withUtcNow(timerFixture(t), utc)
		if r := invoke(t, jobs.VisitTrendsName, j.Handle, env); r.Status != http.StatusOK {
			t.Fatalf("reply %d %s", r.Status, r.raw)
		}
	}
	fire(time.Date(2023, 10, 21, 6, 0, 0, 0, time.UTC))
	if got := completedThrough(t, db); got != "2023-10-20" {
		t.Fatalf("set-up: completed through %q, want 2023-10-20", got)
	}
	before := analyticstest.Stored(t, db.Pool())

	fire(time.Date(2023, 10, 27, 6, 30, 0, 0, time.UTC)) // 02:30 in New York
	if got := completedThrough(t, db); got != "2023-10-26" {
		t.Fatalf("completed through %q, want 2023-10-26", got)
	}
	after := analyticstest.Stored(t, db.Pool())
	want := analyticstest.Oracle(t, db.Pool(), ny, analytics.NewDay(2023, 10, 26))
	if diff := cmp.Diff(after, want, cmp.AllowUnexported(analytics.Day{})); diff != "" {
		t.Fatalf("rollups after the catch-up differ from GROUP BY (-got +want):\n%s", diff)
	}
	last := analytics.NewDay(2023, 10, 26)
	for d := analytics.NewDay(2023, 10, 21); !d.After(last); d = d.AddDays(1) {
		_, had := before[analytics.Daily][d]
		if had {
			t.Errorf("%s was rolled up before the catch-up run", d)
		}
	}
	days := after[analytics.Daily]
	if days[analytics.NewDay(2023, 10, 25)].Visits != 1 ||
		days[analytics.NewDay(2023, 10, 26)].Visits != 2 {
		t.Errorf("New York 2023-10-25/26 = %d/%d visits, want 1/2",
			days[analytics.NewDay(2023, 10, 25)].Visits, days[analytics.NewDay(2023, 10, 26)].Visits)
	}

	xmins := rollupXmins(t, db)
	fire(time.Date(2023, 10, 27, 7, 0, 0, 0, time.UTC))
	if diff := cmp.Diff(analyticstest.Stored(t, db.Pool()), after,
		cmp.AllowUnexported(analytics.Day{})); diff != "" {
		t.Fatalf("second run changed the rollups:\n%s", diff)
	}
	if diff := cmp.Diff(rollupXmins(t, db), xmins); diff != "" {
		t.Fatalf("second run rewrote rows (xmin changed):\n%s", diff)
	}
}

// rollupXmins maps each rollup row to the transaction that last wrote it.
func rollupXmins(tb testing.TB, db *postgres.DB) map[string]string {
	tb.Helper()
	rows, err := db.Pool().Query(context.Background(),
		"SELECT granularity || ' ' || period_start, xmin::text FROM visit_rollups")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			tb.Fatal(err)
		}
		out[k] = v
	}
	return out
}

// TestVisitTrendsBL04 replays BL-04: the Synthea visits rolled up in America/New_York
// by a process at TZ=UTC and by one at TZ=Asia/Kolkata give identical figures, with
// 2019-12-31 = 1, 2023-10-25 = 1 and 2023-10-26 = 2 visits. Each run is a child process
// of this test binary with its own TZ, since a process reads TZ once.
func TestVisitTrendsBL04(t *testing.T) {
	if os.Getenv("PT_BL04_OUT") != "" {
		bl04Child(t)
		return
	}
	analyticstest.SharedDir(t)
	results := map[string]analyticstest.Rollups{}
	for _, tz := range []string{"UTC", "Asia/Kolkata"} {
		out := filepath.Join(t.TempDir(), "rollups.json")
		cmd := exec.Command(os.Args[0], "-test.run=^TestVisitTrendsBL04$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TZ="+tz, "PT_BL04_OUT="+out)
		if b, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(b), "SKIP") {
			t.Fatalf("child at TZ=%s: %v\n%s", tz, err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var r map[analytics.Granularity]map[string]analytics.Figures
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		results[tz] = toRollups(r)
	}
	if diff := cmp.Diff(results["Asia/Kolkata"], results["UTC"],
		cmp.AllowUnexported(analytics.Day{})); diff != "" {
		t.Fatalf("TZ=Asia/Kolkata and TZ=UTC differ (-kolkata +utc):\n%s", diff)
	}
	days := results["UTC"][analytics.Daily]
	for day, want := range map[string]int{"2019-12-31": 1, "2020-01-01": 1,
		"2023-10-25": 1, "2023-10-26": 2} {
		d, _ := analytics.ParseDay(day)
		if got := days[d].Visits; got != want {
			t.Errorf("New York %s: %d visits, want %d", day, got, want)
		}
	}
}

func toRollups(r map[analytics.Granularity]map[string]analytics.Figures) analyticstest.Rollups {
	out := analyticstest.Rollups{}
	for g, m := range r {
		out[g] = map[analytics.Day]analytics.Figures{}
		for k, f := range m {
			d, _ := analytics.ParseDay(k)
			out[g][d] = f
		}
	}
	return out
}

// bl04Child loads the Synthea visits, fires VisitTrends through the envelope, checks
// the visits' instants and writes the stored rollups to $PT_BL04_OUT.
func bl04Child(t *testing.T) {
	db := openDB(t)
	visits := analyticstest.LoadSynthea(t, db.Pool())
	ny := mustLoc(t, "America/New_York")
	j := &jobs.VisitTrends{DB: db, Location: ny, Window: 7}
	env := withUtcNow(timerFixture(t), time.Date(2024, 3, 1, 7, 0, 0, 0, time.UTC))
	if r := invoke(t, jobs.VisitTrendsName, j.Handle, env); r.Status != http.StatusOK {
		t.Fatalf("reply %d %s", r.Status, r.raw)
	}
	for _, v := range visits[:50] {
		var start time.Time
		if err := db.Pool().QueryRow(context.Background(),
			"SELECT start_at FROM visits WHERE id = $1", v.ID).Scan(&start); err != nil {
			t.Fatal(err)
		}
		if start.UTC().Format(time.RFC3339) != v.Start.UTC().Format(time.RFC3339) {
			t.Fatalf("visit start %s read back as %s", v.Start, start)
		}
	}
	stored := analyticstest.Stored(t, db.Pool())
	if diff := cmp.Diff(stored, analyticstest.Oracle(t, db.Pool(), ny,
		analytics.NewDay(2024, 2, 29)), cmp.AllowUnexported(analytics.Day{})); diff != "" {
		t.Fatalf("rollups differ from GROUP BY (-got +want):\n%s", diff)
	}
	out := map[analytics.Granularity]map[string]analytics.Figures{}
	for g, m := range stored {
		out[g] = map[string]analytics.Figures{}
		for d, f := range m {
			out[g][d.String()] = f
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("PT_BL04_OUT"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}
