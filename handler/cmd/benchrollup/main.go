// Command benchrollup measures the VisitTrends rollup against the plain SQL aggregate
// that computes the same figures, in the same run, on a generated clinic of 10,000,000
// visits (issue #4; `make bench` runs it):
//
//	go run ./handler/cmd/benchrollup [-visits 10000000] [-patients 200000] [-runs 1]
//	    [-floors] [-full=false] [-window 7] [-rebuild]
//
// It prints the full rebuild next to the plain aggregate over every visit, and a
// night's incremental run next to the plain aggregate over the same days, with their
// ratios and the goals (full within 1.5x; a night under 100 ms). Speed is reported,
// never asserted. The generated database (pt_bench_<schema>_<visits>) is kept and
// reused while the schema is unchanged; -rebuild makes it again. The server is
// PT_BENCH_DATABASE_URL, else PT_TEST_DATABASE_URL, else the local default.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/postgres"
)

func main() {
	visits := flag.Int("visits", 10_000_000, "visits to generate")
	patients := flag.Int("patients", 200_000, "patients to generate")
	rebuild := flag.Bool("rebuild", false, "generate the data again")
	runs := flag.Int("runs", 1, "timed runs of each full measurement (the best is kept)")
	floors := flag.Bool("floors", false, "also time the cheaper baselines (UTC days, days only)")
	full := flag.Bool("full", true, "time the full rollup (false: only the nights)")
	window := flag.Int("window", 7, "PT_ROLLUP_WINDOW_DAYS of the runs")
	flag.Parse()
	ctx := context.Background()
	if err := run(ctx, options{visits: *visits, patients: *patients, rebuild: *rebuild,
		runs: *runs, floors: *floors, full: *full, window: *window}); err != nil {
		fmt.Fprintln(os.Stderr, "benchrollup:", err)
		os.Exit(1)
	}
}

type options struct {
	visits, patients, runs int
	window                 int
	rebuild, floors, full  bool
}

func serverURL() string {
	for _, k := range []string{"PT_BENCH_DATABASE_URL", "PT_TEST_DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

func run(ctx context.Context, o options) error {
	name := fmt.Sprintf("pt_bench_%s_%d", postgres.SchemaFingerprint()[:10], o.visits)
	url, err := ensureData(ctx, serverURL(), name, o)
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, postgres.Options{URL: url, MaxConns: 4})
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "SET work_mem = '"+postgres.RollupWorkMem+"'"); err != nil {
		return fmt.Errorf("set work_mem: %w", err)
	}

	b := &bench{db: db, conn: conn, visits: o.visits, floors: o.floors, window: o.window}
	if o.full {
		if err := b.full(ctx, o.runs); err != nil {
			return err
		}
	} else if _, _, err := b.rollup(ctx, fullToday); err != nil {
		return err
	}
	return b.nights(ctx)
}

// report prints one measurement next to its baseline.
func report(what string, got, plain time.Duration, goal string) {
	fmt.Printf("%-44s %9.1f ms   plain aggregate %9.1f ms   ratio %5.2fx   goal %s\n",
		what, ms(got), ms(plain), float64(got)/float64(plain), goal)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
