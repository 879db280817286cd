package extract

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// Text extraction runs github.com/ledongthuc/pdf's content interpreter
// and font decoders (ToUnicode CMaps, simple encodings, glyph names) under
// our own text-positioning model. The library's GetPlainText joins text
// runs without spaces (pdfTeX output comes out as one word per line), so
// this file tracks the text matrix and inserts a space where the gap
// between two runs is wider than a fraction of the font size, and a
// newline where the baseline moves.

// gapFactor is the horizontal gap, in font-size units, read as a space.
const gapFactor = 0.15

// errTextFull stops extraction once Limits.MaxTextBytes is reached.
var errTextFull = errors.New("text limit reached")

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n in PDF's row-vector convention.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// gstate is the part of the graphics and text state the model needs.
type gstate struct {
	ctm                        matrix
	tc, tw, th, tl, tfs, trise float64
	font                       *textFont
}

// pageText is the text model of one page.
type pageText struct {
	fonts    *pageFonts
	g        gstate
	stack    []gstate
	tm, tlm  matrix
	out      *strings.Builder
	max      int
	full     bool // the text reached max: nothing more is written
	started  bool
	lastX    float64 // device x where the last run ended
	lastY    float64 // device y of the last run's baseline
	lastSize float64
	scratch  []byte
	adv      advanceTable
}

// advanceTable holds, for a simple font at the current text state, how
// far each code moves the text position: the glyph width scaled to the
// font size plus character spacing (and word spacing for the space),
// times the horizontal scaling. It is filled when the font or one of
// those parameters changes (rarely, next to the characters shown), so
// showing a character costs one addition.
type advanceTable struct {
	font            *textFont
	tfs, tc, tw, th float64
	width           [256]float64
}

// advances returns the advance table of f at the current state.
func (pt *pageText) advances(f *textFont) *advanceTable {
	a, g := &pt.adv, &pt.g
	if a.font == f && a.tfs == g.tfs && a.tc == g.tc && a.tw == g.tw && a.th == g.th {
		return a
	}
	a.font, a.tfs, a.tc, a.tw, a.th = f, g.tfs, g.tc, g.tw, g.th
	for c := range a.width {
		w := f.simple[c]/1000*g.tfs + g.tc
		if c == ' ' {
			w += g.tw
		}
		a.width[c] = w * g.th
	}
	return a
}

// extractText returns the text of the readable pages, pages separated by
// a blank line. Content streams come from our own reader (decoded once,
// see pageContent); fonts come from github.com/ledongthuc/pdf, whose
// reader r is only asked for the font resources of pages.
func (d *pdfDoc) extractText(r *pdf.Reader, pages []pdfPage, maxBytes int) (string, error) {
	var out strings.Builder
	// Text is a part of the content: growing by doubling would copy it
	// twice over.
	out.Grow(int(min(int64(maxBytes), d.contentBytes)))
	tree := &libPageTree{root: r.Trailer().Key("Root").Key("Pages")}
	shared := map[int]*textFont{}
	for _, p := range pages {
		if !p.readable {
			continue
		}
		content, err := d.pageContent(p)
		if err != nil {
			if ctxErr := d.ctx.Err(); ctxErr != nil {
				return "", ctxErr
			}
			continue // the page's text is lost, not the document
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		fonts := &pageFonts{d: d, page: p, tree: tree, shared: shared, own: map[string]*textFont{}}
		err = runPage(d.ctx, content, fonts, &out, maxBytes, d.lim.MaxNesting)
		if errors.Is(err, errTextFull) {
			break
		}
		if d.ctx.Err() != nil {
			return "", d.ctx.Err()
		}
	}
	return out.String(), nil
}

// runPage interprets one page's content. A malformed page (font decoders
// of the library may panic on bad data) loses its remaining text, not the
// document.
func runPage(ctx context.Context, content []byte, fonts *pageFonts, out *strings.Builder,
	max, maxDepth int) (err error) {
	pt := &pageText{fonts: fonts, out: out, max: max,
		g: gstate{ctm: identity, th: 1}, tm: identity, tlm: identity}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("page content: %v", p)
		}
	}()
	l := &contentLexer{b: content, maxDepth: maxDepth}
	for n := 1; ; n++ {
		op, ok := l.next()
		if !ok {
			return nil
		}
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		pt.op(string(op), l.args)
		if pt.full {
			return errTextFull
		}
	}
}

func nums(args []operand, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = args[len(args)-n+i].num
	}
	return out, true
}

// lastText returns the text of the last operand when it is a string.
func lastText(args []operand) ([]byte, bool) {
	if len(args) == 0 || args[len(args)-1].kind != operandString {
		return nil, len(args) > 0
	}
	return args[len(args)-1].text, true
}

// op executes one content operator; args are the operands read since the
// previous operator.
func (pt *pageText) op(op string, args []operand) {
	g := &pt.g
	switch op {
	case "q":
		if len(pt.stack) < 256 {
			pt.stack = append(pt.stack, *g)
		}
	case "Q":
		if n := len(pt.stack); n > 0 {
			*g, pt.stack = pt.stack[n-1], pt.stack[:n-1]
		}
	case "cm":
		if v, ok := nums(args, 6); ok {
			g.ctm = matrix(v).mul(g.ctm)
		}
	case "BT":
		pt.tm, pt.tlm = identity, identity
	case "Tc", "Tw", "Tz", "TL", "Ts":
		pt.setTextParam(op, args)
	case "Tf":
		if len(args) >= 2 {
			g.font, g.tfs = pt.fonts.get(nameOf(args[len(args)-2])), args[len(args)-1].num
		}
	case "Td", "TD", "Tm", "T*":
		pt.move(op, args)
	case "Tj":
		if t, ok := lastText(args); ok {
			pt.show(t)
		}
	case "'", "\"":
		if op == "\"" {
			if v, ok := nums(args[:max(len(args)-1, 0)], 2); ok {
				g.tw, g.tc = v[0], v[1]
			}
		}
		pt.move("T*", nil)
		if t, ok := lastText(args); ok {
			pt.show(t)
		}
	case "TJ":
		pt.showArray(args)
	}
}

// nameOf returns a name operand's name, "" for anything else.
func nameOf(o operand) []byte {
	if o.kind != operandName {
		return nil
	}
	return o.text
}

func (pt *pageText) setTextParam(op string, args []operand) {
	v, ok := nums(args, 1)
	if !ok {
		return
	}
	switch op {
	case "Tc":
		pt.g.tc = v[0]
	case "Tw":
		pt.g.tw = v[0]
	case "Tz":
		pt.g.th = v[0] / 100
	case "TL":
		pt.g.tl = v[0]
	case "Ts":
		pt.g.trise = v[0]
	}
}

// move handles the text-positioning operators.
func (pt *pageText) move(op string, args []operand) {
	switch op {
	case "TD", "Td":
		v, ok := nums(args, 2)
		if !ok {
			return
		}
		if op == "TD" {
			pt.g.tl = -v[1]
		}
		pt.tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(pt.tlm)
	case "Tm":
		v, ok := nums(args, 6)
		if !ok {
			return
		}
		pt.tlm = matrix(v)
	case "T*":
		pt.tlm = matrix{1, 0, 0, 1, 0, -pt.g.tl}.mul(pt.tlm)
	}
	pt.tm = pt.tlm
}

// showArray shows the strings of TJ's array operand and moves by its
// numbers; nested arrays and other operands in it count as 0.
func (pt *pageText) showArray(args []operand) {
	if len(args) == 0 || args[len(args)-1].kind != operandArrayEnd {
		return
	}
	start, depth := -1, 0
	for i := len(args) - 1; i >= 0 && start < 0; i-- {
		switch args[i].kind {
		case operandArrayEnd:
			depth++
		case operandArrayStart:
			if depth--; depth == 0 {
				start = i
			}
		}
	}
	if start < 0 {
		return
	}
	depth = 0
	for _, x := range args[start+1 : len(args)-1] {
		switch {
		case x.kind == operandArrayStart:
			depth++
		case x.kind == operandArrayEnd:
			depth--
		case depth > 0:
		case x.kind == operandString:
			pt.show(x.text)
		case x.kind == operandNumber:
			tx := -x.num / 1000 * pt.g.tfs * pt.g.th
			pt.tm = matrix{1, 0, 0, 1, tx, 0}.mul(pt.tm)
		}
	}
}

// show writes one text run, preceded by a newline or a space when its
// position says so, and advances the text matrix past it.
func (pt *pageText) show(raw []byte) {
	f := pt.g.font
	if f == nil {
		f = defaultFont
	}
	trm := matrix{pt.g.tfs * pt.g.th, 0, 0, pt.g.tfs, 0, pt.g.trise}.mul(pt.tm).mul(pt.g.ctm)
	x, y := trm[4], trm[5]
	size := math.Hypot(trm[2], trm[3])
	pt.scratch = f.decode(pt.scratch[:0], raw)
	text := pt.scratch
	if pt.started && len(text) > 0 {
		pt.separate(x, y, size, text)
	}
	pt.write(text)
	advance := 0.0
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			w := f.width(int(raw[i])<<8|int(raw[i+1]))/1000*pt.g.tfs + pt.g.tc
			advance += w * pt.g.th
		}
	} else {
		a := pt.advances(f)
		for _, c := range raw {
			advance += a.width[c]
		}
	}
	pt.tm = matrix{1, 0, 0, 1, advance, 0}.mul(pt.tm)
	end := matrix{pt.g.tfs * pt.g.th, 0, 0, pt.g.tfs, 0, pt.g.trise}.mul(pt.tm).mul(pt.g.ctm)
	if len(text) > 0 {
		pt.started, pt.lastX, pt.lastY, pt.lastSize = true, end[4], y, size
	}
}

// separate writes the newline or space that the jump from the last run's
// end to (x, y) implies.
func (pt *pageText) separate(x, y, size float64, text []byte) {
	s := max(size, pt.lastSize, 1)
	last := pt.out.String()
	endsSpace := last == "" || strings.HasSuffix(last, " ") || strings.HasSuffix(last, "\n")
	switch {
	case math.Abs(y-pt.lastY) > 0.5*s:
		if !strings.HasSuffix(last, "\n") {
			pt.write([]byte("\n"))
		}
	case x-pt.lastX > gapFactor*s && !endsSpace && text[0] != ' ':
		pt.write([]byte(" "))
	}
}

// write appends s, unless the text would pass max: then the text is full
// and stays as it is.
func (pt *pageText) write(s []byte) {
	if pt.full || pt.out.Len()+len(s) > pt.max {
		pt.full = true
		return
	}
	pt.out.Write(s)
}
