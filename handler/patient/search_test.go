package patient

import (
	"slices"
	"strings"
	"testing"

	"patienttracker/handler/apperror"
)

func TestParseTerm(t *testing.T) {
	t.Parallel()
	mrn := FormatMRN(100042)
	tests := []struct {
		name   string
		in     string
		shape  Shape
		detail string // MRN, date, digits or space-joined tokens
	}{
		{"blank", "", ShapeAll, ""},
		{"spaces", "   ", ShapeAll, ""},
		{"MRN", mrn, ShapeMRN, mrn},
		{"MRN lower, no dashes", strings.ToLower(strings.ReplaceAll(mrn, "-", "")), ShapeMRN, mrn},
		{"birth date", "1990-01-01", ShapeBirthDate, "1990-01-01"},
		{"phone", "+1 (555) 010-0123", ShapePhone, "15550100123"},
		{"phone digits", "5550100", ShapePhone, "5550100"},
		{"name", "Zoë", ShapeName, "zoe"},
		{"NFD name", "zoe\u0308", ShapeName, "zoe"},
		{"two tokens", "o brien", ShapeName, "o brien"},
		{"apostrophe", "O’Brien", ShapeName, "obrien"},
		{"lone apostrophe", "'", ShapeNone, ""},
		{"percent", "%", ShapeNone, ""},
		{"underscore", "_", ShapeNone, ""},
		{"backslash", `\`, ShapeNone, ""},
		{"SQL", "' OR 1=1 --", ShapeName, "or 1 1"},
	}
	for _, tt := range tests {
		got := ParseTerm(tt.in)
		detail := ""
		switch got.Shape {
		case ShapeMRN:
			detail = got.MRN
		case ShapeBirthDate:
			detail = got.BirthDate.String()
		case ShapePhone:
			detail = got.Digits
		case ShapeName:
			detail = strings.Join(got.Tokens, " ")
		}
		if got.Shape != tt.shape || detail != tt.detail {
			t.Errorf("%s: ParseTerm(%q) = %s %q, want %s %q", tt.name, tt.in, got.Shape,
				detail, tt.shape, tt.detail)
		}
	}
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	ptr := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	tests := []struct {
		name string
		req  SearchRequest
		code string // "" when accepted
	}{
		{"empty", SearchRequest{}, ""},
		{"all sorts", SearchRequest{Sort: "-birthDate"}, ""},
		{"V4 injected sort", SearchRequest{Sort: "name;DROP TABLE patients--"}, "invalid_sort"},
		{"V4 extractvalue", SearchRequest{
			Sort: "1,extractvalue(0x0a,concat(0x0a,(select version())))"}, "invalid_sort"},
		{"V5 long query", SearchRequest{Q: strings.Repeat("a", 10000)}, "query_too_long"},
		{"100 runes", SearchRequest{Q: strings.Repeat("é", 100)}, ""},
		{"101 runes", SearchRequest{Q: strings.Repeat("é", 101)}, "query_too_long"},
		{"bad sex", SearchRequest{Sex: ptr("MALE")}, "validation_failed"},
		{"bad date", SearchRequest{BirthDateFrom: ptr("2024-02-30")}, "validation_failed"},
		{"bad archived", SearchRequest{Archived: "all"}, "validation_failed"},
		{"L2 tampered cursor", SearchRequest{Cursor: "AAAA"}, "invalid_cursor"},
		{"huge limit", SearchRequest{Limit: num(1000000)}, ""},
	}
	for _, tt := range tests {
		_, err := ParseSearch(tt.req)
		code := ""
		if ae, ok := apperror.As(err); ok {
			code = ae.Code
		} else if err != nil {
			t.Fatalf("%s: error %v is not an apperror", tt.name, err)
		}
		if code != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, code, tt.code)
		}
	}
}

func TestClampLimit(t *testing.T) {
	t.Parallel()
	num := func(n int) *int { return &n }
	for _, tt := range []struct {
		in   *int
		want int
	}{{nil, 25}, {num(0), 25}, {num(-1), 25}, {num(1), 1}, {num(100), 100},
		{num(101), 100}, {num(1000000), 100}} {
		if got := ClampLimit(tt.in); got != tt.want {
			t.Errorf("ClampLimit(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	s, err := ParseSearch(SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	c := Cursor{Key: "1973-10-28", ID: [16]byte{1}}
	got, err := DecodeCursor(c.Encode())
	if err != nil || *got != c {
		t.Fatalf("DecodeCursor(Encode()) = %v, %v", got, err)
	}
	for _, bad := range []string{"AAAA", "!!", "e30", c.Encode() + "x"} {
		if _, err := DecodeCursor(bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
	if !slices.Contains([]string{"name"}, s.SortKey) || s.Limit != 25 {
		t.Errorf("defaults: sort %q limit %d", s.SortKey, s.Limit)
	}
}
