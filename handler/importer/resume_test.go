package importer_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"patienttracker/handler/importer"
	"patienttracker/handler/postgres"
)

// TestResumeAfterPause runs a Synthea job with a budget so small that every run stops
// after one batch: each resumed run starts after the checkpoint, and the job ends with
// exactly the counts (and report) of a run in one go.
func TestResumeAfterPause(t *testing.T) {
	dir := sharedDir(t, "synthea-csv")
	d := newTestDB(t)
	ctx := context.Background()
	job := &postgres.ImportJob{ID: uuid.New(), Kind: string(importer.KindSynthea)}
	if err := d.db.StartLocalImportJob(ctx, d.actor(), job); err != nil {
		t.Fatal(err)
	}
	files := []postgres.ImportFile{{Position: 0, Role: importer.RolePatients},
		{Position: 1, Role: importer.RoleEncounters}}
	paths := []string{filepath.Join(dir, "patients.csv"), filepath.Join(dir, "encounters.csv")}
	open := func(_ context.Context, f postgres.ImportFile) (io.ReadCloser, error) {
		return os.Open(paths[f.Position])
	}
	r := d.runner()
	r.PatientBatch, r.VisitBatch, r.Budget = 10, 100, 1
	runs := 0
	for ; runs < 50; runs++ {
		current, err := d.db.FindImportJob(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		current.Files = files
		err = r.Run(ctx, current, open, d.actor())
		if err == nil {
			break
		}
		if !errors.Is(err, importer.ErrPaused) {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	done, err := d.db.FinishImportJob(ctx, d.actor(), job.ID, postgres.ImportSucceeded, "")
	if err != nil {
		t.Fatal(err)
	}
	if runs < 5 {
		t.Errorf("only %d pauses; the budget did not bite", runs)
	}
	want := postgres.ImportProgress{RowsRead: 631, RowsLoaded: 631, RowsWarned: 2,
		PatientsCreated: 27, VisitsCreated: 604}
	if diff := cmp.Diff(done.Progress, want); diff != "" {
		t.Errorf("progress after %d resumed runs (-got +want):\n%s", runs, diff)
	}
	if n := d.count(t, "SELECT count(*) FROM import_rejections"); n != 2 {
		t.Errorf("%d report rows, want the 2 warnings once", n)
	}
}
