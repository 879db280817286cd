package extract

import (
	"bytes"
	"errors"
	"strconv"
)

// This file holds the lexer and object parser of our own bounded PDF
// reader. It parses from a byte slice with an explicit nesting limit, so no
// input can exhaust the stack, and it never allocates more than the input
// it reads.

// PDF object model: nil (null), bool, int64, float64, pdfName, pdfString,
// pdfArray, pdfDict, pdfRef, *pdfStream; pdfKeyword only between tokens.
type (
	pdfName    string
	pdfString  []byte
	pdfArray   []any
	pdfDict    map[pdfName]any
	pdfKeyword string
	pdfRef     struct{ num, gen int }
)

// pdfStream is a stream object: its dictionary and its raw (still encoded
// and encrypted) bytes.
type pdfStream struct {
	dict     pdfDict
	raw      []byte
	num, gen int
}

var errPDFSyntax = errors.New("pdf syntax error")

// pdfLexer reads tokens and objects from b.
type pdfLexer struct {
	b        []byte
	pos      int
	depth    int
	maxDepth int
}

func isPDFSpace(c byte) bool { return pdfClass[c] == pdfSpace }

func isPDFDelim(c byte) bool { return pdfClass[c] == pdfDelim }

// pdfClass sorts bytes into PDF white space, delimiters and regular
// characters (0).
var pdfClass = func() (t [256]uint8) {
	for _, c := range []byte(" \n\r\t\f\x00") {
		t[c] = pdfSpace
	}
	for _, c := range []byte("()<>[]{}/%") {
		t[c] = pdfDelim
	}
	return t
}()

const (
	pdfSpace = 1 + iota
	pdfDelim
)

func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isPDFSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// regular reads a run of regular characters.
func (l *pdfLexer) regular() []byte {
	start := l.pos
	for l.pos < len(l.b) && pdfClass[l.b[l.pos]] == 0 {
		l.pos++
	}
	return l.b[start:l.pos]
}

// object parses the next object. Keywords other than true, false and null
// come back as pdfKeyword; "n g R" comes back as pdfRef.
func (l *pdfLexer) object() (any, error) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, errPDFSyntax
	}
	switch c := l.b[l.pos]; {
	case c == '/':
		l.pos++
		return pdfName(decodeName(l.regular())), nil
	case c == '(':
		return l.literalString()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		return l.dict()
	case c == '<':
		return l.hexString()
	case c == '[':
		return l.array()
	case c == ']' || c == '>' || c == '{' || c == '}' || c == ')':
		l.pos++
		return pdfKeyword(string(c)), nil
	}
	tok := l.regular()
	if len(tok) == 0 {
		l.pos++
		return nil, errPDFSyntax
	}
	return l.number(tok)
}

// number turns tok into a number, a reference or a keyword.
func (l *pdfLexer) number(tok []byte) (any, error) {
	switch string(tok) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(string(tok), 64); ferr == nil && isNumeric(tok) {
			return f, nil
		}
		return pdfKeyword(tok), nil
	}
	// Look ahead for "gen R" without consuming anything else.
	save := l.pos
	l.skipSpace()
	gen := l.regular()
	if g, err := strconv.Atoi(string(gen)); err == nil && len(gen) > 0 && g >= 0 {
		l.skipSpace()
		if r := l.regular(); string(r) == "R" && n >= 0 && n < 1<<31 {
			return pdfRef{int(n), g}, nil
		}
	}
	l.pos = save
	return n, nil
}

func isNumeric(tok []byte) bool {
	for _, c := range tok {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}

func (l *pdfLexer) enter() error {
	if l.depth++; l.depth > l.maxDepth {
		return errLimit("pdf objects nest deeper than %d", l.maxDepth)
	}
	return nil
}

func (l *pdfLexer) array() (any, error) {
	if err := l.enter(); err != nil {
		return nil, err
	}
	defer func() { l.depth-- }()
	l.pos++
	arr := pdfArray{}
	for {
		o, err := l.object()
		if err != nil {
			return nil, err
		}
		if k, ok := o.(pdfKeyword); ok {
			if k == "]" {
				return arr, nil
			}
			continue
		}
		arr = append(arr, o)
	}
}

func (l *pdfLexer) dict() (any, error) {
	if err := l.enter(); err != nil {
		return nil, err
	}
	defer func() { l.depth-- }()
	l.pos += 2
	d := pdfDict{}
	for {
		l.skipSpace()
		if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		k, err := l.object()
		if err != nil {
			return nil, err
		}
		key, ok := k.(pdfName)
		if !ok {
			continue // tolerate junk between entries
		}
		v, err := l.object()
		if err != nil {
			return nil, err
		}
		if _, isKw := v.(pdfKeyword); !isKw {
			d[key] = v
		}
	}
}

func (l *pdfLexer) hexString() (any, error) {
	l.pos++
	end := bytes.IndexByte(l.b[l.pos:], '>')
	if end < 0 {
		return nil, errPDFSyntax
	}
	var out []byte
	var hi byte
	half := false
	for _, c := range l.b[l.pos : l.pos+end] {
		v, ok := unhexDigit(c)
		if !ok {
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	l.pos += end + 1
	return pdfString(out), nil
}

func unhexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *pdfLexer) literalString() (any, error) {
	l.pos++
	var out []byte
	nest := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			if nest--; nest == 0 {
				return pdfString(out), nil
			}
		case '\\':
			out = l.escape(out)
			continue
		}
		out = append(out, c)
	}
	return nil, errPDFSyntax
}

// escape decodes one backslash escape of a literal string.
func (l *pdfLexer) escape(out []byte) []byte {
	if l.pos >= len(l.b) {
		return out
	}
	c := l.b[l.pos]
	l.pos++
	switch c {
	case 'n':
		return append(out, '\n')
	case 'r':
		return append(out, '\r')
	case 't':
		return append(out, '\t')
	case 'b':
		return append(out, '\b')
	case 'f':
		return append(out, '\f')
	case '\r':
		if l.pos < len(l.b) && l.b[l.pos] == '\n' {
			l.pos++
		}
		return out
	case '\n':
		return out
	}
	if c >= '0' && c <= '7' {
		v := int(c - '0')
		for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
			v = v*8 + int(l.b[l.pos]-'0')
			l.pos++
		}
		return append(out, byte(v))
	}
	return append(out, c)
}

// decodeName resolves #xx escapes in a name.
func decodeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			h, ok1 := unhexDigit(b[i+1])
			lo, ok2 := unhexDigit(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// keyword reads the next token and reports whether it is the keyword kw.
func (l *pdfLexer) keyword(kw string) bool {
	l.skipSpace()
	save := l.pos
	if string(l.regular()) == kw {
		return true
	}
	l.pos = save
	return false
}
