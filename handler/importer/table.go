package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// bom is the UTF-8 byte-order mark that Excel writes at the start of "CSV UTF-8" files.
var bom = []byte{0xEF, 0xBB, 0xBF}

// sniffBytes bounds how much of a file is looked at to find the header line.
const sniffBytes = 64 << 10

// table reads a delimited text file as spreadsheets save it: a UTF-8 byte-order mark is
// dropped (encoding/csv would keep it on the first column name), the separator is taken
// from the header line (";" as European Excel writes it, "," or tab), CRLF and LF both
// end lines, and quoted fields may hold separators, quotes and line breaks.
type table struct {
	r      *csv.Reader
	header []string
	cols   map[string]int // lower-cased header name -> column
}

// newTable reads the header. A file with no header line is an ErrFile "empty_file".
func newTable(rd io.Reader) (*table, error) {
	br := bufio.NewReaderSize(rd, sniffBytes)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	peek, _ := br.Peek(sniffBytes)
	r := csv.NewReader(br)
	r.Comma = sniffSeparator(peek)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileError("empty_file", "")
	}
	if err != nil {
		return nil, fileError("malformed_header", "")
	}
	t := &table{r: r, header: make([]string, len(header)), cols: map[string]int{}}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !utf8.ValidString(h) {
			return nil, fileError("invalid_utf8", "")
		}
		t.header[i] = h
		if _, dup := t.cols[strings.ToLower(h)]; !dup && h != "" {
			t.cols[strings.ToLower(h)] = i
		}
	}
	return t, nil
}

// sniffSeparator returns the candidate that occurs most often, outside quotes, in the
// first line of b; a comma when none does.
func sniffSeparator(b []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range b {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' || c == '\r' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best, n := byte(','), 0
	for _, c := range []byte{',', ';', '\t'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}

// has reports whether the header names column (case-insensitive).
func (t *table) has(column string) bool {
	_, ok := t.cols[strings.ToLower(column)]
	return ok
}

// require returns an ErrFile naming the first of columns the header lacks.
func (t *table) require(columns ...string) error {
	for _, c := range columns {
		if !t.has(c) {
			return fileError("missing_column", c)
		}
	}
	return nil
}

// row is one record of a table.
type row struct {
	t      *table
	fields []string
	line   int64
}

// next returns the next row. A row that cannot be parsed, has the wrong number of
// columns, or is not UTF-8 comes back with a problem and no fields.
func (t *table) next() (row, []Problem, error) {
	fields, err := t.r.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return row{}, nil, io.EOF
	case errors.As(err, &pe):
		return row{line: int64(pe.StartLine)}, []Problem{{Code: "malformed_row"}}, nil
	case err != nil:
		return row{}, nil, err
	}
	line, _ := t.r.FieldPos(0)
	r := row{t: t, fields: fields, line: int64(line)}
	if len(fields) != len(t.header) {
		return row{line: r.line}, []Problem{{Code: "column_count"}}, nil
	}
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return row{line: r.line}, []Problem{{Code: "invalid_utf8"}}, nil
		}
	}
	return r, nil, nil
}

// get returns the trimmed value of column, "" when the column is absent.
func (r row) get(column string) string {
	i, ok := r.t.cols[strings.ToLower(column)]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// opt returns a pointer to the trimmed value of column, nil when it is empty.
func (r row) opt(column string) *string {
	if v := r.get(column); v != "" {
		return &v
	}
	return nil
}
