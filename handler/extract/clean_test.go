package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// cleanTextRuneByRune is the straightforward cleaner that cleanText
// replaced: one rune at a time over the whole text. It stays as the
// reference cleanText must agree with.
func cleanTextRuneByRune(s string, maxBytes int) (clean string, repaired, cut bool) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
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

func checkCleanText(tb testing.TB, s string, maxBytes int) {
	tb.Helper()
	got, rep, cut := cleanText(s, maxBytes)
	want, wantRep, wantCut := cleanTextRuneByRune(s, maxBytes)
	if got != want || rep != wantRep || cut != wantCut {
		tb.Fatalf("cleanText(%q, %d) = %q %v %v, want %q %v %v",
			s, maxBytes, got, rep, cut, want, wantRep, wantCut)
	}
}

func TestCleanTextAgreesWithRuneByRune(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("plain ASCII words, tab\tand newline\n", 40)
	cases := []string{
		"", "a", "abcdefgh", "abcdefghi", "\r", "\r\n", "\r\r\n", "\n\r", "a\rb",
		"a\r\x00\nb", "\x00", "\x00\x00abc", "abc\x00", "\x7F", "abc\x7Fdefghijk",
		"\u0085", "x\u009Fy", "\u00A0\u00A0", "\uFEFFbom", "mid\uFEFFdle", "\uFFFD",
		"\xff", "ab\xffcd\xfe", "\xe2\x82", "caf\xc3", "\xed\xa0\x80", "é", "ééé",
		"日本語のテキスト", "\u202Bبي\u202C", "emoji 🙂 here", long, long + "\x00" + long,
		"\r\n" + long, strings.Repeat("\x01", 100) + long,
		strings.Repeat("x", 7) + "\t" + strings.Repeat("y", 9) + "\u0080",
		strings.Repeat("x", 37) + "\x7F" + strings.Repeat("y\t", 20) + "\x0B" + long,
		strings.Repeat("z\n", 30) + "\u0085" + strings.Repeat("é", 20) + "\x1F\xFF" + long,
	}
	for _, s := range cases {
		for _, max := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 100, len(s) - 1, len(s),
			len(s) + 1, 1 << 20} {
			if max >= 0 {
				checkCleanText(t, s, max)
			}
		}
	}
}

// TestCleanTextSharesCleanInput: text that needs no change is not copied.
func TestCleanTextSharesCleanInput(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("clean line\n", 1000)
	got, _, cut := cleanText(s, 100)
	if !cut || len(got) != 100 || got != s[:100] {
		t.Fatalf("got %d bytes, cut %v", len(got), cut)
	}
	if all, _, _ := cleanText(s, 1<<20); unsafe.StringData(all) != unsafe.StringData(s) {
		t.Error("clean text was copied")
	}
}

// TestDetach: text that is a view of the caller's buffer is copied, and so
// is a short cut of a much longer text; other text is not.
func TestDetach(t *testing.T) {
	t.Parallel()
	data := []byte("hello world")
	view := viewString(data)[6:]
	got := detach(view, view, data)
	data[6] = 'W'
	if got != "world" || view != "World" {
		t.Errorf("detached %q, view %q", got, view)
	}
	long := strings.Repeat("x", 1000)
	cases := []struct {
		clean  string
		copied bool
	}{{long, false}, {long[:900], false}, {long[:500], true}, {"own", false}}
	for _, c := range cases {
		d := detach(c.clean, long, data)
		if d != c.clean || (unsafe.StringData(d) != unsafe.StringData(c.clean)) != c.copied {
			t.Errorf("%d bytes of %d: copied %v, want %v", len(c.clean), len(long),
				unsafe.StringData(d) != unsafe.StringData(c.clean), c.copied)
		}
	}
}

// TestInspectTextDoesNotAlias: the Result's text and dates stay as they
// were when the caller overwrites its buffer.
func TestInspectTextDoesNotAlias(t *testing.T) {
	t.Parallel()
	data := []byte("Lab result collected 2024-03-12, glucose normal.\n")
	res := mustInspect(t, data, Declared{}, Options{})
	text, date := res.Text, res.Dates[0].Text
	for i := range data {
		data[i] = 'z'
	}
	if res.Text != text || res.Dates[0].Text != date || date != "2024-03-12" ||
		!strings.HasPrefix(res.Text, "Lab result") {
		t.Errorf("result changed with the buffer: %q %q", head(res.Text, 20), res.Dates[0].Text)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"a\x00b\r\nc\x1b[0m\xffd\u202Bبي\u202C", "ééé", "\r\r\n\uFEFF",
		"abcdefgh\x85ijklmnop\xc2\x85"} {
		f.Add(s, 3)
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		checkCleanText(t, s, max)
	})
}
