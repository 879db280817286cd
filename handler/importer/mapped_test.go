package importer_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/importer"
)

// badRowsCSV is a generic patient table with a row for each fault a real export has:
// quoted fields holding the separator and a line break, names with digits and accents,
// an empty and a leading-zero postal code, and rows that must be rejected.
const badRowsCSV = "\ufeffPatient ID;First name;Surname;DOB;Gender;Zip;Died;Notes\r\n" +
	"A-1;Zoë;\"Núñez; Jr\";03/04/1980;F;01234;;\"two\r\nlines\"\r\n" + // line 2 (and 3)
	"A-2;Ann3;O'Brien;31/12/1999;female;;;\r\n" + // line 4
	"A-3;Bob;Lee;01/01/2999;M;;;\r\n" + // line 5: future birth date
	";Cy;Sue;01/01/1990;M;;;\r\n" + // line 6: no source id
	"A-5;Dee;Ray;01/01/1990;X;;;\r\n" + // line 7: unknown sex
	"A-6;Eve;Ode;1990-01-01;F;;;\r\n" + // line 8: ISO dates are always understood
	"A-7;Fay;Ng\r\n" + // line 9: too few columns
	"A-2;Gus;Dup;01/01/1990;M;;;\r\n" + // line 10: duplicate source id
	"A-9;Hal;Kid;01/01/1990;M;;01/01/1980;\r\n" + // line 11: died before birth
	"A-10;Ivy;\"Q\"uote\";01/01/1990;F;;;\r\n" + // line 12: malformed quote
	"A-11;\"=HYPERLINK(\"\"x\"\")\";Formula;02/02/1990;F;;;\r\n" + // line 13: text
	"A-12;\"Tab\tName\";Ctl;02/02/1990;F;;;\r\n" // line 14: control character

type reportRow struct {
	Line  int64
	Code  string
	Field string
}

// TestMappedCSVReport loads a generic CSV with bad rows: good rows load, every bad one
// is reported by line, code and field, and no rejected row leaves anything behind.
func TestMappedCSVReport(t *testing.T) {
	d := newTestDB(t)
	path := writeFile(t, t.TempDir(), "old-system.csv", []byte(badRowsCSV))
	m := &importer.Mapping{SourceID: "Patient ID", GivenNames: "First name",
		FamilyName: "Surname", BirthDate: "DOB", Sex: "Gender", PostalCode: "Zip",
		DeceasedDate: "Died", DateFormat: "DD/MM/YYYY", IdentifierSystem: "urn:example:old"}
	job := d.runPlan(t, importer.Plan{Kind: importer.KindPatientCSV, Mapping: m,
		Files: []importer.LocalFile{{Path: path, Role: importer.RolePatients}}})
	if job.Progress.RowsLoaded != 4 || job.Progress.RowsRejected != 8 {
		t.Errorf("progress %+v, want 4 loaded and 8 rejected", job.Progress)
	}
	rows, err := d.conn.Query(context.Background(), `SELECT line, code, coalesce(field, '')
	  FROM import_rejections WHERE job_id = $1 ORDER BY seq`, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reportRow])
	if err != nil {
		t.Fatal(err)
	}
	want := []reportRow{
		{5, "future_date", "birthDate"},
		{6, "required", "sourceId"},
		{7, "invalid_value", "sex"},
		{9, "column_count", ""},
		{10, "duplicate_source_id", "sourceId"},
		{11, "before_birth", "deceasedDate"},
		{12, "malformed_row", ""},
		{14, "control_char", "givenNames"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("report (-got +want):\n%s", diff)
	}
	var given, family, postal string
	if err := d.conn.QueryRow(context.Background(), `SELECT given_names, family_name,
	    address->>'postalCode' FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id
	  WHERE i.system = 'urn:example:old' AND i.value = 'A-1'`).Scan(&given, &family,
		&postal); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{given, family, postal},
		[]string{"Zoë", "Núñez; Jr", "01234"}); diff != "" {
		t.Errorf("A-1 (-got +want):\n%s", diff)
	}
	if n := d.count(t, "SELECT count(*) FROM patients"); n != 4 {
		t.Errorf("%d patients stored, want 4", n)
	}
	if n := d.count(t, `SELECT count(*) FROM patients
	    WHERE given_names = '=HYPERLINK("x")'`); n != 1 {
		t.Errorf("the formula-looking name was not stored as text")
	}
}
