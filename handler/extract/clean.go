package extract

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// cleanText makes s safe for a PostgreSQL text column and for display:
// valid UTF-8, CRLF and CR turned into LF, no NUL, no other C0 or C1
// control characters and no BOMs (tab and newline kept; bidi controls kept,
// they are ordinary characters of right-to-left text). It cuts the result
// at maxBytes on a character boundary. repaired reports removed bytes
// (among those read before the cut); cut reports truncation.
//
// It copies runs of characters that need no change in one piece and looks
// at single characters only where something must change, and it reads s
// only as far as the output needs. Text that needs no change comes back as
// s itself (or its prefix, when cut), without a copy.
func cleanText(s string, maxBytes int) (clean string, repaired, cut bool) {
	out := textOut{max: maxBytes}
	for i := 0; i < len(s); {
		room := maxBytes - out.n
		j := cleanRun(s, i, min(len(s), i+room+1))
		if j-i > room {
			out.piece(s, i, i+cutPoint(s[i:], room))
			return out.text(s), repaired, true
		}
		if j > i {
			out.piece(s, i, j)
			i = j
			continue
		}
		switch c := s[i]; {
		case c == '\r':
			if room < 1 {
				return out.text(s), repaired, true
			}
			out.newline(s)
			if i++; i < len(s) && s[i] == '\n' {
				i++
			}
		case c < utf8.RuneSelf:
			repaired = true
			i++
		default: // invalid UTF-8, a C1 control or a BOM
			_, size := utf8.DecodeRuneInString(s[i:])
			repaired = true
			i += size
		}
	}
	return out.text(s), repaired, false
}

// textOut collects cleanText's output: a substring of the input while the
// output is one contiguous piece of it, a builder once it is not.
type textOut struct {
	b          *strings.Builder
	start, end int
	n, max     int
}

func (o *textOut) piece(s string, i, j int) {
	switch {
	case i == j:
		return
	case o.b == nil && o.n == 0:
		o.start, o.end = i, j
	case o.b == nil && o.end == i:
		o.end = j
	default:
		o.spill(s, j-i)
		o.b.WriteString(s[i:j])
	}
	o.n += j - i
}

func (o *textOut) newline(s string) {
	o.spill(s, 1)
	o.b.WriteByte('\n')
	o.n++
}

// spill moves the output into a builder, with room for more bytes.
func (o *textOut) spill(s string, more int) {
	if o.b != nil {
		return
	}
	o.b = &strings.Builder{}
	o.b.Grow(max(o.n+more, min(len(s), o.max)))
	o.b.WriteString(s[o.start:o.end])
}

func (o *textOut) text(s string) string {
	if o.b == nil {
		return s[o.start:o.end]
	}
	return o.b.String()
}

// keptASCII marks the ASCII bytes cleanText keeps as they are: printable
// characters, tab and newline.
var keptASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// cleanRun returns the end of the run of characters from s[i] that
// cleanText keeps unchanged, reading at least up to limit when the run
// goes on that far (it may end up to three bytes past it, on a character
// boundary). It tests eight printable ASCII bytes at a time.
func cleanRun(s string, i, limit int) int {
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only, for 8-byte loads
	for i < limit {
		i = limit - len(skipPrintable(b[i:limit]))
		if i >= limit {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if !keptASCII[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r <= 0x9F || r == 0xFEFF {
			return i
		}
		i += size
	}
	return i
}

// skipPrintable drops from p the leading bytes that cleanText keeps as
// they are and that are plain ASCII (printable characters, tab, newline)
// and returns the rest, eight bytes at a time. Per byte b without the
// high bit, b+0x60 has it exactly when b ≥ 0x20 and b+0x01 exactly when
// b = 0x7F; a carry between bytes only starts at a byte that has the high
// bit, which fails the test anyway. Blocks holding a tab or a newline
// fail that quick test and are looked at byte by byte with exact masks.
func skipPrintable(p []byte) []byte {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	le := binary.LittleEndian
	for len(p) >= 32 {
		w0, w1, w2, w3 := le.Uint64(p[0:8]), le.Uint64(p[8:16]), le.Uint64(p[16:24]),
			le.Uint64(p[24:32])
		ge20 := (w0 + 0x60*lo) & (w1 + 0x60*lo) & (w2 + 0x60*lo) & (w3 + 0x60*lo)
		bad := ^ge20 | (w0 + lo) | (w1 + lo) | (w2 + lo) | (w3 + lo) | w0 | w1 | w2 | w3
		if bad&hi != 0 {
			for i, w := range [4]uint64{w0, w1, w2, w3} {
				if m := unusualBytes(w); m != 0 {
					return p[8*i+bits.TrailingZeros64(m)/8:]
				}
			}
		}
		p = p[32:]
	}
	for len(p) >= 8 {
		if m := unusualBytes(le.Uint64(p[0:8])); m != 0 {
			return p[bits.TrailingZeros64(m)/8:]
		}
		p = p[8:]
	}
	return p
}

// unusualBytes returns w (eight bytes, little-endian) with the high bit
// set in each byte that is not printable ASCII, tab or newline, and no
// other bit set. Unlike the quick test, it is exact for every byte.
func unusualBytes(w uint64) uint64 {
	const lo, hi, low7 = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	x := w & low7
	below20 := ^(x + 0x60*lo) & hi
	del := (x + lo) & hi
	return w&hi | del | below20&^zeroBytes(w^0x0A*lo)&^zeroBytes(w^0x09*lo)
}

// zeroBytes returns the high bit of each zero byte of v, exactly.
func zeroBytes(v uint64) uint64 {
	const hi, low7 = 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	return ^((v&low7 + low7) | v) & hi
}

// viewString returns b as a string without copying it. The caller must
// not change b while the string is in use, and must copy what it keeps
// beyond b's life (see detach).
func viewString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// detach returns clean (what cleanText made of text), copied when it
// shares memory with data, as Result.Text must not change when the caller
// reuses the buffer it passed to Inspect, or when it is a small part of a
// much longer text that it would otherwise keep in memory (a decoded
// UTF-16 file of 100 MB cut to 4 MB).
func detach(clean, text string, data []byte) string {
	if len(clean) == 0 {
		return clean
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(clean)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	inData := len(data) > 0 && p >= base && p < base+uintptr(len(data))
	if inData || len(text) > len(clean)+len(clean)/4 && sameMemory(clean, text) {
		return strings.Clone(clean)
	}
	return clean
}

// sameMemory reports whether part lies inside s.
func sameMemory(part, s string) bool {
	p := uintptr(unsafe.Pointer(unsafe.StringData(part)))
	base := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= base && p < base+uintptr(len(s))
}
