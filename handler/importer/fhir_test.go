package importer_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/importer"
	"patienttracker/handler/postgres"
)

// TestFHIRBundles imports the two Synthea bundles of ../shared/testdata/real/fhir found
// by ScanFolder (one has a non-ASCII file name): one patient each with 32 and 79
// encounters, Godínez202 kept with its accent and found by its folded form, and a
// second import creates nothing.
func TestFHIRBundles(t *testing.T) {
	dir := sharedDir(t, "fhir")
	d := newTestDB(t)
	plans, skipped, err := importer.ScanFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || plans[0].Kind != importer.KindBundle || len(plans[0].Files) != 2 ||
		len(skipped) != 0 {
		t.Fatalf("ScanFolder = %+v, skipped %v; want one plan of two bundles", plans, skipped)
	}

	job := d.runPlan(t, plans[0])
	want := postgres.ImportProgress{RowsRead: 2 + 32 + 79, RowsLoaded: 113,
		PatientsCreated: 2, VisitsCreated: 111}
	if diff := cmp.Diff(job.Progress, want); diff != "" || job.Status != "succeeded" {
		t.Fatalf("import: status %s (-got +want):\n%s", job.Status, diff)
	}
	var given, family, birth, lang, postal, phone string
	err = d.conn.QueryRow(context.Background(), `SELECT p.given_names, p.family_name,
	    p.birth_date::text, p.preferred_language, p.address->>'postalCode', p.phone
	  FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id
	  WHERE i.system = 'http://hospital.smarthealthit.org'
	    AND i.value = '6eb9f136-121e-2f36-9115-d450c210dced'`).Scan(&given, &family, &birth,
		&lang, &postal, &phone)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{given, family, birth, lang, postal, phone}
	wantRamona := []string{"Ramona980", "Godínez202", "1937-04-17", "es", "02129",
		"555-889-2084"}
	if diff := cmp.Diff(got, wantRamona); diff != "" {
		t.Errorf("Ramona (-got +want):\n%s", diff)
	}
	if n := d.count(t, `SELECT count(*) FROM patients WHERE name_compact LIKE '%godinez%'`); n != 1 {
		t.Errorf("folded search for godinez finds %d", n)
	}
	var first time.Time
	if err := d.conn.QueryRow(context.Background(), `SELECT min(v.start_at) FROM visits v
	    JOIN patients p ON p.id = v.patient_id WHERE p.family_name = 'Keeling57'`).
		Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first.UTC().Format(time.RFC3339) != "1991-07-08T01:39:26Z" {
		t.Errorf("Bob's first encounter starts %s", first.UTC().Format(time.RFC3339))
	}

	again := d.runPlan(t, plans[0])
	want = postgres.ImportProgress{RowsRead: 113, RowsLoaded: 113, PatientsMatched: 2,
		VisitsMatched: 111}
	if diff := cmp.Diff(again.Progress, want); diff != "" {
		t.Fatalf("second import (-got +want):\n%s", diff)
	}
}
