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
// UTF-8 (still to be cleaned by cleanText). Valid UTF-8, by far the most
// common case, is not transcoded or copied: the text is then a view of
// data (see viewString), and what Inspect keeps of it is copied by detach.
func inspectText(data []byte) (*TextInfo, string, error) {
	enc, bom := detectEncoding(data)
	info := &TextInfo{Encoding: enc, HasBOM: bom, NULBytes: bytes.Count(data, []byte{0})}
	var text string
	switch {
	case enc == EncodingUTF8 && !bom:
		text = viewString(data) // detectEncoding checked it is valid
	case enc == EncodingUTF8 && utf8.Valid(data[3:]):
		text = viewString(data[3:])
	default:
		out, err := textDecoder(enc, bom).Bytes(data)
		if err != nil {
			return nil, "", errCorrupt("decode %s text: %v", enc, err)
		}
		text = viewString(out) // out is ours and never changes
	}
	info.Lines = strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		info.Lines++
	}
	return info, text, nil
}

// textDecoder returns the decoder of enc; the UTF-16 decoders strip a BOM
// when there is one and otherwise read the detected byte order. UTF-8 with
// a BOM but invalid bytes comes here too: they become U+FFFD.
func textDecoder(enc string, bom bool) *encoding.Decoder {
	dec := decoderFor(enc)
	if (enc == EncodingUTF16LE || enc == EncodingUTF16BE) && !bom {
		// ExpectBOM falls back to the given endianness when the BOM is absent.
		dec = unicode.UTF16(map[string]unicode.Endianness{
			EncodingUTF16LE: unicode.LittleEndian, EncodingUTF16BE: unicode.BigEndian,
		}[enc], unicode.IgnoreBOM)
	}
	return dec.NewDecoder()
}
