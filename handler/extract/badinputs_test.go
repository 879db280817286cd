package extract

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"
)

// TestU6EmptyBlob: a 0-byte blob ends failed with reason empty.
func TestU6EmptyBlob(t *testing.T) {
	t.Parallel()
	res := mustInspect(t, nil, Declared{FileName: "scan.pdf", ContentType: TypePDF, Size: 0},
		Options{})
	if res.Status != StatusFailed || res.Reason != ReasonEmpty || res.MediaType != "" {
		t.Fatalf("got %s %s %q", res.Status, res.Reason, res.MediaType)
	}
	if res.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("sha256 %s", res.SHA256)
	}
}

// TestU7MagicBytesUnderPDFName: executables and HTML named .pdf are found by
// their magic bytes and quarantined as type_mismatch.
func TestU7MagicBytesUnderPDFName(t *testing.T) {
	t.Parallel()
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...)
	cases := map[string][]byte{
		"PE":   pe,
		"ELF":  elf,
		"HTML": []byte("<html><body><script>alert(1)</script></body></html>"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := mustInspect(t, data, Declared{FileName: "invoice.pdf", ContentType: TypePDF,
				Size: int64(len(data))}, Options{})
			wantRejected(t, res, StatusQuarantined, ReasonTypeMismatch)
			if !res.HasWarning(WarnDeclaredTypeMismatch) || !res.HasWarning(WarnExtensionMismatch) {
				t.Errorf("warnings %v", res.Warnings)
			}
		})
	}
}

func wantRejected(tb testing.TB, res Result, s Status, r Reason) {
	tb.Helper()
	if res.Status != s || res.Reason != r {
		tb.Fatalf("got %s/%s (%s), want %s/%s", res.Status, res.Reason, res.Detail, s, r)
	}
	if res.Text != "" {
		tb.Errorf("a rejected document has text %q", head(res.Text, 80))
	}
}

// TestU8PDFBombs: hostile PDFs are rejected within the time budget and
// without the memory they ask for.
func TestU8PDFBombs(t *testing.T) {
	t.Parallel()
	cases := map[string]func(testing.TB) []byte{
		"100k pages claimed":  func(testing.TB) []byte { return manyPagesPDF(3, 100_000) },
		"100k pages present":  func(testing.TB) []byte { return manyPagesPDF(100_000, 1) },
		"page tree 100k deep": func(testing.TB) []byte { return deepTreePDF(100_000) },
		"arrays 1M deep":      func(testing.TB) []byte { return deepArrayPDF(1_000_000) },
		"stream inflating to 1 GB": func(tb testing.TB) []byte {
			return bombPDF(tb, 1<<30)
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := build(t)
			res := mustInspect(t, data, Declared{FileName: "bomb.pdf", Size: int64(len(data))},
				Options{})
			wantRejected(t, res, StatusQuarantined, ReasonLimitExceeded)
		})
	}
}

// TestU8ObjectStreamLoop: an object stream that extends itself is corrupt,
// never an endless loop.
func TestU8ObjectStreamLoop(t *testing.T) {
	t.Parallel()
	res := mustInspect(t, loopObjStmPDF(t), Declared{}, Options{})
	if res.Status == StatusReady && res.PDF != nil && res.PDF.Pages != 1 {
		t.Fatalf("pages %d", res.PDF.Pages)
	}
}

// TestU8TimeBudget: running out of the per-document budget quarantines,
// while the caller's own cancellation is an error (to retry).
func TestU8TimeBudget(t *testing.T) {
	t.Parallel()
	data := bombPDF(t, 1<<30)
	res := mustInspect(t, data, Declared{}, Options{Limits: Limits{Timeout: time.Nanosecond,
		MaxInflatedBytes: 1 << 40}})
	wantRejected(t, res, StatusQuarantined, ReasonLimitExceeded)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Inspect(ctx, data, Declared{}, Options{}); err == nil {
		t.Fatal("cancelled context gave no error")
	}
}

// TestU10ActiveContentAsImage: SVG with script under a .png name, and a
// PNG that is also HTML, are quarantined as type_mismatch.
func TestU10ActiveContentAsImage(t *testing.T) {
	t.Parallel()
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	polyglot := insertPNGChunk(pngBuf.Bytes(), "tEXt",
		[]byte("Comment\x00<html><script>alert(document.domain)</script></html>"))
	cases := map[string][]byte{
		"svg with script": []byte(`<svg xmlns="http://www.w3.org/2000/svg">` +
			`<script>alert(1)</script></svg>`),
		"png/html polyglot": polyglot,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := mustInspect(t, data, Declared{FileName: "photo.png", ContentType: TypePNG},
				Options{})
			wantRejected(t, res, StatusQuarantined, ReasonTypeMismatch)
		})
	}
}

// insertPNGChunk adds a chunk with a valid CRC right after IHDR.
func insertPNGChunk(p []byte, typ string, data []byte) []byte {
	const afterIHDR = 8 + 25
	c := pngChunkBytes(typ, data)
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, c...)
	return append(out, p[afterIHDR:]...)
}

// TestU5LargerThanDeclared: more bytes than declared is quarantined
// too_large; fewer is a truncated upload.
func TestU5LargerThanDeclared(t *testing.T) {
	t.Parallel()
	data := []byte(strings.Repeat("lab result ", 100))
	res := mustInspect(t, data, Declared{Size: 10}, Options{})
	wantRejected(t, res, StatusQuarantined, ReasonTooLarge)
	res = mustInspect(t, data, Declared{Size: int64(len(data)) + 1}, Options{})
	wantRejected(t, res, StatusFailed, ReasonTruncated)
}
