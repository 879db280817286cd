// Command bench measures Patient Tracker against baselines taken in the same run and
// prints each figure with its ratio. It is `make bench`; nothing here runs in `make test`.
//
//	bench core    GET by id and search shapes at 1,000,000 patients, and start-up time
//	bench search  the search shapes only, straight through the postgres package
//
// The database is PT_BENCH_DATABASE_URL (default: database pt_bench on the machine's
// PostgreSQL); it is created, migrated and seeded on first use and reused afterwards.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	binary := fs.String("binary", ".build/app/patient-tracker", "the handler binary")
	patients := fs.Int("patients", 1_000_000, "patients to seed")
	duration := fs.Duration("duration", 10*time.Second, "length of each load phase")
	conns := fs.Int("concurrency", 64, "concurrent clients in load phases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	suite := "core"
	if fs.NArg() > 0 {
		suite = fs.Arg(0)
	}
	dbURL := os.Getenv("PT_BENCH_DATABASE_URL")
	if dbURL == "" {
		dbURL = "postgres://postgres@127.0.0.1:5432/pt_bench?sslmode=disable"
	}
	switch suite {
	case "core":
		return benchCore(ctx, coreOptions{dbURL: dbURL, binary: *binary, patients: *patients,
			duration: *duration, concurrency: *conns})
	case "search":
		return benchSearchOnly(ctx, coreOptions{dbURL: dbURL, patients: *patients,
			duration: *duration})
	default:
		return fmt.Errorf("unknown suite %q", suite)
	}
}
