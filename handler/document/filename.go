package document

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxFileNameRunes and maxFileNameBytes bound a file name as sent; longer is refused,
// not cut, so the stored name is always the one the user chose (less its folders).
const (
	MaxFileNameRunes = 255
	maxFileNameBytes = 1020
)

// fallbackName replaces a name that sanitising leaves empty ("..", "///").
const fallbackName = "document"

// File-name rule codes, published in 422 problems.
var (
	errNameEmpty   = errors.New("required")
	errNameLong    = errors.New("too_long")
	errNameControl = errors.New("control_char")
	errNameBidi    = errors.New("bidi_char")
	errNameUTF8    = errors.New("invalid_utf8")
	errNameURL     = errors.New("url_not_allowed")
)

// urlScheme matches a name that is really a URL: the API takes ids it issued, never URLs.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// windowsReserved are device names Windows will not save a file as, whatever the
// extension.
var windowsReserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true,
	"com7": true, "com8": true, "com9": true, "lpt1": true, "lpt2": true, "lpt3": true,
	"lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}

// SanitizeFileName returns the display name a file is stored and downloaded under.
//
// Names that cannot be shown safely are refused, with the rule as the error text:
// empty ("required"), longer than MaxFileNameRunes ("too_long"), holding a control
// character such as NUL, CR or LF ("control_char"), a bidirectional override that can
// disguise an extension ("bidi_char"), bytes that are not UTF-8 ("invalid_utf8"), or a
// URL ("url_not_allowed"). Everything else is made safe: folders are dropped
// ("../../etc/passwd" becomes "passwd"), characters Windows forbids become "_",
// leading and trailing dots and spaces go, Windows device names get a "_" prefix, and
// the result is in Unicode NFC.
func SanitizeFileName(name string) (string, error) {
	if err := checkFileName(name); err != nil {
		return "", err
	}
	name = norm.NFC.String(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, ". \u00a0")
	if name == "" {
		return fallbackName, nil
	}
	stem, _, _ := strings.Cut(name, ".")
	if windowsReserved[strings.ToLower(strings.TrimSpace(stem))] {
		name = "_" + name
	}
	return name, nil
}

func checkFileName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errNameEmpty
	case !utf8.ValidString(name):
		return errNameUTF8
	case len(name) > maxFileNameBytes || utf8.RuneCountInString(name) > MaxFileNameRunes:
		return errNameLong
	case urlScheme.MatchString(strings.TrimSpace(name)):
		return errNameURL
	}
	for _, r := range name {
		switch {
		case isBidiControl(r):
			return errNameBidi
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return errNameControl
		}
	}
	return nil
}

// isBidiControl reports the explicit directional formatting characters (Unicode
// Bidi_Control): embeddings, overrides, isolates and marks.
func isBidiControl(r rune) bool {
	return unicode.Is(unicode.Bidi_Control, r)
}
