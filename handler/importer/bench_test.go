package importer_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/importer"
	"patienttracker/handler/patient"
)

// benchSize is the generated clinic: PT_BENCH_IMPORT_PATIENTS patients (100,000) with
// ten visits each.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("PT_BENCH_IMPORT_PATIENTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// writeSyntheaFiles writes a Synthea-shaped patients.csv and encounters.csv of n
// synthetic patients with ten encounters each, and returns the folder.
func writeSyntheaFiles(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	pf, _ := os.Create(filepath.Join(dir, "patients.csv"))
	ef, _ := os.Create(filepath.Join(dir, "encounters.csv"))
	pw, ew := csv.NewWriter(bufio.NewWriter(pf)), csv.NewWriter(bufio.NewWriter(ef))
	_ = pw.Write([]string{"Id", "BIRTHDATE", "DEATHDATE", "FIRST", "LAST", "GENDER",
		"ADDRESS", "CITY", "STATE", "ZIP"})
	_ = ew.Write([]string{"Id", "START", "STOP", "PATIENT", "ENCOUNTERCLASS", "CODE",
		"DESCRIPTION", "REASONCODE", "REASONDESCRIPTION"})
	given := []string{"Ana", "Bo", "Chloé", "Dmitri", "Eun", "Femi", "Günter", "Hana"}
	family := []string{"García", "Nguyễn", "O'Brien", "Smith-Jones", "Kowalski", "Lee"}
	for i := 0; i < n; i++ {
		id := uuid.NewString()
		birth := time.Date(1930+rng.IntN(90), time.Month(1+rng.IntN(12)), 1+rng.IntN(28),
			0, 0, 0, 0, time.UTC)
		_ = pw.Write([]string{id, birth.Format(time.DateOnly), "",
			given[rng.IntN(len(given))] + strconv.Itoa(rng.IntN(999)),
			family[rng.IntN(len(family))] + strconv.Itoa(rng.IntN(999)),
			[]string{"M", "F"}[rng.IntN(2)], strconv.Itoa(rng.IntN(999)) + " Main St",
			"Boston", "Massachusetts", fmt.Sprintf("%05d", rng.IntN(99999))})
		for v := 0; v < 10; v++ {
			start := birth.Add(time.Duration(1+rng.IntN(300000)) * time.Hour)
			_ = ew.Write([]string{uuid.NewString(), start.Format(time.RFC3339),
				start.Add(30 * time.Minute).Format(time.RFC3339), id, "ambulatory",
				"185345009", "Encounter for symptom", "", ""})
		}
	}
	pw.Flush()
	ew.Flush()
	for _, f := range []*os.File{pf, ef} {
		if err := f.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// plainCopy loads the same files with nothing but CSV parsing, the derived name
// columns the table requires, and three COPYs (patients, their source identifiers,
// visits): the baseline the importer is measured against.
func plainCopy(tb testing.TB, d *testDB, dir string) (int64, int64) {
	tb.Helper()
	ctx := context.Background()
	ids := map[string]uuid.UUID{}
	seq := int64(100000)
	var idRows [][]any
	pr := openCSV(tb, filepath.Join(dir, "patients.csv"))
	n, err := d.conn.CopyFrom(ctx, pgx.Identifier{"patients"}, []string{"id", "mrn",
		"given_names", "family_name", "name_folded", "name_compact", "sort_name",
		"birth_date", "sex", "address", "version", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			r, err := pr.Read()
			if err != nil {
				return nil, eofNil(err)
			}
			id := uuid.New()
			ids[r[0]] = id
			seq++
			idRows = append(idRows, []any{id, importer.SyntheaPatientSystem, r[0],
				patient.NormalizeIdentifierValue(r[0])})
			full := r[3] + " " + r[4]
			sex := map[string]string{"M": "male", "F": "female"}[r[5]]
			return []any{id, patient.FormatMRN(seq), r[3], r[4], patient.Fold(full),
				patient.Compact(full), patient.SortName(r[3], r[4]), r[1], sex,
				fmt.Sprintf(`{"lines":[%q],"city":%q,"region":%q,"postalCode":%q}`,
					r[6], r[7], r[8], r[9]), 1, fixedNow, fixedNow}, nil
		}))
	if err != nil {
		tb.Fatalf("copy patients: %v", err)
	}
	if _, err := d.conn.CopyFrom(ctx, pgx.Identifier{"patient_identifiers"},
		[]string{"patient_id", "system", "value", "value_normalized"},
		pgx.CopyFromRows(idRows)); err != nil {
		tb.Fatalf("copy identifiers: %v", err)
	}
	er := openCSV(tb, filepath.Join(dir, "encounters.csv"))
	v, err := d.conn.CopyFrom(ctx, pgx.Identifier{"visits"}, []string{"id", "patient_id",
		"start_at", "end_at", "status", "reason", "reason_code", "version", "created_at",
		"updated_at", "source_system", "source_value", "encounter_class"},
		pgx.CopyFromFunc(func() ([]any, error) {
			r, err := er.Read()
			if err != nil {
				return nil, eofNil(err)
			}
			start, _ := time.Parse(time.RFC3339, r[1])
			end, _ := time.Parse(time.RFC3339, r[2])
			return []any{uuid.New(), ids[r[3]], start, end, "finished", r[6], r[5], 1,
				fixedNow, fixedNow, importer.SyntheaEncounterSystem, r[0], "AMB"}, nil
		}))
	if err != nil {
		tb.Fatalf("copy visits: %v", err)
	}
	return n, v
}

func openCSV(tb testing.TB, path string) *csv.Reader {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		tb.Fatal(err)
	}
	return r
}

func eofNil(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// BenchmarkImportVsCopy measures, in one run, a plain COPY of a generated clinic
// (100,000 patients, 1,000,000 visits) and the importer loading the same files with
// validation, staging, matching, MRNs and audit rows; it reports both throughputs and
// the importer's share of the plain COPY's. Run with -benchtime 1x.
func BenchmarkImportVsCopy(b *testing.B) {
	n := benchSize()
	dir := writeSyntheaFiles(b, n)
	for i := 0; i < b.N; i++ {
		base := newTestDB(b)
		t0 := time.Now()
		pc, vc := plainCopy(b, base, dir)
		copyDur := time.Since(t0)

		d := newTestDB(b)
		t0 = time.Now()
		job := d.runPlan(b, syntheaPlan(dir))
		importDur := time.Since(t0)
		if job.Progress.PatientsCreated != pc || job.Progress.VisitsCreated != vc {
			b.Fatalf("import created %d/%d, copy %d/%d", job.Progress.PatientsCreated,
				job.Progress.VisitsCreated, pc, vc)
		}
		rows := float64(pc + vc)
		b.ReportMetric(float64(pc)/copyDur.Seconds(), "copy_patients/s")
		b.ReportMetric(float64(vc)/copyDur.Seconds(), "copy_visits/s")
		b.ReportMetric(float64(pc)/importDur.Seconds(), "import_patients/s")
		b.ReportMetric(float64(vc)/importDur.Seconds(), "import_visits/s")
		b.ReportMetric(100*(rows/importDur.Seconds())/(rows/copyDur.Seconds()),
			"import_%_of_copy")
		fmt.Fprintf(os.Stderr, "import bench: %d patients, %d visits: plain COPY %s, "+
			"import %s (%.0f%% of COPY throughput)\n", pc, vc, copyDur.Round(time.Millisecond),
			importDur.Round(time.Millisecond), 100*copyDur.Seconds()/importDur.Seconds())
	}
}
