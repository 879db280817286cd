package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/audit"
	"patienttracker/handler/importer"
)

// importFolder is `patient-tracker import <folder>`: it loads every recognised file in
// the folder straight from disk (no Blob Storage) as import jobs, exactly as the
// RunImports function would, and prints each job's counts. `make run DATA=folder` uses
// it instead of the demo seed. Files are recognised by content, not by name.
func importFolder(ctx context.Context, cfg Config, log zerolog.Logger, args []string,
	out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: patient-tracker import <folder>")
	}
	plans, skipped, err := importer.ScanFolder(args[0])
	if err != nil {
		return err
	}
	for _, name := range skipped {
		fmt.Fprintf(out, "skipped %s: not a Synthea, patient CSV or FHIR Bundle file\n", name)
	}
	if len(plans) == 0 {
		return fmt.Errorf("import: nothing to import in %s", args[0])
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	runner := &importer.Runner{DB: db, Now: time.Now, Location: cfg.ClinicTimeZone}
	actor := audit.System("import-command", "")
	failed := 0
	for _, plan := range plans {
		job, err := runner.RunLocal(ctx, actor, plan)
		if err != nil {
			return fmt.Errorf("import %s: %w", plan.Kind, err)
		}
		p := job.Progress
		fmt.Fprintf(out, "%s (%d files): %s; rows read %d, loaded %d, rejected %d, "+
			"warnings %d; patients created %d, matched %d; visits created %d, matched %d\n",
			plan.Kind, len(plan.Files), job.Status, p.RowsRead, p.RowsLoaded, p.RowsRejected,
			p.RowsWarned, p.PatientsCreated, p.PatientsMatched, p.VisitsCreated,
			p.VisitsMatched)
		if job.ErrorCode != "" {
			fmt.Fprintf(out, "  failed: %s\n", job.ErrorCode)
			failed++
		}
		log.Info().Str("import_id", job.ID.String()).Str("status", job.Status).
			Int64("rows_read", p.RowsRead).Int64("rows_rejected", p.RowsRejected).
			Msg("import finished")
	}
	if failed > 0 {
		return fmt.Errorf("import: %d of %d jobs failed", failed, len(plans))
	}
	return nil
}

// stdout is where the import command prints its counts.
var stdout io.Writer = os.Stdout
