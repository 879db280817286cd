package extract

import (
	"strings"
	"testing"
	"unicode"
)

// normaliseRuneByRune is the reference normaliseForMatch must agree with.
func normaliseRuneByRune(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			b.WriteRune(unicode.ToLower(r))
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

func FuzzNormaliseForMatch(f *testing.F) {
	for _, s := range []string{"", "Lab RESULTS: HbA1c 6.1%", "X-Ray\tReport\n", "Ünïcödé ΣΊΣΥΦΟΣ",
		"bad \xff\xfe bytes", "日本語 テキスト", "a\u2010b", "٣٤ arabic digits", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normaliseForMatch(s), normaliseRuneByRune(s); got != want {
			t.Fatalf("normaliseForMatch(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestMatchTermsAgreesWithContains: the one-pass matcher finds exactly the
// terms a substring search on word boundaries finds.
func TestMatchTermsAgreesWithContains(t *testing.T) {
	t.Parallel()
	texts := []string{"", "x", "Lab results: reference range ok", "lab result", "X-ray CT scan",
		"Thank you for seeing Mr X, kind regards", "dear dr dear doctor", "rx rx-1 sig",
		"id card id cards member id", "i consent i agree", "complete blood count collected",
		"prescription prescriber tablets tablet", "labresults lab  results",
	}
	for _, text := range texts {
		norm := normaliseForMatch(text)
		got := matchTerms(norm)
		for _, c := range rules {
			for _, r := range c.terms {
				if want := strings.Contains(norm, " "+r.term+" "); got[r.term] != want {
					t.Errorf("%q: term %q matched %v, want %v", text, r.term, got[r.term], want)
				}
			}
		}
	}
}
