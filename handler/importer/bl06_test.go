package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/importer"
)

// excelStyle re-saves a CSV the way European Excel does: ";" separators, CRLF line
// endings, a byte-order mark, and quotes only where a field needs them.
func excelStyle(tb testing.TB, in []byte) []byte {
	tb.Helper()
	records, err := csv.NewReader(bytes.NewReader(in)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	buf.Write([]byte{0xEF, 0xBB, 0xBF})
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = ';', true
	if err := w.WriteAll(records); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

type importedPatient struct {
	Source, Given, Family string
	Postal                *string
}

func importedPatients(tb testing.TB, d *testDB) []importedPatient {
	tb.Helper()
	rows, err := d.conn.Query(context.Background(), `SELECT i.value, p.given_names,
	    p.family_name, p.address->>'postalCode'
	  FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id
	  WHERE i.system = 'urn:synthea:patient' ORDER BY i.value`)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (importedPatient, error) {
		var p importedPatient
		err := r.Scan(&p.Source, &p.Given, &p.Family, &p.Postal)
		return p, err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestBL06 replays BL-06 of bad-inputs.md: patients.csv as it is, with a BOM prepended,
// and re-saved with ";", CRLF and a BOM all give the same 27 patients with the same ids
// and names, the ZIP 02155 with its zero, the 12 empty ZIPs as null, and a second
// import of each changes nothing.
func TestBL06(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedDir(t, "synthea-csv"), "patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string][]byte{
		"as_is":               raw,
		"bom":                 append([]byte{0xEF, 0xBB, 0xBF}, raw...),
		"excel_semi_crlf_bom": excelStyle(t, raw),
	}
	var reference []importedPatient
	for _, name := range []string{"as_is", "bom", "excel_semi_crlf_bom"} {
		t.Run(name, func(t *testing.T) {
			d := newTestDB(t)
			path := writeFile(t, t.TempDir(), "patients.csv", variants[name])
			plan := importer.Plan{Kind: importer.KindSynthea,
				Files: []importer.LocalFile{{Path: path, Role: importer.RolePatients}}}
			for round := 0; round < 2; round++ {
				job := d.runPlan(t, plan)
				if job.Progress.RowsLoaded != 27 || job.Progress.RowsRejected != 0 {
					t.Fatalf("round %d: progress %+v", round, job.Progress)
				}
			}
			got := importedPatients(t, d)
			if len(got) != 27 {
				t.Fatalf("%d patients, want 27", len(got))
			}
			nulls, zero := 0, false
			for _, p := range got {
				if p.Postal == nil {
					nulls++
				} else if *p.Postal == "02155" {
					zero = true
				}
				if strings.HasPrefix(p.Source, "\ufeff") {
					t.Errorf("source id keeps the BOM")
				}
			}
			if nulls != 12 || !zero {
				t.Errorf("empty ZIPs stored as null: %d (want 12); 02155 kept: %v", nulls, zero)
			}
			if n := d.count(t, `SELECT count(*) FROM patients
			    WHERE address ? 'postalCode' AND address->>'postalCode' = ''`); n != 0 {
				t.Errorf("%d empty-string ZIPs", n)
			}
			if reference == nil {
				reference = got
			} else if diff := cmp.Diff(got, reference); diff != "" {
				t.Errorf("differs from the file as it is (-got +want):\n%s", diff)
			}
		})
	}
}
