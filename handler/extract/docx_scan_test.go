package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readBodyXML is the encoding/xml reader that bodyScanner replaced, kept
// as the reference it must agree with on well-formed bodies.
func readBodyXML(r io.Reader, maxDepth int) (string, int, error) {
	dec := xml.NewDecoder(r)
	var b strings.Builder
	inText, depth, paragraphs := false, 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String(), paragraphs, nil
		}
		if err != nil {
			return "", 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return "", 0, errors.New("too deep")
			}
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				paragraphs++
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// body wraps paragraphs' XML in a document element.
func body(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<w:document ` + wordNS + `><w:body>` + inner + `</w:body></w:document>`
}

func scanAll(tb testing.TB, r io.Reader, maxText int) (string, int, bool, error) {
	tb.Helper()
	return scanDOCXBody(context.Background(), r, 0, 256, maxText)
}

func TestBodyScannerText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, xml, text string
		paragraphs      int
	}{
		{"runs", body(`<w:p><w:r><w:t>Hello</w:t></w:r><w:r><w:t xml:space="preserve"> world` +
			`</w:t></w:r></w:p>`), "Hello world\n", 1},
		{"entities", body(`<w:p><w:r><w:t>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;` +
			` &#233;&#xE9;&#x1F600;</w:t></w:r></w:p>`), "a <b> & \"c\" 'd' éé😀\n", 1},
		{"tabs and breaks", body(`<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/>` +
			`<w:t>c</w:t><w:cr/></w:r></w:p><w:p/>`), "a\tb\nc\n\n\n", 2},
		{"attributes with >", body(`<w:p w:rsidR="00A1" w:x='a>b' w:y="c/>"><w:r>` +
			`<w:t>x</w:t></w:r></w:p>`), "x\n", 1},
		{"cdata comments pi", body(`<!-- <w:t>no</w:t> --><?pi <w:t>no</w:t> ?>` +
			`<w:p><w:r><w:t><![CDATA[a<b&c]]></w:t></w:r></w:p>`), "a<b&c\n", 1},
		{"text outside t", body(`<w:p>skip<w:r>me<w:t>keep</w:t>too</w:r></w:p>`), "keep\n", 1},
		{"drawing text", body(`<w:p><a:t xmlns:a="urn:a">box</a:t></w:p>`), "box\n", 1},
		{"crlf", body("<w:p><w:r><w:t>a\r\nb\rc\n\rd&#13;\n</w:t></w:r></w:p>"),
			"a\nb\nc\n\nd\r\n\n", 1},
		{"spaces in tags", body("<w:p ><w:r\n><w:t\t>x</w:t ></w:r></w:p\n>"), "x\n", 1},
		{"doctype", `<!DOCTYPE d [<!ELEMENT d ANY> <!-- > -->]><d><t>x</t></d>`, "x", 0},
		{"empty t", body(`<w:p><w:r><w:t/>x<w:t></w:t></w:r></w:p>`), "\n", 1},
		{"nested in t", body(`<w:p><w:t>a<w:x>b</w:x>c</w:t></w:p>`), "abc\n", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range readers(c.xml) {
				text, paras, truncated, err := scanAll(t, r, 1<<20)
				if err != nil || text != c.text || paras != c.paragraphs || truncated {
					t.Fatalf("got %q %d %v %v, want %q %d", text, paras, truncated, err,
						c.text, c.paragraphs)
				}
			}
			agreeWithXML(t, []byte(c.xml))
		})
	}
}

// readers gives the same bytes whole, a byte at a time and in halves, so
// every construct also meets a buffer boundary.
func readers(s string) []io.Reader {
	return []io.Reader{strings.NewReader(s), iotest.OneByteReader(strings.NewReader(s)),
		iotest.HalfReader(strings.NewReader(s)), iotest.DataErrReader(strings.NewReader(s))}
}

func TestBodyScannerRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"unknown entity":  body(`<w:p><w:t>&nbsp;</w:t></w:p>`),
		"no semicolon":    body(`<w:p><w:t>a & b</w:t></w:p>`),
		"nul reference":   body(`<w:p><w:t>&#0;</w:t></w:p>`),
		"bad reference":   body(`<w:p><w:t>&#x110000;</w:t></w:p>`),
		"mismatched end":  body(`<w:p><w:r><w:t>x</w:r></w:t></w:p>`),
		"stray end":       body(`</w:p>`),
		"unclosed":        `<w:document><w:body><w:p><w:t>x</w:t>`,
		"cut tag":         `<w:document><w:p`,
		"cut entity":      `<d><t>a &am`,
		"nameless tag":    body(`<w:p>< w:t>x</w:t></w:p>`),
		"utf-16 declared": `<?xml version="1.0" encoding="UTF-16"?><d/>`,
	}
	for name, x := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, r := range readers(x) {
				if _, _, _, err := scanAll(t, r, 1<<20); err == nil {
					t.Fatal("accepted")
				} else if _, ok := asContentError(err); !ok {
					t.Fatalf("error %v is not a verdict", err)
				}
			}
			if _, _, err := readBodyXML(strings.NewReader(x), 256); err == nil {
				t.Error("encoding/xml accepts it: the case tests nothing")
			}
		})
	}
}

func TestBodyScannerDepth(t *testing.T) {
	t.Parallel()
	deep := func(n int) string {
		return strings.Repeat("<w:x>", n) + "<w:t>x</w:t>" + strings.Repeat("</w:x>", n)
	}
	if _, _, _, err := scanAll(t, strings.NewReader(deep(255)), 1<<20); err != nil {
		t.Errorf("255 levels: %v", err)
	}
	_, _, _, err := scanAll(t, strings.NewReader(deep(256)), 1<<20)
	if ce, ok := asContentError(err); !ok || ce.reason != ReasonLimitExceeded {
		t.Errorf("256 levels and a t: %v", err)
	}
}

// TestBodyScannerStopsAtMaxText: a body with more text than is kept is read
// only until the text passes maxText, and the part is not read to its end.
func TestBodyScannerStopsAtMaxText(t *testing.T) {
	t.Parallel()
	para := `<w:p><w:r><w:t>` + strings.Repeat("word ", 20) + `</w:t></w:r></w:p>`
	x := body(strings.Repeat(para, 20000)) // about 2 MB of text
	full, fullParas, truncated, err := scanAll(t, strings.NewReader(x), 10<<20)
	if err != nil || truncated {
		t.Fatalf("full read: %v %v", err, truncated)
	}
	src := strings.NewReader(x)
	text, paras, truncated, err := scanAll(t, src, 100_000)
	if err != nil || !truncated || len(text) <= 100_000 || !strings.HasPrefix(full, text) {
		t.Fatalf("cut read: %d bytes, truncated %v, err %v", len(text), truncated, err)
	}
	if paras == 0 || paras >= fullParas || src.Len() == 0 {
		t.Errorf("paragraphs %d of %d, %d bytes left unread", paras, fullParas, src.Len())
	}
}

// agreeWithXML checks that bodyScanner gives encoding/xml's text and
// paragraph count whenever encoding/xml reads the body. The texts are
// compared after cleanText, which removes what encoding/xml would have
// refused and bodyScanner lets through.
func agreeWithXML(tb testing.TB, x []byte) {
	tb.Helper()
	want, wantParas, err := readBodyXML(bytes.NewReader(x), 256)
	if err != nil {
		return
	}
	got, paras, truncated, err := scanAll(tb, bytes.NewReader(x), 1<<30)
	if err != nil || truncated {
		tb.Fatalf("encoding/xml reads %q, bodyScanner: %v", x, err)
	}
	g, _, _ := cleanText(got, 1<<30)
	w, _, _ := cleanText(want, 1<<30)
	if g != w || paras != wantParas {
		tb.Fatalf("body %q: got %q (%d), encoding/xml %q (%d)", x, got, paras, want, wantParas)
	}
}

func TestBodyScannerRealFile(t *testing.T) {
	t.Parallel()
	x := docxPart(t, readReal(t, "par-rendered-page-breaks.docx"), docxBody)
	agreeWithXML(t, x)
	want, _, _, _ := scanAll(t, bytes.NewReader(x), 1<<20)
	for _, r := range readers(string(x)) {
		if got, _, _, err := scanAll(t, r, 1<<20); err != nil || got != want {
			t.Fatalf("another reader gives %q, %v", head(got, 100), err)
		}
	}
}

// docxPart returns one part of a DOCX archive.
func docxPart(tb testing.TB, data []byte, name string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzDOCXBody: bodyScanner agrees with encoding/xml on every body
// encoding/xml reads, and gives the same answer whatever the read sizes.
func FuzzDOCXBody(f *testing.F) {
	f.Add([]byte(body(`<w:p><w:r><w:t xml:space="preserve"> a &amp; b </w:t><w:tab/>` +
		`</w:r></w:p><w:p><w:t><![CDATA[x]]>&#233;</w:t><w:br/></w:p>`)))
	f.Add([]byte("<d><t>a\r\n&#13;\r</t><!--c--><?p?><t/></d>"))
	f.Add([]byte(`<a b='>' c="/>"><t>x</t></a>`))
	if b := readRealF(f, "par-rendered-page-breaks.docx"); b != nil {
		f.Add(docxPart(f, b, docxBody))
	}
	f.Fuzz(func(t *testing.T, x []byte) {
		agreeWithXML(t, x)
		text, paras, _, err := scanAll(t, bytes.NewReader(x), 1<<20)
		text1, paras1, _, err1 := scanAll(t, iotest.OneByteReader(bytes.NewReader(x)), 1<<20)
		if text != text1 || paras != paras1 || (err == nil) != (err1 == nil) {
			t.Fatalf("read sizes change the answer: %q %v / %q %v", text, err, text1, err1)
		}
	})
}

// docxWith builds a DOCX archive around a body.
func docxWith(tb testing.TB, bodyXML string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.` +
			`openxmlformats.org/package/2006/content-types"><Override PartName="/word/` +
			`document.xml" ContentType="application/vnd.openxmlformats-officedocument.` +
			`wordprocessingml.document.main+xml"/></Types>`},
		{docxBody, bodyXML},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestDOCXLimits: long text is cut with a warning and the body is not read
// to its end; a body that inflates past the budget is a bomb, whether or
// not its text would have been cut first.
func TestDOCXLimits(t *testing.T) {
	t.Parallel()
	para := `<w:p><w:r><w:t>` + strings.Repeat("lab result ", 20) + `</w:t></w:r></w:p>`
	long := docxWith(t, body(strings.Repeat(para, 10000))) // 2.2 MB of text
	cut := mustInspect(t, long, Declared{}, Options{Limits: Limits{MaxTextBytes: 100_000}})
	if cut.Status != StatusReady || !cut.HasWarning(WarnTextTruncated) ||
		len(cut.Text) > 100_000 || len(cut.Text) < 99_000 || cut.DOCX.Paragraphs < 400 ||
		cut.DOCX.Paragraphs > 600 {
		t.Errorf("cut: %s %v %d bytes, %d paragraphs", cut.Status, cut.Warnings, len(cut.Text),
			cut.DOCX.Paragraphs)
	}
	whole := mustInspect(t, long, Declared{}, Options{})
	if whole.HasWarning(WarnTextTruncated) || whole.DOCX.Paragraphs != 10000 {
		t.Errorf("whole: %v %d paragraphs", whole.Warnings, whole.DOCX.Paragraphs)
	}
	small := Limits{MaxInflatedBytes: 1 << 20, MaxTextBytes: 100_000}
	wantRejected(t, mustInspect(t, long, Declared{}, Options{Limits: small}),
		StatusQuarantined, ReasonLimitExceeded)
	markup := docxWith(t, body(strings.Repeat("<w:p><w:r/></w:p>", 200_000))) // 3.6 MB
	wantRejected(t, mustInspect(t, markup, Declared{}, Options{Limits: small}),
		StatusQuarantined, ReasonLimitExceeded)
	deep := docxWith(t, body(strings.Repeat("<w:x>", 300)+strings.Repeat("</w:x>", 300)))
	wantRejected(t, mustInspect(t, deep, Declared{}, Options{}),
		StatusQuarantined, ReasonLimitExceeded)
	broken := docxWith(t, body(`<w:p><w:t>x</w:p>`))
	wantRejected(t, mustInspect(t, broken, Declared{}, Options{}), StatusFailed, ReasonCorrupt)
}
