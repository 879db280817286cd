package extract

import (
	"bytes"
	"testing"
)

// hasActiveMarkupEqualFold is the reference hasActiveMarkup must agree
// with: the same search with Unicode case folding.
func hasActiveMarkupEqualFold(b []byte) bool {
	for i := range b {
		for _, m := range markupMarkers {
			if b[i] == '<' && len(b)-i >= len(m) && bytes.EqualFold(b[i:i+len(m)], m) {
				return true
			}
		}
	}
	return false
}

func FuzzActiveMarkup(f *testing.F) {
	for _, s := range []string{"<SCRIPT>", "x<ScRiPt", "<\u017Fcript", "<\u017Fcrip", "<sv",
		"<!DOCTYPE HTML>", "<<html", "\xff<IFRAME", "<bod", "<em<embed"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := hasActiveMarkup(b), hasActiveMarkupEqualFold(b); got != want {
			t.Fatalf("hasActiveMarkup(%q) = %v, want %v", b, got, want)
		}
	})
}
