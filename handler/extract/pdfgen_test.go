package extract

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// pdfBuilder writes small PDFs for tests: numbered objects, then a classic
// xref table or an xref stream.
type pdfBuilder struct {
	objs [][]byte // objs[i] is the body of object i+1
}

// add appends an object body and returns its number.
func (b *pdfBuilder) add(body string) int {
	b.objs = append(b.objs, []byte(body))
	return len(b.objs)
}

// addStream appends a stream object, Flate-compressed when compress is set.
func (b *pdfBuilder) addStream(tb testing.TB, dict string, data []byte, compress bool) int {
	tb.Helper()
	if compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		if _, err := w.Write(data); err != nil {
			tb.Fatal(err)
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		data, dict = z.Bytes(), dict+" /Filter /FlateDecode"
	}
	return b.addRawStream(fmt.Sprintf("<< %s /Length %d >>", dict, len(data)), data)
}

func (b *pdfBuilder) addRawStream(dict string, data []byte) int {
	body := append([]byte(dict+"\nstream\n"), data...)
	return b.add(string(append(body, "\nendstream"...)))
}

// set replaces the body of object num.
func (b *pdfBuilder) set(num int, body string) { b.objs[num-1] = []byte(body) }

// bytes writes the file with a classic xref table.
func (b *pdfBuilder) bytes(root int) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offs := make([]int, len(b.objs))
	for i, o := range b.objs {
		offs[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n", i+1)
		buf.Write(o)
		buf.WriteString("\nendobj\n")
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f\r\n", len(b.objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&buf, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(b.objs)+1, root, xref)
	return buf.Bytes()
}

// bytesObjStm writes the file with the non-stream objects packed into one
// object stream and an xref stream (PDF 1.5 style).
func (b *pdfBuilder) bytesObjStm(tb testing.TB, root int) []byte {
	tb.Helper()
	var head, body bytes.Buffer
	var packed []int
	for i, o := range b.objs {
		if bytes.Contains(o, []byte("\nstream\n")) {
			continue
		}
		fmt.Fprintf(&head, "%d %d ", i+1, body.Len())
		body.Write(o)
		body.WriteByte('\n')
		packed = append(packed, i+1)
	}
	stmData := append(head.Bytes(), body.Bytes()...)
	stmNum := len(b.objs) + 1
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.5\n%\xE2\xE3\xCF\xD3\n")
	offs := map[int]int{}
	write := func(num int, o []byte) {
		offs[num] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n", num)
		buf.Write(o)
		buf.WriteString("\nendobj\n")
	}
	for i, o := range b.objs {
		if bytes.Contains(o, []byte("\nstream\n")) {
			write(i+1, o)
		}
	}
	s := &pdfBuilder{}
	s.addStream(tb, fmt.Sprintf("/Type /ObjStm /N %d /First %d", len(packed), head.Len()),
		stmData, true)
	write(stmNum, s.objs[0])
	xrefNum := stmNum + 1
	index := map[int]int{}
	for i, n := range packed {
		index[n] = i
	}
	var rows bytes.Buffer
	rows.Write([]byte{0, 0, 0, 0, 0, 0xFF, 0xFF})
	xrefOff := buf.Len()
	for n := 1; n <= xrefNum; n++ {
		switch idx, in := index[n]; {
		case in:
			rows.Write([]byte{2, 0, 0, byte(stmNum >> 8), byte(stmNum), 0, byte(idx)})
		case n == xrefNum:
			rows.Write([]byte{1, byte(xrefOff >> 24), byte(xrefOff >> 16), byte(xrefOff >> 8),
				byte(xrefOff), 0, 0})
		default:
			o := offs[n]
			rows.Write([]byte{1, byte(o >> 24), byte(o >> 16), byte(o >> 8), byte(o), 0, 0})
		}
	}
	x := &pdfBuilder{}
	x.addStream(tb, fmt.Sprintf("/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R", xrefNum+1, root),
		rows.Bytes(), true)
	write(xrefNum, x.objs[0])
	fmt.Fprintf(&buf, "startxref\n%d\n%%%%EOF\n", xrefOff)
	return buf.Bytes()
}

// pdfEscape escapes a literal string's delimiters.
func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// textPDF builds a PDF of n pages, each showing sentence and its page
// number in Helvetica; objStm selects the PDF 1.5 layout.
func textPDF(tb testing.TB, n int, sentence string, compress, objStm bool) []byte {
	tb.Helper()
	b := &pdfBuilder{}
	catalog := b.add("")
	pages := b.add("")
	font := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for i := 1; i <= n; i++ {
		content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj 0 -20 Td (Page %d) Tj ET",
			pdfEscape(sentence), i)
		c := b.addStream(tb, "", []byte(content), compress)
		p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "+
			"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pages, font, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	b.set(pages, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", n, strings.Join(kids, " ")))
	if objStm {
		return b.bytesObjStm(tb, catalog)
	}
	return b.bytes(catalog)
}
