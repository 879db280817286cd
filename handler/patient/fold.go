package patient

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// letterFolds spells out letters that carry no combining mark to strip.
var letterFolds = strings.NewReplacer(
	"ø", "o", "đ", "d", "ł", "l", "ß", "ss", "æ", "ae", "œ", "oe", "þ", "th", "ı", "i",
)

// Fold returns the search form of a name: lower case, accents removed, apostrophes
// dropped (so O'Brien and OBrien meet) and every other run of punctuation or space turned
// into one space. It is the same for NFC and NFD input.
func Fold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	folded = letterFolds.Replace(strings.ToLower(folded))

	var b strings.Builder
	space := false
	for _, r := range folded {
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u02bc':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// Compact returns Fold(s) without spaces, so "de la Cruz" and "DelaCruz" compare equal.
func Compact(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}

// SortName is the key patients are listed by: folded family name, then given names.
func SortName(given, family string) string {
	return Fold(family) + " " + Fold(given)
}
