package extract

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestGeneratedPDFs builds PDFs of a random number of pages in both file
// layouts and checks the page count and the sentence come back.
func TestGeneratedPDFs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for i := range 8 {
		pages := 1 + rng.IntN(40)
		sentence := fmt.Sprintf("The referral for patient number %d was received (on time).",
			rng.IntN(1_000_000))
		compress, objStm := i%2 == 0, i%4 >= 2
		t.Run(fmt.Sprintf("pages=%d/compress=%v/objstm=%v", pages, compress, objStm),
			func(t *testing.T) {
				t.Parallel()
				data := textPDF(t, pages, sentence, compress, objStm)
				res := mustInspect(t, data, Declared{FileName: "letter.pdf"}, Options{})
				if res.Status != StatusReady || res.PDF == nil {
					t.Fatalf("status %s %s %s", res.Status, res.Reason, res.Detail)
				}
				if res.PDF.Pages != pages || !res.PDF.HasTextLayer {
					t.Errorf("pages %d text %v, want %d true", res.PDF.Pages, res.PDF.HasTextLayer,
						pages)
				}
				if got := strings.Count(res.Text, sentence); got != pages {
					t.Errorf("sentence found %d times, want %d; text %q", got, pages,
						head(res.Text, 300))
				}
				if res.Classification.Category != CategoryReferralLetter {
					t.Errorf("category %s, want %s", res.Classification.Category,
						CategoryReferralLetter)
				}
			})
	}
}

// mustInspect runs Inspect and fails on an error.
func mustInspect(tb testing.TB, data []byte, d Declared, o Options) Result {
	tb.Helper()
	res, err := Inspect(context.Background(), data, d, o)
	if err != nil {
		tb.Fatalf("Inspect: %v", err)
	}
	return res
}

// TestPDFDamagedXref checks a file whose xref offsets are wrong is read by
// scanning for objects, as viewers do.
func TestPDFDamagedXref(t *testing.T) {
	t.Parallel()
	data := textPDF(t, 3, "Findings: no acute fracture.", true, false)
	i := strings.Index(string(data), "xref\n")
	broken := append([]byte{}, data[:i]...)
	broken = append(broken, "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1 >>\n"...)
	broken = append(broken, fmt.Sprintf("startxref\n%d\n%%%%EOF\n", i)...)
	res := mustInspect(t, broken, Declared{}, Options{})
	if res.Status != StatusReady || res.PDF.Pages != 3 ||
		!strings.Contains(res.Text, "no acute fracture") {
		t.Fatalf("status %s %s pages %v text %q", res.Status, res.Detail, res.PDF, res.Text)
	}
}
