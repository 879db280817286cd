package extract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names reported in TextInfo.Encoding.
const (
	EncodingUTF8        = "UTF-8"
	EncodingUTF16LE     = "UTF-16LE"
	EncodingUTF16BE     = "UTF-16BE"
	EncodingWindows1252 = "windows-1252"
)

// utf16Sample is how many leading bytes the UTF-16 heuristic looks at.
const utf16Sample = 64 << 10

// detectUTF16 recognises UTF-16 without a BOM from where its zero bytes
// fall. Text that is mostly Latin script has a zero high byte in nearly
// every code unit: at odd offsets for little-endian, at even offsets for
// big-endian, while the other half of the bytes is almost never zero. It
// answers false for anything else (CJK UTF-16 without a BOM is not
// recognised; such files are rare and then read as binary).
func detectUTF16(data []byte) (string, bool) {
	n := min(len(data), utf16Sample) &^ 1
	if n < 4 {
		return "", false
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			evenZero++
		}
		if data[i+1] == 0 {
			oddZero++
		}
	}
	units := n / 2
	switch {
	case oddZero*10 >= units*3 && evenZero*50 <= units:
		return EncodingUTF16LE, true
	case evenZero*10 >= units*3 && oddZero*50 <= units:
		return EncodingUTF16BE, true
	}
	return "", false
}

// detectEncoding names the encoding of a plain-text file and says whether
// it starts with a byte-order mark. In order: a BOM decides; then the
// UTF-16 zero-byte pattern; then valid UTF-8; anything else is taken as
// Windows-1252, the superset of ISO-8859-1 that Windows editors write (its
// 0x80–0x9F range holds printable characters where ISO-8859-1 has unused
// control codes, so reading ISO-8859-1 text as Windows-1252 loses nothing).
func detectEncoding(data []byte) (enc string, bom bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return EncodingUTF8, true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return EncodingUTF16LE, true
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return EncodingUTF16BE, true
	}
	if e, ok := detectUTF16(data); ok {
		return e, false
	}
	if utf8.Valid(data) {
		return EncodingUTF8, false
	}
	return EncodingWindows1252, false
}

func decoderFor(enc string) encoding.Encoding {
	switch enc {
	case EncodingUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case EncodingUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case EncodingWindows1252:
		return charmap.Windows1252
	}
	return unicode.UTF8BOM
}

// inspectText detects the encoding of a plain-text file and decodes it to
// UTF-8 (still to be cleaned by cleanText).
func inspectText(data []byte) (*TextInfo, string, error) {
	enc, bom := detectEncoding(data)
	dec := decoderFor(enc)
	if (enc == EncodingUTF16LE || enc == EncodingUTF16BE) && !bom {
		// ExpectBOM falls back to the given endianness when the BOM is absent.
		dec = unicode.UTF16(map[string]unicode.Endianness{
			EncodingUTF16LE: unicode.LittleEndian, EncodingUTF16BE: unicode.BigEndian,
		}[enc], unicode.IgnoreBOM)
	}
	out, err := dec.NewDecoder().Bytes(data)
	if err != nil {
		return nil, "", errCorrupt("decode %s text: %v", enc, err)
	}
	text := string(out)
	info := &TextInfo{Encoding: enc, HasBOM: bom, NULBytes: bytes.Count(data, []byte{0})}
	info.Lines = strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		info.Lines++
	}
	return info, text, nil
}

// cleanText makes s safe for a PostgreSQL text column and for display:
// valid UTF-8, CRLF and CR turned into LF, no NUL, no other C0 or C1
// control characters and no BOMs (tab and newline kept; bidi controls kept,
// they are ordinary characters of right-to-left text). It cuts the result
// at maxBytes on a character boundary. repaired reports removed bytes;
// cut reports truncation.
func cleanText(s string, maxBytes int) (clean string, repaired, cut bool) {
	if len(s) <= maxBytes && alreadyClean(s) {
		return s, false, false
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(min(len(s), maxBytes))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			repaired = true
			continue
		case r == '\r':
			r = '\n'
		case r == '\n' || r == '\t':
		case r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0xFEFF:
			repaired = true
			continue
		}
		if b.Len()+utf8.RuneLen(r) > maxBytes {
			cut = true
			break
		}
		b.WriteRune(r)
	}
	return b.String(), repaired, cut
}

// alreadyClean reports, with one byte scan, whether s needs no cleaning:
// valid UTF-8 without control bytes (other than tab and newline), DEL, C1
// controls (UTF-8 C2 80–9F) or BOMs (EF BB BF).
func alreadyClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7F:
			return false
		case c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			return false
		case c == 0xEF && strings.HasPrefix(s[i:], "\uFEFF"):
			return false
		}
	}
	return utf8.ValidString(s)
}
