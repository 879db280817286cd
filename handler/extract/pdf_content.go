package extract

import (
	"bytes"
	"strconv"
)

// This file reads page content streams for the text model: operators and
// their operands straight from the decoded bytes, without building
// objects. Strings are decoded into an arena that is reused for every
// operator, numbers are parsed in place, and dictionaries (marked-content
// properties) and inline images are skipped, so interpreting a page
// allocates next to nothing.

// operandKind tells what an operand is.
type operandKind uint8

const (
	operandOther      operandKind = iota // bool, null, dictionary, stray token
	operandNumber                        // num
	operandName                          // text: the name without '/'
	operandString                        // text: the decoded bytes
	operandArrayStart                    // '['
	operandArrayEnd                      // ']'
)

// operand is one operand of a content operator. text is valid until the
// next operator is read.
type operand struct {
	kind operandKind
	num  float64
	text []byte
}

// contentLexer reads the operators of a content stream.
type contentLexer struct {
	b     []byte
	pos   int
	args  []operand
	arena []byte
	// maxDepth bounds the nesting of arrays and skipped dictionaries.
	maxDepth int
	depth    int
}

// next returns the next operator, its operands in l.args; ok is false at
// the end of the stream.
func (l *contentLexer) next() (op []byte, ok bool) {
	l.args, l.arena = l.args[:0], l.arena[:0]
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return nil, false
		}
		if kw := l.operand(); kw != nil {
			if string(kw) == "BI" {
				l.skipInlineImage()
				l.args, l.arena = l.args[:0], l.arena[:0]
				continue
			}
			return kw, true
		}
	}
}

// operand reads one token: an operand is appended to l.args; a keyword
// other than true, false and null is returned as an operator.
func (l *contentLexer) operand() []byte {
	switch c := l.b[l.pos]; {
	case c == '/':
		l.pos++
		l.push(operand{kind: operandName, text: l.name(l.regular())})
	case c == '(':
		l.pos++
		l.push(operand{kind: operandString, text: l.literal()})
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.skipDict()
		l.push(operand{kind: operandOther})
	case c == '<':
		l.pos++
		l.push(operand{kind: operandString, text: l.hex()})
	case c == '[':
		l.pos++
		l.push(operand{kind: operandArrayStart})
	case c == ']':
		l.pos++
		l.push(operand{kind: operandArrayEnd})
	case isPDFDelim(c): // '>', ')', '{', '}' out of place
		l.pos++
	default:
		return l.word()
	}
	return nil
}

// word reads a regular token: a number, true, false, null, or an operator.
func (l *contentLexer) word() []byte {
	tok := l.regular()
	if len(tok) == 0 {
		l.pos++
		return nil
	}
	if isContentNumber(tok) {
		n, _ := strconv.ParseFloat(string(tok), 64) // "." and "-" read as 0
		l.push(operand{kind: operandNumber, num: n})
		return nil
	}
	switch string(tok) {
	case "true", "false", "null":
		l.push(operand{kind: operandOther})
		return nil
	}
	return tok
}

func (l *contentLexer) push(o operand) {
	if len(l.args) < 1<<16 { // a page of operands without an operator is junk
		l.args = append(l.args, o)
	}
}

func (l *contentLexer) skipSpace() {
	for l.pos < len(l.b) {
		switch c := l.b[l.pos]; {
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

func (l *contentLexer) regular() []byte {
	start := l.pos
	for l.pos < len(l.b) && pdfClass[l.b[l.pos]] == 0 {
		l.pos++
	}
	return l.b[start:l.pos]
}

// name resolves #xx escapes (into the arena when there are any).
func (l *contentLexer) name(b []byte) []byte {
	if bytes.IndexByte(b, '#') < 0 {
		return b
	}
	start := len(l.arena)
	l.arena = append(l.arena, decodeName(b)...)
	return l.arena[start:len(l.arena):len(l.arena)]
}

// literal decodes a literal string after its '(' into the arena.
func (l *contentLexer) literal() []byte {
	start, nest := len(l.arena), 1
	for l.pos < len(l.b) {
		// Copy up to the next parenthesis or backslash in one piece.
		run := l.b[l.pos:]
		if i := bytes.IndexByte(run, ')'); i >= 0 {
			run = run[:i]
		}
		for _, c := range []byte{'(', '\\'} {
			if i := bytes.IndexByte(run, c); i >= 0 {
				run = run[:i]
			}
		}
		l.arena = append(l.arena, run...)
		if l.pos += len(run); l.pos >= len(l.b) {
			break
		}
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			if nest--; nest == 0 {
				return l.arena[start:len(l.arena):len(l.arena)]
			}
		case '\\':
			lx := pdfLexer{b: l.b, pos: l.pos}
			l.arena = lx.escape(l.arena)
			l.pos = lx.pos
			continue
		}
		l.arena = append(l.arena, c)
	}
	return l.arena[start:len(l.arena):len(l.arena)]
}

// hex decodes a hexadecimal string after its '<' into the arena.
func (l *contentLexer) hex() []byte {
	start := len(l.arena)
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhexDigit(c)
		if !ok {
			continue
		}
		if half {
			l.arena = append(l.arena, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		l.arena = append(l.arena, hi<<4)
	}
	return l.arena[start:len(l.arena):len(l.arena)]
}

// skipDict skips a dictionary, nested ones and the strings in it (which
// may hold '>>') included.
func (l *contentLexer) skipDict() {
	l.pos += 2
	mark := len(l.arena)
	defer func() { l.arena = l.arena[:mark] }()
	for depth := 1; l.pos < len(l.b); {
		switch c := l.b[l.pos]; {
		case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
			l.pos += 2
			if depth--; depth == 0 {
				return
			}
		case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
			l.pos += 2
			if depth++; depth > l.maxDepth {
				l.pos = len(l.b) // hostile nesting: give up on the stream
				return
			}
		case c == '(':
			l.pos++
			l.literal()
		case c == '<':
			l.pos++
			l.hex()
		case c == '%':
			l.skipSpace()
		default:
			l.pos++
		}
	}
}

// skipInlineImage skips an inline image's parameters and data, from after
// BI to after EI: the data is binary and may hold anything, so its end is
// an EI between white space (or at the end of the stream).
func (l *contentLexer) skipInlineImage() {
	id := l.keywordAfter(l.pos, "ID")
	if id < 0 {
		l.pos = len(l.b)
		return
	}
	for i := id + 1; i < len(l.b); i++ {
		if l.b[i] == 'E' && i+1 < len(l.b) && l.b[i+1] == 'I' && isPDFSpace(l.b[i-1]) &&
			(i+2 == len(l.b) || isPDFSpace(l.b[i+2]) || isPDFDelim(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}

// keywordAfter returns the index just past the keyword kw found as a
// token at or after from (skipping the parameter tokens), or -1.
func (l *contentLexer) keywordAfter(from int, kw string) int {
	save := l.pos
	defer func() { l.pos = save }()
	l.pos = from
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return -1
		}
		c := l.b[l.pos]
		if isPDFDelim(c) {
			l.operand() // names, strings, arrays, dictionaries of the parameters
			continue
		}
		if string(l.regular()) == kw {
			return l.pos
		}
	}
}

// isContentNumber reports whether tok is a number as
// github.com/ledongthuc/pdf reads content: a sign, then digits with at
// most one dot. Any other token ("0A", "1.2.3") is an operator.
func isContentNumber(tok []byte) bool {
	if len(tok) > 0 && (tok[0] == '+' || tok[0] == '-') {
		tok = tok[1:]
	}
	dots := 0
	for _, c := range tok {
		switch {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return len(tok) > 0 && dots <= 1
}
