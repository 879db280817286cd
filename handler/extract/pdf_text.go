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

// textFont is a font as the text model uses it.
type textFont struct {
	enc     pdf.TextEncoding
	twoByte bool
	widths  func(code int) float64 // glyph width in 1/1000 text space
}

// gstate is the part of the graphics and text state the model needs.
type gstate struct {
	ctm                        matrix
	tc, tw, th, tl, tfs, trise float64
	font                       *textFont
}

// pageText is the text model of one page.
type pageText struct {
	ctx      context.Context
	res      pdf.Value
	fonts    map[string]*textFont
	g        gstate
	stack    []gstate
	tm, tlm  matrix
	out      *strings.Builder
	max      int
	started  bool
	lastX    float64 // device x where the last run ended
	lastY    float64 // device y of the last run's baseline
	lastSize float64
	ops      int
}

// extractPDFText returns the text of the readable pages, pages separated by
// a blank line.
func extractPDFText(ctx context.Context, r *pdf.Reader, pages []pdfPage,
	maxBytes int) (string, error) {
	var out strings.Builder
	root := r.Trailer().Key("Root").Key("Pages")
	for _, p := range pages {
		if !p.readable {
			continue
		}
		node, res := root, pdf.Value{}
		if p.resPath == 0 {
			res = root.Key("Resources")
		}
		for i, k := range p.path {
			node = node.Key("Kids").Index(k)
			if i+1 == p.resPath {
				res = node.Key("Resources")
			}
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		err := runPage(ctx, node, res, &out, maxBytes)
		if errors.Is(err, errTextFull) {
			break
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
	}
	return out.String(), nil
}

// runPage interprets one page's content. A malformed page (the library
// raises panics on bad syntax) loses its remaining text, not the document.
func runPage(ctx context.Context, page, res pdf.Value, out *strings.Builder, max int) (err error) {
	contents := page.Key("Contents")
	if contents.Kind() != pdf.Stream && contents.Kind() != pdf.Array {
		return nil
	}
	pt := &pageText{ctx: ctx, res: res, fonts: map[string]*textFont{}, out: out, max: max,
		g: gstate{ctm: identity, th: 1}, tm: identity, tlm: identity}
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok && (errors.Is(e, errTextFull) || ctx.Err() != nil) {
				err = e
				return
			}
			err = fmt.Errorf("page content: %v", p)
		}
	}()
	pdf.Interpret(contents, pt.op)
	return nil
}

func popAll(stk *pdf.Stack) []pdf.Value {
	args := make([]pdf.Value, stk.Len())
	for i := len(args) - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	return args
}

func nums(args []pdf.Value, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = args[len(args)-n+i].Float64()
	}
	return out, true
}

// op executes one content operator.
func (pt *pageText) op(stk *pdf.Stack, op string) {
	if pt.ops++; pt.ops%1024 == 0 && pt.ctx.Err() != nil {
		panic(pt.ctx.Err())
	}
	args := popAll(stk)
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
			g.font, g.tfs = pt.font(args[len(args)-2].Name()), args[len(args)-1].Float64()
		}
	case "Td", "TD", "Tm", "T*":
		pt.move(op, args)
	case "Tj":
		if len(args) >= 1 {
			pt.show(args[len(args)-1].RawString())
		}
	case "'", "\"":
		if op == "\"" {
			if v, ok := nums(args[:max(len(args)-1, 0)], 2); ok {
				g.tw, g.tc = v[0], v[1]
			}
		}
		pt.move("T*", nil)
		if len(args) >= 1 {
			pt.show(args[len(args)-1].RawString())
		}
	case "TJ":
		if len(args) >= 1 {
			pt.showArray(args[len(args)-1])
		}
	}
}

func (pt *pageText) setTextParam(op string, args []pdf.Value) {
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
func (pt *pageText) move(op string, args []pdf.Value) {
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

func (pt *pageText) showArray(a pdf.Value) {
	for i := 0; i < a.Len(); i++ {
		x := a.Index(i)
		if x.Kind() == pdf.String {
			pt.show(x.RawString())
			continue
		}
		tx := -x.Float64() / 1000 * pt.g.tfs * pt.g.th
		pt.tm = matrix{1, 0, 0, 1, tx, 0}.mul(pt.tm)
	}
}

// show writes one text run, preceded by a newline or a space when its
// position says so, and advances the text matrix past it.
func (pt *pageText) show(raw string) {
	f := pt.g.font
	if f == nil {
		f = &textFont{enc: nopEncoding{}, widths: func(int) float64 { return 500 }}
	}
	trm := matrix{pt.g.tfs * pt.g.th, 0, 0, pt.g.tfs, 0, pt.g.trise}.mul(pt.tm).mul(pt.g.ctm)
	x, y := trm[4], trm[5]
	size := math.Hypot(trm[2], trm[3])
	text := f.enc.Decode(raw)
	if pt.started && text != "" {
		pt.separate(x, y, size, text)
	}
	pt.write(text)
	advance := 0.0
	for _, code := range codes(raw, f.twoByte) {
		w := f.widths(code)/1000*pt.g.tfs + pt.g.tc
		if code == 32 && !f.twoByte {
			w += pt.g.tw
		}
		advance += w * pt.g.th
	}
	pt.tm = matrix{1, 0, 0, 1, advance, 0}.mul(pt.tm)
	end := matrix{pt.g.tfs * pt.g.th, 0, 0, pt.g.tfs, 0, pt.g.trise}.mul(pt.tm).mul(pt.g.ctm)
	if text != "" {
		pt.started, pt.lastX, pt.lastY, pt.lastSize = true, end[4], y, size
	}
}

// separate writes the newline or space that the jump from the last run's
// end to (x, y) implies.
func (pt *pageText) separate(x, y, size float64, text string) {
	s := max(size, pt.lastSize, 1)
	last := pt.out.String()
	endsSpace := last == "" || strings.HasSuffix(last, " ") || strings.HasSuffix(last, "\n")
	switch {
	case math.Abs(y-pt.lastY) > 0.5*s:
		if !strings.HasSuffix(last, "\n") {
			pt.write("\n")
		}
	case x-pt.lastX > gapFactor*s && !endsSpace && !strings.HasPrefix(text, " "):
		pt.write(" ")
	}
}

func (pt *pageText) write(s string) {
	if pt.out.Len()+len(s) > pt.max {
		panic(errTextFull)
	}
	pt.out.WriteString(s)
}

// codes splits a run into character codes: bytes, or big-endian pairs for
// composite (Type0) fonts.
func codes(raw string, twoByte bool) []int {
	out := make([]int, 0, len(raw))
	if !twoByte {
		for i := 0; i < len(raw); i++ {
			out = append(out, int(raw[i]))
		}
		return out
	}
	for i := 0; i+1 < len(raw); i += 2 {
		out = append(out, int(raw[i])<<8|int(raw[i+1]))
	}
	return out
}

type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }

// font returns (and caches) the page's font resource name.
func (pt *pageText) font(name string) *textFont {
	if f, ok := pt.fonts[name]; ok {
		return f
	}
	v := pt.res.Key("Font").Key(name)
	pf := &pdf.Font{V: v}
	tf := &textFont{enc: pf.Encoder(), twoByte: v.Key("Subtype").Name() == "Type0"}
	if tf.enc == nil {
		tf.enc = nopEncoding{}
	}
	if tf.twoByte {
		tf.widths = cidWidths(v.Key("DescendantFonts").Index(0))
	} else {
		tf.widths = simpleWidths(v)
	}
	pt.fonts[name] = tf
	return tf
}

// simpleWidths reads /FirstChar and /Widths (500 where unknown, a typical
// average glyph width).
func simpleWidths(v pdf.Value) func(int) float64 {
	first, ws := int(v.Key("FirstChar").Int64()), v.Key("Widths")
	n := min(ws.Len(), 256)
	table := make([]float64, n)
	for i := range table {
		table[i] = ws.Index(i).Float64()
	}
	return func(code int) float64 {
		if i := code - first; i >= 0 && i < len(table) && table[i] > 0 {
			return table[i]
		}
		return 500
	}
}

// cidWidths reads a CID font's /DW and /W (both forms: c [w…] and
// cFirst cLast w), at most 65536 entries.
func cidWidths(v pdf.Value) func(int) float64 {
	dw := v.Key("DW").Float64()
	if dw == 0 {
		dw = 1000
	}
	table := map[int]float64{}
	w := v.Key("W")
	for i := 0; i+1 < w.Len() && len(table) < 65536; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(table) < 65536; j++ {
				table[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			break
		}
		last, width := int(next.Int64()), w.Index(i+2).Float64()
		for c2 := c; c2 <= last && c2-c < 65536 && len(table) < 65536; c2++ {
			table[c2] = width
		}
		i += 3
	}
	return func(code int) float64 {
		if x, ok := table[code]; ok {
			return x
		}
		return dw
	}
}
