package importer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/importer"
	"patienttracker/handler/postgres"
)

func syntheaPlan(dir string) importer.Plan {
	return importer.Plan{Kind: importer.KindSynthea, Files: []importer.LocalFile{
		{Path: filepath.Join(dir, "patients.csv"), Role: importer.RolePatients},
		{Path: filepath.Join(dir, "encounters.csv"), Role: importer.RoleEncounters}}}
}

// TestSyntheaCSV imports ../shared/testdata/real/synthea-csv twice: the counts of
// MANIFEST.md, visit starts as instants, and nothing new the second time.
func TestSyntheaCSV(t *testing.T) {
	dir := sharedDir(t, "synthea-csv")
	d := newTestDB(t)

	job := d.runPlan(t, syntheaPlan(dir))
	want := postgres.ImportProgress{RowsRead: 27 + 604, RowsLoaded: 27 + 604,
		RowsWarned: 2, PatientsCreated: 27, VisitsCreated: 604}
	if diff := cmp.Diff(job.Progress, want); diff != "" || job.Status != "succeeded" {
		t.Fatalf("first import: status %s, progress (-got +want):\n%s", job.Status, diff)
	}
	if n := d.count(t, "SELECT count(*) FROM patients"); n != 27 {
		t.Errorf("patients = %d, want 27", n)
	}
	if n := d.count(t, "SELECT count(*) FROM visits"); n != 604 {
		t.Errorf("visits = %d, want 604", n)
	}
	if n := d.count(t, "SELECT count(*) FROM patients WHERE sex = 'male'"); n != 14 {
		t.Errorf("male patients = %d, want 14", n)
	}
	if n := d.count(t, `SELECT count(*) FROM patients
	    WHERE given_names = 'Maynard46' AND family_name = 'Mosciski958'
	      AND birth_date = '2014-10-06' AND address->>'postalCode' = '02155'`); n != 1 {
		t.Errorf("Maynard46 Mosciski958 with ZIP 02155: %d rows", n)
	}
	if n := d.count(t, `SELECT count(*) FROM patients WHERE deceased_date IS NOT NULL`); n != 2 {
		t.Errorf("deceased = %d, want 2", n)
	}
	if n := d.count(t, `SELECT count(*) FROM import_rejections
	    WHERE code = 'after_death' AND severity = 'warning'`); n != 2 {
		t.Errorf("after_death warnings = %d, want 2", n)
	}
	var start time.Time
	if err := d.conn.QueryRow(context.Background(), `SELECT start_at FROM visits
	    WHERE source_value = '57f2562b-445c-f11c-ba40-edc55af3c84f'`).Scan(&start); err != nil {
		t.Fatal(err)
	}
	if got := start.UTC().Format(time.RFC3339); got != "2023-01-27T16:17:47Z" {
		t.Errorf("visit start = %s, want 2023-01-27T16:17:47Z", got)
	}

	again := d.runPlan(t, syntheaPlan(dir))
	want = postgres.ImportProgress{RowsRead: 631, RowsLoaded: 631, RowsWarned: 2,
		PatientsMatched: 27, VisitsMatched: 604}
	if diff := cmp.Diff(again.Progress, want); diff != "" {
		t.Fatalf("second import (-got +want):\n%s", diff)
	}
	if n := d.count(t, "SELECT count(*) FROM patients"); n != 27 {
		t.Errorf("patients after second import = %d, want 27", n)
	}
	if n := d.count(t, "SELECT count(*) FROM visits"); n != 604 {
		t.Errorf("visits after second import = %d, want 604", n)
	}
}
