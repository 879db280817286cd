package importer

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTable reads the same two-row table written the ways spreadsheets and exports write
// it: the header is found without its BOM, the separator is sniffed, and each row keeps
// the line it starts on.
func TestTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		lines    []int64
	}{
		{"CommaLF", "Id,Name\n1,Ann\n2,Bob\n", []int64{2, 3}},
		{"BOMSemicolonCRLF", "\ufeffId;Name\r\n1;Ann\r\n2;Bob\r\n", []int64{2, 3}},
		{"Tab", "Id\tName\n1\tAnn\n2\tBob", []int64{2, 3}},
		{"QuotedNewline", "Id,Name\n1,\"Ann\nMarie\"\n2,Bob\n", []int64{2, 4}},
		{"QuotedSeparatorInHeader", "\"Id;x\",Name\n1,Ann\n2,Bob\n", []int64{2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb, err := newTable(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if tb.header[0] != "Id" && tb.header[0] != "Id;x" || tb.header[1] != "Name" {
				t.Fatalf("header %q", tb.header)
			}
			var lines []int64
			var names []string
			for {
				r, problems, err := tb.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil || problems != nil {
					t.Fatalf("row: %v %v", err, problems)
				}
				lines = append(lines, r.line)
				names = append(names, r.get("name"))
			}
			if diff := cmp.Diff(lines, c.lines); diff != "" {
				t.Errorf("lines (-got +want):\n%s", diff)
			}
			if names[1] != "Bob" {
				t.Errorf("names %q", names)
			}
		})
	}
}

// TestTableFaults: an empty file is a file fault; rows with too few columns, a stray
// quote or bytes that are not UTF-8 are row problems and reading goes on.
func TestTableFaults(t *testing.T) {
	t.Parallel()
	if _, err := newTable(strings.NewReader("")); err == nil {
		t.Errorf("empty file accepted")
	}
	tb, err := newTable(strings.NewReader("a,b\n1\n\"x\"y,2\n\xff,3\n4,5\n"))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for {
		_, problems, err := tb.next()
		if errors.Is(err, io.EOF) {
			break
		}
		code := "ok"
		if len(problems) > 0 {
			code = problems[0].Code
		}
		codes = append(codes, code)
	}
	want := []string{"column_count", "malformed_row", "invalid_utf8", "ok"}
	if diff := cmp.Diff(codes, want); diff != "" {
		t.Errorf("codes (-got +want):\n%s", diff)
	}
}

// TestDefaultMapping recognises the usual header names of a patient table, and refuses
// a table without the required columns.
func TestDefaultMapping(t *testing.T) {
	t.Parallel()
	m, ok := DefaultMapping([]string{"\ufeffPatient ID", "First Name", "Surname", "DOB",
		"Gender", "Zip", "E-mail"})
	want := Mapping{SourceID: "Patient ID", GivenNames: "First Name", FamilyName: "Surname",
		BirthDate: "DOB", Sex: "Gender", PostalCode: "Zip", Email: "E-mail"}
	if diff := cmp.Diff(m, want); !ok || diff != "" {
		t.Errorf("mapping ok=%v (-got +want):\n%s", ok, diff)
	}
	if _, ok := DefaultMapping([]string{"Name", "Phone"}); ok {
		t.Errorf("a table without ids or birth dates was taken for a patient table")
	}
}
