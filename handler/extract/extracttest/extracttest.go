// Package extracttest generates synthetic documents of each allowed kind
// at a requested size, for benchmarks and tests of code that processes
// uploads. Every document is made up at run time: no real records.
package extracttest

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
)

// Kinds lists the kinds Document can make.
var Kinds = []string{"pdf", "jpeg", "png", "tiff", "docx", "text"}

// Document returns a synthetic document of kind (one of Kinds) of about
// size bytes; the same arguments give the same bytes.
func Document(kind string, size int) ([]byte, error) {
	rng := rand.New(rand.NewPCG(uint64(size), uint64(len(kind))))
	switch kind {
	case "pdf":
		return pdfDoc(rng, size), nil
	case "jpeg", "png":
		return raster(rng, kind, size)
	case "tiff":
		return tiffDoc(size), nil
	case "docx":
		return docx(rng, size)
	case "text":
		return []byte(words(rng, size)), nil
	}
	return nil, fmt.Errorf("extracttest: unknown kind %q", kind)
}

var vocabulary = strings.Fields("patient referral letter laboratory result glucose " +
	"clinic follow-up review blood pressure medication tablet daily history examination " +
	"normal findings impression plan advised return weeks months dear doctor regards")

// words returns about n bytes of lines of vocabulary words.
func words(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		for i := 0; i < 12; i++ {
			b.WriteString(vocabulary[rng.IntN(len(vocabulary))])
			b.WriteByte(' ')
		}
		b.WriteString(fmt.Sprintf("%d.\n", rng.IntN(1000)))
	}
	return b.String()
}

// pdfDoc writes a text PDF of about size bytes: pages of uncompressed
// text lines, as many as the size needs.
func pdfDoc(rng *rand.Rand, size int) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	add("<< /Type /Catalog /Pages 2 0 R >>")
	add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	const perPage = 8 << 10
	for total := 0; total < size; total += perPage {
		var c strings.Builder
		c.WriteString("BT /F1 10 Tf 14 TL 50 780 Td\n")
		for c.Len() < perPage {
			c.WriteString("(" + strings.TrimSpace(words(rng, 60)) + ") Tj T*\n")
		}
		c.WriteString("ET")
		content := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
		kids = append(kids, fmt.Sprintf("%d 0 R", add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R "+
			"/MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
			font, content))))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(kids),
		strings.Join(kids, " "))
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&buf, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(objs)+1, xref)
	return buf.Bytes()
}

// raster encodes a noisy photo-like image whose encoded size is about
// size bytes.
func raster(rng *rand.Rand, kind string, size int) ([]byte, error) {
	perPixel := 1.2 // bytes per pixel of noisy JPEG at quality 90
	if kind == "png" {
		perPixel = 3.1
	}
	side := int(math.Sqrt(float64(size) / perPixel))
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	var err error
	if kind == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	return buf.Bytes(), err
}

// tiffDoc writes an uncompressed grey multi-page TIFF (fax-like pages of
// 1024×1024) of about size bytes.
func tiffDoc(size int) []byte {
	const w, h = 1024, 1024
	pages := max(1, size/(w*h))
	le := func(b []byte, v uint32, n int) []byte {
		for i := 0; i < n; i++ {
			b = append(b, byte(v>>(8*i)))
		}
		return b
	}
	b := []byte("II*\x00\x08\x00\x00\x00")
	for p := 0; p < pages; p++ {
		ifd := len(b)
		strip := ifd + 2 + 8*12 + 4
		next := uint32(0)
		if p < pages-1 {
			next = uint32(strip + w*h)
		}
		b = le(b, 8, 2)
		for _, e := range [][3]uint32{{256, 4, w}, {257, 4, h}, {258, 3, 8}, {259, 3, 1},
			{262, 3, 1}, {273, 4, uint32(strip)}, {278, 4, h}, {279, 4, w * h}} {
			b = le(b, e[0], 2)
			b = le(b, e[1], 2)
			b = le(b, 1, 4)
			b = le(b, e[2], 4)
		}
		b = le(b, next, 4)
		b = append(b, bytes.Repeat([]byte{byte(p)}, w*h)...)
	}
	return b
}

// docx writes a Word document whose compressed size is about size bytes.
func docx(rng *rand.Rand, size int) ([]byte, error) {
	var body strings.Builder
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?><w:document ` +
		`xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for body.Len() < size*3 {
		body.WriteString("<w:p><w:r><w:t>" + strings.TrimSpace(words(rng, 200)) +
			"</w:t></w:r></w:p>")
	}
	body.WriteString("</w:body></w:document>")
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.` +
			`openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ` +
			`ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.` +
			`document.main+xml"/></Types>`,
		"word/document.xml": body.String(),
		"docProps/core.xml": `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.` +
			`openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/` +
			`dc/elements/1.1/"><dc:title>Synthetic letter</dc:title><dc:creator>Bench` +
			`</dc:creator></cp:coreProperties>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "docProps/core.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return buf.Bytes(), err
}

// Deflate is zlib, re-exported so callers building PDF streams need not
// import it; it compresses b.
func Deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}
