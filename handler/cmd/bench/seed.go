package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/demo"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

// ensureDatabase creates and migrates the bench database if needed.
func ensureDatabase(ctx context.Context, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL (make db-up): %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
		name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return err
		}
	}
	return postgres.Migrate(ctx, dbURL)
}

// seedPatients tops the patients table up to n rows with generated people, by COPY.
// Names come from the demo lists, so fragments are common or rare as in a real clinic.
func seedPatients(ctx context.Context, conn *pgx.Conn, n int) error {
	var have int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM patients").Scan(&have); err != nil {
		return err
	}
	if have >= n {
		return nil
	}
	fmt.Printf("seeding %d patients...\n", n-have)
	start := time.Now()
	rng := rand.New(rand.NewPCG(uint64(have), 42))
	var seq int64
	if err := conn.QueryRow(ctx, "SELECT nextval('patient_mrn_seq')").Scan(&seq); err != nil {
		return err
	}
	rows := make([][]any, 0, n-have)
	now := time.Now().UTC()
	for i := 0; i < n-have; i++ {
		given, family := demo.RandomName(rng)
		// A unique suffix on some names gives truly rare fragments to search for.
		if i%1000 == 0 {
			family += fmt.Sprintf("-Q%dz", i)
		}
		full := given + " " + family
		birth := time.Date(1930+rng.IntN(95), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0,
			0, 0, time.UTC)
		phone := fmt.Sprintf("+1 617 %03d %04d", rng.IntN(1000), rng.IntN(10000))
		mrn := patient.FormatMRN(seq + int64(i))
		rows = append(rows, []any{uuid.New(), mrn, given, family, patient.Fold(full),
			patient.Compact(full), patient.SortName(given, family), birth,
			[]string{"female", "male", "other", "unknown"}[rng.IntN(4)], phone,
			patient.Digits(phone), 1, now, now})
	}
	if _, err := conn.Exec(ctx, "SELECT setval('patient_mrn_seq', $1)",
		seq+int64(n-have)); err != nil {
		return err
	}
	_, err := conn.CopyFrom(ctx, pgx.Identifier{"patients"}, []string{"id", "mrn",
		"given_names", "family_name", "name_folded", "name_compact", "sort_name", "birth_date",
		"sex", "phone", "phone_digits", "version", "created_at", "updated_at"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy patients: %w", err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE patients"); err != nil {
		return err
	}
	fmt.Printf("seeded in %s\n", time.Since(start).Round(time.Second))
	return nil
}
