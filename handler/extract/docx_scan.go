package extract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// bodyScanner extracts the text of word/document.xml in one streaming pass
// over the inflated bytes, without building XML tokens: it looks for '<'
// with bytes.IndexByte, copies the character data of text elements in
// whole runs, and keeps of each element only a hash of its name, to check
// that end tags match and to bound nesting.
//
// It produces the text encoding/xml gave the former reader: the character
// data of elements named t (in any namespace: w:t, and a:t in drawings),
// a tab for each tab element, a newline for br and cr and after each
// paragraph (p); entities and character references decoded, CDATA taken
// as is, CR and CRLF turned into LF. It is more lenient than encoding/xml
// (it checks neither attribute syntax nor the characters outside text
// elements; cleanText later removes invalid UTF-8 and control characters),
// and it stops once it holds more than maxText bytes of text.
type bodyScanner struct {
	src      io.Reader
	buf      []byte
	r, w     int // unread window buf[r:w]
	eof      bool
	out      strings.Builder
	maxText  int
	inText   bool
	afterCR  bool     // the last text byte was a literal CR (for CRLF)
	stack    []uint64 // name hashes of the open elements
	maxDepth int
	paras    int
}

// bodyScanBuffer is the read size; maxMarkup bounds one tag, comment or
// CDATA section, which must fit in the window whole.
const (
	bodyScanBuffer = 256 << 10
	maxMarkup      = 16 << 20
)

// scanDOCXBody returns the text of the body part read from src, its
// paragraph count and whether it stopped at maxText bytes of text before
// the end of the part (then the count covers the paragraphs read).
// sizeHint, the part's declared size, only sizes the text buffer.
func scanDOCXBody(ctx context.Context, src io.Reader, sizeHint uint64, maxDepth, maxText int) (
	text string, paragraphs int, truncated bool, err error) {
	s := &bodyScanner{src: src, buf: make([]byte, bodyScanBuffer), maxText: maxText,
		maxDepth: maxDepth}
	// Text is most of a long body's bytes: growing the buffer by doubling
	// would copy it twice over.
	s.out.Grow(int(min(sizeHint, uint64(maxText))) + 4096)
	truncated, err = s.run(ctx)
	if err != nil {
		return "", 0, false, err
	}
	return s.out.String(), s.paras, truncated, nil
}

func (s *bodyScanner) run(ctx context.Context) (truncated bool, err error) {
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return false, ctx.Err()
		}
		if s.out.Len() > s.maxText {
			return true, nil
		}
		win := s.buf[s.r:s.w]
		lt := bytes.IndexByte(win, '<')
		switch {
		case lt > 0:
			err = s.text(win[:lt])
			s.r += lt
		case lt == 0:
			var used int
			if used, err = s.markup(win); err == nil && used == 0 {
				err = s.fill("markup")
			}
			s.r += used
		default:
			keep := s.textTail(win)
			if err = s.text(win[:len(win)-keep]); err == nil {
				s.r += len(win) - keep
				err = s.fill("text")
			}
		}
		if errors.Is(err, io.EOF) {
			return false, s.atEOF()
		}
		if err != nil {
			return false, err
		}
	}
}

// atEOF checks the document is complete when the part ends.
func (s *bodyScanner) atEOF() error {
	if s.r < s.w {
		return errCorrupt("docx body ends inside markup or an entity")
	}
	if len(s.stack) > 0 {
		return errCorrupt("docx body ends inside an element")
	}
	return nil
}

// fill reads more of the part into the window, moving the unread bytes to
// the front and growing the buffer when the window is full. Once the part
// has ended, the window is handled once more knowing it is the last, and
// the call after that returns io.EOF.
func (s *bodyScanner) fill(what string) error {
	if s.eof {
		return io.EOF
	}
	if s.r > 0 {
		s.w = copy(s.buf, s.buf[s.r:s.w])
		s.r = 0
	}
	if s.w == len(s.buf) {
		if len(s.buf) >= maxMarkup {
			return errLimit("docx body has %s longer than %d bytes", what, maxMarkup)
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for range 100 {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if errors.Is(err, io.EOF) {
			s.eof = true // the next call returns io.EOF
			return nil
		}
		if err != nil || n > 0 {
			return err
		}
	}
	return io.ErrNoProgress
}

// textTail returns how many bytes at the end of a window without '<' must
// wait for more input: an entity reference not yet ended by ';'.
func (s *bodyScanner) textTail(win []byte) int {
	if !s.inText || s.eof {
		return 0
	}
	amp := bytes.LastIndexByte(win, '&')
	if amp < 0 || bytes.IndexByte(win[amp:], ';') >= 0 {
		return 0
	}
	return len(win) - amp
}

// text handles character data that holds no cut entity reference.
func (s *bodyScanner) text(seg []byte) error {
	if !s.inText {
		s.afterCR = false
		return nil
	}
	for len(seg) > 0 {
		amp := bytes.IndexByte(seg, '&')
		if amp < 0 {
			s.literal(seg)
			return nil
		}
		s.literal(seg[:amp])
		semi := bytes.IndexByte(seg[amp:], ';')
		if semi < 0 {
			return errCorrupt("docx body has an entity reference without ';'")
		}
		r, ok := entityRune(seg[amp+1 : amp+semi])
		if !ok {
			return errCorrupt("docx body has an invalid character entity")
		}
		s.out.WriteRune(r)
		s.afterCR = false
		seg = seg[amp+semi+1:]
	}
	return nil
}

// literal writes character data, folding CR and CRLF into LF as XML
// requires.
func (s *bodyScanner) literal(b []byte) {
	if len(b) == 0 {
		return
	}
	if s.afterCR && b[0] == '\n' {
		b = b[1:]
	}
	s.afterCR = false
	for len(b) > 0 {
		cr := bytes.IndexByte(b, '\r')
		if cr < 0 {
			s.out.Write(b)
			return
		}
		s.out.Write(b[:cr])
		s.out.WriteByte('\n')
		b = b[cr+1:]
		if len(b) == 0 {
			s.afterCR = true
		} else if b[0] == '\n' {
			b = b[1:]
		}
	}
}

// entityRune decodes the predefined entities and character references
// (name is what stands between '&' and ';'). Like encoding/xml, it refuses
// characters outside XML's character range and reads surrogates as U+FFFD.
func entityRune(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 64)
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	r := rune(n)
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	return r, isXMLChar(r)
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
}

// markup handles the markup at the start of win and returns its length,
// or 0 when it does not end inside win yet.
func (s *bodyScanner) markup(win []byte) (int, error) {
	s.afterCR = false
	switch {
	case len(win) < 2:
		return 0, nil
	case win[1] == '/':
		gt := bytes.IndexByte(win, '>')
		if gt < 0 {
			return 0, nil
		}
		return gt + 1, s.end(bytes.TrimRightFunc(win[2:gt], func(r rune) bool {
			return r < utf8.RuneSelf && isXMLSpace(byte(r))
		}))
	case win[1] == '?':
		n := skipPast(win, 2, "?>")
		if n > 0 && !utf8Declaration(win[:n]) {
			return 0, errCorrupt("docx body declares an encoding other than UTF-8")
		}
		return n, nil
	case win[1] == '!' && len(win) < len("<![CDATA[") && !s.eof:
		return 0, nil // not yet known: comment, CDATA or directive
	case bytes.HasPrefix(win, []byte("<!--")):
		return skipPast(win, 4, "-->"), nil
	case bytes.HasPrefix(win, []byte("<![CDATA[")):
		n := skipPast(win, len("<![CDATA["), "]]>")
		if n > 0 && s.inText {
			s.literal(win[len("<![CDATA[") : n-len("]]>")])
		}
		return n, nil
	case win[1] == '!':
		return directiveEnd(win), nil
	}
	return s.start(win)
}

// skipPast returns the length of win up to and including the first end
// at or after from, or 0 when end is not in win.
func skipPast(win []byte, from int, end string) int {
	i := bytes.Index(win[from:], []byte(end))
	if i < 0 {
		return 0
	}
	return from + i + len(end)
}

// directiveEnd returns the length of a <!...> directive (such as a
// DOCTYPE with an internal subset), counting nested angle brackets outside
// quotes and comments as encoding/xml does (which takes the byte after
// "<!" as is); 0 when it does not end inside win.
func directiveEnd(win []byte) int {
	depth, quote := 0, byte(0)
	for i := 3; i < len(win); i++ {
		switch c := win[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<' && bytes.HasPrefix(win[i:], []byte("<!--")):
			end := skipPast(win[i:], 4, "-->")
			if end == 0 {
				return 0
			}
			i += end - 1
		case c == '<':
			depth++
		case c == '>':
			if depth == 0 {
				return i + 1
			}
			depth--
		}
	}
	return 0
}

// start handles a start tag (or an empty-element tag) at the start of win.
func (s *bodyScanner) start(win []byte) (int, error) {
	gt := tagEnd(win)
	if gt < 0 {
		return 0, nil
	}
	name := win[1:gt]
	for i, c := range name {
		if isXMLSpace(c) || c == '/' {
			name = name[:i]
			break
		}
	}
	if len(name) == 0 {
		return 0, errCorrupt("docx body has a tag without a name")
	}
	if len(s.stack) >= s.maxDepth {
		return 0, errLimit("docx body nests too deep")
	}
	s.stack = append(s.stack, nameHash(name))
	switch string(localName(name)) {
	case "t":
		s.inText = true
	case "tab":
		s.out.WriteByte('\t')
	case "br", "cr":
		s.out.WriteByte('\n')
	}
	if win[gt-1] == '/' {
		return gt + 1, s.end(name)
	}
	return gt + 1, nil
}

// tagEnd returns the index of the '>' that ends the tag at the start of
// win ('>' may appear inside quoted attribute values), or -1.
func tagEnd(win []byte) int {
	gt := bytes.IndexByte(win, '>')
	if gt < 0 || bytes.IndexByte(win[:gt], '"') < 0 && bytes.IndexByte(win[:gt], '\'') < 0 {
		return gt
	}
	quote := byte(0)
	for i := 1; i < len(win); i++ {
		switch c := win[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// end handles the end of the element named name.
func (s *bodyScanner) end(name []byte) error {
	n := len(s.stack)
	if n == 0 {
		return errCorrupt("docx body has an end tag without a start")
	}
	if s.stack[n-1] != nameHash(name) {
		return errCorrupt("docx body has an element closed by another's end tag")
	}
	s.stack = s.stack[:n-1]
	switch string(localName(name)) {
	case "t":
		s.inText = false
	case "p":
		s.paras++
		s.out.WriteByte('\n')
	}
	return nil
}

// localName strips a namespace prefix as encoding/xml does: only a name
// with exactly one colon, not at either end, has a prefix.
func localName(name []byte) []byte {
	i := bytes.IndexByte(name, ':')
	if i <= 0 || i == len(name)-1 || bytes.IndexByte(name[i+1:], ':') >= 0 {
		return name
	}
	return name[i+1:]
}

// nameHash is FNV-1a of an element's qualified name.
func nameHash(name []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range name {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// utf8Declaration reports whether a processing instruction is anything but
// an XML declaration naming an encoding other than UTF-8 (which
// encoding/xml refused too).
func utf8Declaration(pi []byte) bool {
	if !bytes.HasPrefix(pi, []byte("<?xml")) || len(pi) < 6 || !isXMLSpace(pi[5]) {
		return true
	}
	i := bytes.Index(pi, []byte("encoding"))
	if i < 0 {
		return true
	}
	rest := bytes.TrimLeft(pi[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return true
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
		return true
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	return end < 0 || bytes.EqualFold(rest[1:1+end], []byte("utf-8"))
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
