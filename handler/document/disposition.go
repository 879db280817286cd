package document

import (
	"strings"
	"unicode/utf8"
)

// ContentDisposition returns the header value that makes a browser download the file
// under name (RFC 6266): always an attachment, with an ASCII fallback in filename and
// the exact UTF-8 name in filename* (RFC 5987 / RFC 8187 percent-encoding). Nothing in
// name can end the header or add a parameter: quotes, backslashes, semicolons and
// controls never reach the output unencoded.
func ContentDisposition(name string) string {
	if name == "" {
		name = fallbackName
	}
	return `attachment; filename="` + asciiFallback(name) + `"; filename*=UTF-8''` +
		encodeExtValue(name)
}

// asciiFallback keeps printable ASCII, turning everything else (and the characters
// that need quoting in a quoted-string) into "_".
func asciiFallback(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isAttrChar reports RFC 5987 attr-char: the bytes that need no percent-encoding.
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// encodeExtValue percent-encodes the UTF-8 bytes of s that are not attr-chars.
func encodeExtValue(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "_")
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
