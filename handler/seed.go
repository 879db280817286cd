package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/audit"
	"patienttracker/handler/demo"
)

// demoSeed and demoPatients fix the demo clinic: the same every time for the same day.
const (
	demoSeed     = 20261203
	demoPatients = 300
)

// seedDemo adds the dev staff and, into an empty database, the generated demo clinic.
func seedDemo(ctx context.Context, cfg Config, log zerolog.Logger, args []string) error {
	if cfg.Environment == "production" {
		return errors.New("seed-demo refuses to run in production")
	}
	staffOnly := len(args) == 1 && args[0] == "--staff-only"
	if len(args) > 0 && !staffOnly {
		return fmt.Errorf("seed-demo: unknown arguments %v (only --staff-only)", args)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, s := range demo.DevStaff {
		if err := db.EnsureBoundStaff(ctx, s.Email, s.Name, s.Role, "dev", s.UserID); err != nil {
			return fmt.Errorf("seed staff: %w", err)
		}
	}
	if staffOnly {
		return nil
	}
	n, err := db.CountPatients(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info().Int64("patients", n).Msg("database has patients; demo clinic not added")
		return nil
	}
	actor := audit.System("seed-demo", "")
	today := time.Now().UTC().Truncate(24 * time.Hour)
	visits := 0
	for _, g := range demo.Generate(demoSeed, demoPatients, today) {
		p := g.Patient
		if _, err := db.CreatePatient(ctx, actor, &p); err != nil {
			return fmt.Errorf("seed patient: %w", err)
		}
		for _, v := range g.Visits {
			v.PatientID = p.ID
			if err := db.CreateVisit(ctx, actor, &v); err != nil {
				return fmt.Errorf("seed visit: %w", err)
			}
			visits++
		}
	}
	log.Info().Int("patients", demoPatients).Int("visits", visits).Msg("demo clinic added")
	return nil
}
