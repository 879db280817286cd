package extract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
)

// libContentText runs the text model over a content stream read by
// github.com/ledongthuc/pdf's Interpret, as extraction did before
// contentLexer: the reference contentLexer must agree with.
func libContentText(tb testing.TB, content []byte) (text string, ok bool) {
	tb.Helper()
	b := &pdfBuilder{}
	catalog, pages := b.add(""), b.add("")
	c := b.addRawStream(fmt.Sprintf("<< /Length %d >>", len(content)), content)
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", pages, c))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	b.set(pages, fmt.Sprintf("<< /Type /Pages /Count 1 /Kids [%d 0 R] >>", page))
	data := b.bytes(catalog)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out strings.Builder
	pt := newTestPageText(&out)
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	pdf.Interpret(r.Page(1).V.Key("Contents"), func(stk *pdf.Stack, op string) {
		var args []operand
		for _, v := range popAll(stk) {
			args = appendLibValue(args, v)
		}
		pt.op(op, args)
	})
	return out.String(), true
}

// ownContentText runs the text model over contentLexer's reading.
func ownContentText(content []byte) string {
	var out strings.Builder
	pt := newTestPageText(&out)
	l := &contentLexer{b: content, maxDepth: 64}
	for {
		op, ok := l.next()
		if !ok {
			return out.String()
		}
		pt.op(string(op), l.args)
	}
}

// newTestPageText is a page whose fonts F1 and F2 are the stand-in font;
// other names find no resources.
func newTestPageText(out *strings.Builder) *pageText {
	fonts := &pageFonts{d: &pdfDoc{}, page: pdfPage{resPath: -1}, tree: &libPageTree{},
		shared: map[int]*textFont{}, own: map[string]*textFont{"F1": defaultFont,
			"F2": defaultFont}}
	return &pageText{fonts: fonts, out: out, max: 1 << 20,
		g: gstate{ctm: identity, th: 1}, tm: identity, tlm: identity}
}

func popAll(stk *pdf.Stack) []pdf.Value {
	args := make([]pdf.Value, stk.Len())
	for i := len(args) - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	return args
}

// appendLibValue turns a library value into contentLexer's operands.
func appendLibValue(args []operand, v pdf.Value) []operand {
	switch v.Kind() {
	case pdf.Integer, pdf.Real:
		return append(args, operand{kind: operandNumber, num: v.Float64()})
	case pdf.Name:
		return append(args, operand{kind: operandName, text: []byte(v.Name())})
	case pdf.String:
		return append(args, operand{kind: operandString, text: []byte(v.RawString())})
	case pdf.Array:
		args = append(args, operand{kind: operandArrayStart})
		for i := 0; i < v.Len(); i++ {
			args = appendLibValue(args, v.Index(i))
		}
		return append(args, operand{kind: operandArrayEnd})
	}
	return append(args, operand{kind: operandOther})
}

var contentCases = []string{
	"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET",
	"BT /F1 10 Tf 14 TL 50 780 Td (line one) Tj T* (line two) Tj ET",
	"BT /F1 12 Tf 1 0 0 1 72 700 Tm [(Spa) -250 (ced) 30 (kern)] TJ ET",
	"BT /F1 12 Tf 72 700 Td (a \\(nested (paren)\\) \\\\ \\101\\n) Tj ET",
	"BT /F1 12 Tf 72 700 Td <48656C6C6F> Tj < 576f 726c\n64> Tj ET",
	"q 2 0 0 2 0 0 cm BT /F1 6 Tf 10 10 Td (scaled) Tj ET Q BT /F2 12 Tf (after) Tj ET",
	"BT /F1 12 Tf 0 Tc 5 Tw 90 Tz 2 Ts 72 700 Td (set params) Tj ET",
	"BT /F1 12 Tf 12 TL 72 700 Td (first) Tj (quote) ' 1 2 (dquote) \" ET",
	"/Span << /ActualText (x>>y) /Nested << /K 1 >> >> BDC BT /F1 9 Tf (marked) Tj ET EMC",
	"% comment (not text) Tj\nBT /F1 12 Tf 72 700 Td (after comment) Tj ET",
	"BT /F#31 12 Tf 72 700 Td (escaped name) Tj ET",
	"BT /F1 12 Tf 72 700 TD (TD) Tj 0 -14 Td (next) Tj ET",
	"BT /F1 12 Tf [(nested) [1 2] /N (array)] TJ ET",
	"BT /F1 12 Tf 72 700 Td (a) Tj 400 0 Td (far) Tj 0.5 0 Td (near) Tj ET",
	"BT /F1 12 Tf true false null 72 700 Td (keywords) Tj ET",
	"BT /F1 12 Tf 72 700 Td 3 Tj (no string) 5 Tj ET",
}

// TestContentLexerAgreesWithLibrary: the text of well-formed content is
// the same whether the library or contentLexer reads it.
func TestContentLexerAgreesWithLibrary(t *testing.T) {
	t.Parallel()
	for _, c := range contentCases {
		want, ok := libContentText(t, []byte(c))
		if !ok {
			t.Fatalf("the library panics on %q", c)
		}
		if got := ownContentText([]byte(c)); got != want {
			t.Errorf("%q: got %q, library %q", c, got, want)
		}
	}
}

// TestContentLexerOddHex: a hexadecimal string with an odd number of
// digits ends as if followed by 0 (the library panics on it).
func TestContentLexerOddHex(t *testing.T) {
	t.Parallel()
	if got := ownContentText([]byte("BT /F1 12 Tf <48692> Tj ET")); got != "Hi " {
		t.Errorf("got %q", got)
	}
}

// TestContentLexerInlineImage: inline image data, which may hold any
// bytes, is skipped to its EI.
func TestContentLexerInlineImage(t *testing.T) {
	t.Parallel()
	c := "BT /F1 12 Tf 72 700 Td (before) Tj ET\nBI /W 4 /H 1 /BPC 8 /CS /G ID " +
		"(\x00\xff) Tj ) EIx [ <<\nEI\nBT /F1 12 Tf 72 680 Td (after) Tj ET"
	if got := ownContentText([]byte(c)); got != "before\nafter" {
		t.Errorf("got %q", got)
	}
}

// TestPageContentDecodedOnce: the page walk keeps the content it decoded
// for the text pass, and several content streams of a page read as one.
func TestPageContentDecodedOnce(t *testing.T) {
	t.Parallel()
	b := &pdfBuilder{}
	catalog, pages := b.add(""), b.add("")
	font := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica " +
		"/Encoding /WinAnsiEncoding >>")
	c1 := b.addStream(t, "", []byte("BT /F1 12 Tf 72 720 Td (Split across"), true)
	c2 := b.addStream(t, "", []byte(") Tj 0 -14 Td (streams) Tj ET"), true)
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Resources << /Font << /F1 %d 0 R"+
		" >> >> /Contents [%d 0 R %d 0 R] >>", pages, font, c1, c2))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	b.set(pages, fmt.Sprintf("<< /Type /Pages /Count 1 /Kids [%d 0 R] >>", page))
	data := b.bytes(catalog)

	d, err := openPDFDoc(context.Background(), data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := d.walkPages()
	if err != nil || len(ps) != 1 || len(ps[0].contents) != 2 || len(d.decoded) != 2 {
		t.Fatalf("walk: %v, %d pages, %d decoded", err, len(ps), len(d.decoded))
	}
	res := mustInspect(t, data, Declared{}, Options{})
	if res.Text != "Split across\nstreams" {
		t.Errorf("text %q", res.Text)
	}
}

// TestSimpleFontsDecodeByTable: the usual encodings of simple fonts are
// recognised as bytewise, so their runs go through the byte table.
func TestSimpleFontsDecodeByTable(t *testing.T) {
	t.Parallel()
	data := textPDF(t, 1, "Résumé", false, false)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f := newTextFont(r.Page(1).V.Key("Resources").Key("Font").Key("F1"))
	if f.bytes == nil {
		t.Fatalf("%T is not read as bytewise", f.enc)
	}
	raw := []byte("R\xe9sum\xe9 \x80")
	if got, want := string(f.decode(nil, raw)), f.enc.Decode(string(raw)); got != want {
		t.Errorf("table gives %q, encoder %q", got, want)
	}
}

// FuzzContentText: contentLexer reads any bytes to their end without
// panicking, where the library may panic or hang.
func FuzzContentText(f *testing.F) {
	for _, c := range contentCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		_ = ownContentText(content)
	})
}

// contentUnits are the well-formed pieces FuzzContentTokens builds
// content from: operands of every kind and the text operators.
var contentUnits = []string{
	"0", "12", "-3", "+4", "0.5", "-.25", "72 700", "1 0 0 1 50 600", "/F1", "/F2", "/F#31",
	"(Hello)", "( spaced )", "(a\\(b\\)c)", "(nested (paren))", "(\\101\\7\\n)",
	"(line\\\ncont)", "<48 65>", "<6c6C6F>", "[(Ki) -120 (ng)]", "[(a) 500 (b) -2000 (c)]",
	"[]", "true", "null", "% note (x) Tj\n", "Tj", "TJ", "'", "\"", "Td", "TD", "Tm", "T*",
	"Tf", "Tc", "Tw", "Tz", "TL", "Ts", "cm", "q", "Q", "BT", "ET", "re", "f",
}

// FuzzContentTokens: on content made of well-formed tokens, contentLexer
// and the library give the same text.
func FuzzContentTokens(f *testing.F) {
	f.Add([]byte{41, 8, 0, 1, 25, 11, 25, 44, 1, 29, 9, 26, 30, 12, 26, 42})
	f.Add([]byte{41, 9, 5, 24, 33, 19, 25, 20, 25, 7, 32, 13, 27, 42})
	f.Fuzz(func(t *testing.T, pick []byte) {
		var b strings.Builder
		for _, p := range pick {
			b.WriteString(contentUnits[int(p)%len(contentUnits)])
			b.WriteByte(' ')
		}
		content := []byte(b.String())
		want, ok := libContentText(t, content)
		if !ok {
			return
		}
		if got := ownContentText(content); got != want {
			t.Fatalf("%q: got %q, library %q", content, got, want)
		}
	})
}

// onePagePDF builds a one-page PDF around content, with font F1 carrying
// the given ToUnicode CMap when cmap is not empty.
func onePagePDF(content, cmap string) []byte {
	b := &pdfBuilder{}
	catalog, pages := b.add(""), b.add("")
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	if cmap != "" {
		cm := b.addRawStream(fmt.Sprintf("<< /Length %d >>", len(cmap)), []byte(cmap))
		font = fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "+
			"/ToUnicode %d 0 R >>", cm)
	}
	f := b.add(font)
	c := b.addRawStream(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Resources << /Font << /F1 %d 0 R"+
		" >> >> /Contents %d 0 R >>", pages, f, c))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	b.set(pages, fmt.Sprintf("<< /Type /Pages /Count 1 /Kids [%d 0 R] >>", page))
	return b.bytes(catalog)
}

// TestPDFUnterminatedHexString: github.com/ledongthuc/pdf loops forever on
// a stream that ends inside a hexadecimal string, beyond the reach of the
// time budget. Content streams no longer go through it, and a CMap that
// would is refused: the page then has no text, and Inspect returns.
func TestPDFUnterminatedHexString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, content, cmap, text string
	}{
		{"content", "BT /F1 12 Tf 72 700 Td (seen) Tj <4865", "", "seen"},
		{"cmap", "BT /F1 12 Tf 72 700 Td (lost) Tj ET",
			"begincmap 1 begincodespacerange <00> <FF> endcodespacerange <48", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan Result, 1)
			go func() {
				res, _ := Inspect(context.Background(), onePagePDF(c.content, c.cmap), Declared{},
					Options{Limits: Limits{Timeout: time.Second}})
				done <- res
			}()
			select {
			case res := <-done:
				if res.Status != StatusReady || res.PDF.HasTextLayer != (c.text != "") ||
					c.text != "" && res.Text != c.text {
					t.Errorf("%s %s %q", res.Status, res.Reason, res.Text)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Inspect did not return (the goroutine is still spinning)")
			}
		})
	}
}

func TestLibLexerHangs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"<00> <FF>": false, "<<": false, "<48": true, "(<48) <4>": false, "(a\\) <b)": false,
		"% <48\n<48>": false, "% <48": false, "(unclosed <48": false, "<< /K <48": true,
	} {
		if got := libLexerHangs([]byte(in)); got != want {
			t.Errorf("libLexerHangs(%q) = %v", in, got)
		}
	}
}

// TestAdvanceTable: the cached advances follow every change of font and
// text state, and equal the per-character formula.
func TestAdvanceTable(t *testing.T) {
	t.Parallel()
	pt := newTestPageText(&strings.Builder{})
	other := &textFont{simple: new([256]float64)}
	for c := range other.simple {
		other.simple[c] = float64(c * 3)
	}
	states := []gstate{
		{tfs: 12, th: 1}, {tfs: 12, th: 1, tc: 0.5}, {tfs: 12, th: 1, tc: 0.5, tw: 2},
		{tfs: 9, th: 0.9, tc: 0.5, tw: 2}, {tfs: 9, th: 0.9, tc: 0.5, tw: 2, font: other},
		{tfs: 12, th: 1},
	}
	for _, g := range states {
		f := g.font
		if f == nil {
			f = defaultFont
		}
		pt.g = g
		a := pt.advances(f)
		for _, c := range []byte{0, ' ', 'A', 200, 255} {
			w := f.simple[c]/1000*g.tfs + g.tc
			if c == ' ' {
				w += g.tw
			}
			if a.width[c] != w*g.th {
				t.Errorf("state %+v code %d: %v, want %v", g, c, a.width[c], w*g.th)
			}
		}
	}
}
