package doctest

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"patienttracker/handler/extract"
)

// TestGeneratorsMakeReadableDocuments checks that every generator's output is what it
// claims to be, so the flow tests fail for the code under test, not the fixtures.
func TestGeneratorsMakeReadableDocuments(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	sentence := "The quick brown fox visited the clinic on Tuesday."
	tests := []struct {
		name, media string
		data        []byte
		check       func(t *testing.T, res extract.Result)
	}{
		{"text pdf", extract.TypePDF, TextPDF(r, 3, sentence, 20), func(t *testing.T,
			res extract.Result) {
			if res.PDF == nil || res.PDF.Pages != 3 || !res.PDF.HasTextLayer ||
				!strings.Contains(res.Text, "quick brown fox") {
				t.Errorf("pdf facts %+v text %.80q", res.PDF, res.Text)
			}
		}},
		{"scan pdf", extract.TypePDF, ScanPDF(2, JPEG(r, 60, 80, 0, 4)), func(t *testing.T,
			res extract.Result) {
			if res.PDF == nil || res.PDF.Pages != 2 || res.PDF.HasTextLayer || res.OCR == nil {
				t.Errorf("scan facts %+v ocr %+v", res.PDF, res.OCR)
			}
		}},
		{"jpeg", extract.TypeJPEG, JPEG(r, 40, 30, 6, 2), func(t *testing.T, res extract.Result) {
			if im := res.Image; im == nil || im.Width != 40 || im.Height != 30 ||
				im.Orientation != 6 || im.UprightWidth != 30 || im.CapturedAt == nil {
				t.Errorf("jpeg facts %+v", res.Image)
			}
		}},
		{"png", extract.TypePNG, PNG(r, 33, 44, 1), nil},
		{"gif", extract.TypeGIF, GIF(r, 20, 10, 3, 1), func(t *testing.T, res extract.Result) {
			if res.Image == nil || res.Image.Pages != 3 {
				t.Errorf("gif facts %+v", res.Image)
			}
		}},
		{"tiff", extract.TypeTIFF, TIFF(r, 50, 20, 1), nil},
		{"docx", extract.TypeDOCX, DOCX("Letter", []string{sentence, "second"}), func(
			t *testing.T, res extract.Result) {
			if res.DOCX == nil || !strings.Contains(res.Text, "quick brown fox") {
				t.Errorf("docx facts %+v text %q", res.DOCX, res.Text)
			}
		}},
	}
	for _, enc := range Encodings {
		tests = append(tests, struct {
			name, media string
			data        []byte
			check       func(t *testing.T, res extract.Result)
		}{"text " + enc, extract.TypeText, Text("Candide fut élevé dans un beau château. "+
			sentence, enc), func(t *testing.T, res extract.Result) {
			if !strings.Contains(res.Text, "élevé dans un beau château") {
				t.Errorf("text %q", res.Text)
			}
		}})
	}
	for _, tc := range tests {
		res, err := extract.Inspect(context.Background(), tc.data, extract.Declared{},
			extract.Options{})
		if err != nil || res.Status != extract.StatusReady || res.MediaType != tc.media {
			t.Errorf("%s: %v %s %s %s (%s)", tc.name, err, res.Status, res.Reason,
				res.MediaType, res.Detail)
			continue
		}
		if tc.check != nil {
			tc.check(t, res)
		}
	}
}
