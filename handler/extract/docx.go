package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	kflate "github.com/klauspost/compress/flate"
)

// The DOCX parts this package reads.
const (
	docxBody = "word/document.xml"
	docxCore = "docProps/core.xml"
	docxApp  = "docProps/app.xml"
)

// docxReader reads parts of a DOCX archive within a shared budget of
// inflated bytes, so a zip bomb ends as a limit verdict.
type docxReader struct {
	files  map[string]*zip.File
	budget int64
	depth  int
}

// inspectDOCX reads a Word document's core properties and stored page
// count (archive/zip, encoding/xml) and its body text (bodyScanner).
// truncated reports that the body held more than Limits.MaxTextBytes of
// text and was not read to its end.
func inspectDOCX(ctx context.Context, data []byte, lim Limits) (
	info *DOCXInfo, text string, truncated bool, err error) {
	r, err := openDOCX(data, lim)
	if err != nil {
		return nil, "", false, err
	}
	info = &DOCXInfo{}
	if err := r.readCore(info); err != nil {
		return nil, "", false, err
	}
	if err := r.readApp(info); err != nil {
		return nil, "", false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", false, err
	}
	text, info.Paragraphs, truncated, err = r.readBody(ctx, lim.MaxTextBytes)
	if err != nil {
		return nil, "", false, err
	}
	return info, text, truncated, nil
}

// openDOCX opens the archive and indexes its entries.
func openDOCX(data []byte, lim Limits) (*docxReader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errCorrupt("open docx archive: %v", err)
	}
	// klauspost/compress inflates the same Deflate data faster than
	// compress/flate; archive/zip still checks sizes and CRC-32.
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser {
		return kflate.NewReader(r)
	})
	if len(zr.File) > lim.MaxZipEntries {
		return nil, errLimit("docx archive has %d entries", len(zr.File))
	}
	r := &docxReader{files: map[string]*zip.File{}, budget: lim.MaxInflatedBytes,
		depth: lim.MaxNesting * 4}
	for _, f := range zr.File {
		r.files[f.Name] = f
	}
	if r.files[docxBody] == nil {
		return nil, errCorrupt("docx has no %s", docxBody)
	}
	return r, nil
}

// open returns a reader of one part's inflated bytes, charged against the
// budget, and its close function. A missing optional part gives nil.
func (r *docxReader) open(name string) (io.Reader, func(), error) {
	f := r.files[name]
	if f == nil {
		return nil, func() {}, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, errCorrupt("open %s: %v", name, err)
	}
	return &budgetReader{r: rc, left: &r.budget}, func() { rc.Close() }, nil
}

// budgetReader fails once the shared budget of inflated bytes is spent.
type budgetReader struct {
	r    io.Reader
	left *int64
}

var errBudget = errors.New("inflated size budget exhausted")

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.left <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > *b.left {
		p = p[:*b.left]
	}
	n, err := b.r.Read(p)
	*b.left -= int64(n)
	return n, err
}

// partError turns a read failure of a part into a verdict.
func partError(name string, err error) error {
	switch {
	case errors.Is(err, errBudget):
		return errLimit("docx part %s inflates past the budget", name)
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF):
		return errCorrupt("read %s: %v", name, err)
	}
	if _, ok := asContentError(err); ok {
		return err
	}
	return errCorrupt("parse %s: %v", name, err)
}

// readCore reads docProps/core.xml (Dublin Core properties).
func (r *docxReader) readCore(info *DOCXInfo) error {
	fields := map[string]string{}
	if err := r.collect(docxCore, func(local string) bool {
		switch local {
		case "title", "subject", "creator", "lastModifiedBy", "created", "modified":
			return true
		}
		return false
	}, fields); err != nil {
		return err
	}
	info.Title, info.Subject = fields["title"], fields["subject"]
	info.Creator, info.LastModifiedBy = fields["creator"], fields["lastModifiedBy"]
	info.Created, info.Modified = parseW3CDTF(fields["created"]), parseW3CDTF(fields["modified"])
	return nil
}

// readApp reads the stored page count from docProps/app.xml.
func (r *docxReader) readApp(info *DOCXInfo) error {
	fields := map[string]string{}
	err := r.collect(docxApp, func(local string) bool { return local == "Pages" }, fields)
	if err != nil {
		return err
	}
	info.Pages, _ = strconv.Atoi(fields["Pages"])
	return nil
}

// collect reads the character data of the wanted top-level property
// elements of a part into fields.
func (r *docxReader) collect(name string, want func(string) bool, fields map[string]string) error {
	part, done, err := r.open(name)
	if err != nil || part == nil {
		return err
	}
	defer done()
	dec := xml.NewDecoder(part)
	var cur string
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partError(name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > r.depth {
				return errLimit("docx part %s nests too deep", name)
			}
			if depth == 2 && want(t.Name.Local) {
				cur = t.Name.Local
			}
		case xml.EndElement:
			depth--
			cur = ""
		case xml.CharData:
			if cur != "" && len(fields[cur]) < 1024 {
				fields[cur] += strings.TrimSpace(string(t))
			}
		}
	}
}

// readBody extracts the text of word/document.xml (see bodyScanner): runs'
// text, tabs and breaks, one line per paragraph. It stops reading once the
// text is longer than maxText, and then reports it truncated.
func (r *docxReader) readBody(ctx context.Context, maxText int) (string, int, bool, error) {
	// Reading may stop early, at maxText: a bomb that says what it holds
	// is refused here, and one that lies fails when the rest is read (by
	// anything, archive/zip never reads past a declared size).
	size := r.files[docxBody].UncompressedSize64
	if size > uint64(max(r.budget, 0)) {
		return "", 0, false, errLimit("docx part %s inflates past the budget", docxBody)
	}
	part, done, err := r.open(docxBody)
	if err != nil {
		return "", 0, false, err
	}
	defer done()
	text, paragraphs, truncated, err := scanDOCXBody(ctx, part, size, r.depth, maxText)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, false, ctx.Err()
		}
		return "", 0, false, partError(docxBody, err)
	}
	return text, paragraphs, truncated, nil
}

// parseW3CDTF parses the dates of core.xml (dcterms:W3CDTF); nil when
// absent or unreadable.
func parseW3CDTF(s string) *time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}
