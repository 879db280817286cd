package extract

import (
	"fmt"

	"github.com/ledongthuc/pdf"
)

// Fonts come from github.com/ledongthuc/pdf (encodings, ToUnicode CMaps,
// glyph names); this file reads their widths, caches them across the pages
// that share them, and decodes simple fonts' runs through a byte table.

// textFont is a font as the text model uses it.
type textFont struct {
	enc     pdf.TextEncoding
	twoByte bool
	// simple holds a simple font's glyph widths by code, cid a composite
	// font's (in 1/1000 text space).
	simple *[256]float64
	cid    func(code int) float64
	// bytes caches the text of each code when enc decodes every byte on
	// its own (simple fonts), so runs are decoded without allocating.
	bytes *byteTable
}

// byteTable caches a bytewise encoding, filled as codes are met.
type byteTable struct {
	state [256]uint8 // byteUnknown, byteSame or byteText
	text  [256]string
}

const (
	byteUnknown = iota
	byteSame    // the code decodes to itself, one byte
	byteText    // the code decodes to text[code]
)

type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }

// defaultFont stands in when no font was selected. It is shared, so it
// has no byte table to fill.
var defaultFont = &textFont{enc: nopEncoding{}, simple: func() *[256]float64 {
	var w [256]float64
	for i := range w {
		w[i] = 500
	}
	return &w
}()}

// decode appends the text of raw to dst: in one piece when every byte
// decodes to itself (ASCII text in the usual encodings).
func (f *textFont) decode(dst, raw []byte) []byte {
	t := f.bytes
	if t == nil {
		return append(dst, f.enc.Decode(string(raw))...)
	}
	for i, c := range raw {
		if t.state[c] != byteSame {
			return f.decodeBytes(append(dst, raw[:i]...), raw[i:])
		}
	}
	return append(dst, raw...)
}

func (f *textFont) decodeBytes(dst, raw []byte) []byte {
	t := f.bytes
	for _, c := range raw {
		if t.state[c] == byteUnknown {
			t.text[c] = f.enc.Decode(string([]byte{c}))
			t.state[c] = byteText
			if len(t.text[c]) == 1 && t.text[c][0] == c {
				t.state[c] = byteSame
			}
		}
		if t.state[c] == byteSame {
			dst = append(dst, c)
		} else {
			dst = append(dst, t.text[c]...)
		}
	}
	return dst
}

// bytewise reports whether enc decodes each byte on its own: the
// library's encoders for simple fonts (a byte table, /Differences over
// one, or none) and ours. Other encoders (ToUnicode CMaps, UCS-2) may
// read several bytes as one code and are asked run by run.
func bytewise(enc pdf.TextEncoding) bool {
	switch fmt.Sprintf("%T", enc) {
	case "*pdf.byteEncoder", "*pdf.dictEncoder", "*pdf.nopEncoder", "extract.nopEncoding":
		return true
	}
	return false
}

// newTextFont reads a font resource (a null Value gives the defaults the
// library has for a missing font).
func newTextFont(v pdf.Value) *textFont {
	pf := &pdf.Font{V: v}
	tf := &textFont{enc: pf.Encoder(), twoByte: v.Key("Subtype").Name() == "Type0"}
	if tf.enc == nil {
		tf.enc = nopEncoding{}
	}
	if tf.twoByte {
		tf.cid = cidWidths(v.Key("DescendantFonts").Index(0))
		return tf
	}
	tf.simple = simpleWidths(v)
	if bytewise(tf.enc) {
		tf.bytes = &byteTable{}
	}
	return tf
}

// width returns the width of a glyph in 1/1000 text space.
func (f *textFont) width(code int) float64 {
	if f.simple != nil {
		return f.simple[code&0xFF]
	}
	return f.cid(code)
}

// simpleWidths reads /FirstChar and /Widths (500 where unknown, a typical
// average glyph width).
func simpleWidths(v pdf.Value) *[256]float64 {
	first, ws := int(v.Key("FirstChar").Int64()), v.Key("Widths")
	n := min(ws.Len(), 256)
	var out [256]float64
	for code := range out {
		out[code] = 500
		if i := code - first; i >= 0 && i < n {
			if w := ws.Index(i).Float64(); w > 0 {
				out[code] = w
			}
		}
	}
	return &out
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

// pageFonts resolves the fonts of one page. Fonts are shared between the
// pages that use the same font object, so each font's encoding (a
// ToUnicode CMap may be large) is read once per document; the library is
// asked for the page's resources only when a font is not known yet.
type pageFonts struct {
	d      *pdfDoc
	page   pdfPage
	tree   *libPageTree
	shared map[int]*textFont // by font object number
	own    map[string]*textFont
}

// get returns the font the page's resources name.
func (pf *pageFonts) get(name []byte) *textFont {
	if f, ok := pf.own[string(name)]; ok {
		return f
	}
	num := -1
	if fonts, ok := pf.d.get(pf.page.res, "Font").(pdfDict); ok {
		if r, ok := fonts[pdfName(name)].(pdfRef); ok {
			num = r.num
		}
	}
	f := pf.shared[num]
	if f == nil {
		res := pf.tree.resources(pf.page)
		f = newTextFont(res.Key("Font").Key(string(name)))
		if num >= 0 {
			pf.shared[num] = f
		}
	}
	pf.own[string(name)] = f
	return f
}

// libPageTree finds pages in the library's page tree by their Kids path.
// The library does not cache objects, so it keeps the nodes and Kids
// arrays along the last path: consecutive pages share them, instead of
// parsing every node (and its Kids array) again for each page.
type libPageTree struct {
	root  pdf.Value
	path  []int
	nodes []pdf.Value // nodes[i] is the node at depth i of path
	kids  []pdf.Value // kids[i] is nodes[i]'s Kids array
}

// resources returns the Resources that apply to page (a null Value when
// no node of its path has any).
func (t *libPageTree) resources(page pdfPage) pdf.Value {
	if page.resPath < 0 {
		return pdf.Value{}
	}
	return t.node(page.path[:page.resPath]).Key("Resources")
}

func (t *libPageTree) node(path []int) pdf.Value {
	if len(t.nodes) == 0 {
		t.nodes, t.kids = []pdf.Value{t.root}, []pdf.Value{t.root.Key("Kids")}
	}
	common := 0
	for common < len(path) && common < len(t.path) && path[common] == t.path[common] {
		common++
	}
	t.path, t.nodes, t.kids = t.path[:common], t.nodes[:common+1], t.kids[:common+1]
	for _, k := range path[common:] {
		n := t.kids[len(t.kids)-1].Index(k)
		t.path, t.nodes = append(t.path, k), append(t.nodes, n)
		t.kids = append(t.kids, n.Key("Kids"))
	}
	return t.nodes[len(path)]
}
