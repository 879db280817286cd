// Package doctest makes documents at run time for tests and benchmarks: PDFs with a
// text layer or scanned pages, photos with an EXIF orientation, PNG, GIF and TIFF
// images, Word documents and plain text in several encodings. Every generator is
// deterministic for its arguments and random source, and uses a real encoder (fpdf,
// the image packages, archive/zip, x/text), never the code under test.
package doctest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/tiff"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// words is the vocabulary filler text is drawn from.
var words = strings.Fields(`patient clinic visit result letter report blood pressure
	glucose referral follow review plan dose daily morning evening tablet history normal
	range sample note signed doctor nurse reception window garden river summer winter
	table chair paper window number street city health record stable improved`)

// Words returns n words drawn from a fixed vocabulary.
func Words(r *rand.Rand, n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = words[r.IntN(len(words))]
	}
	return strings.Join(out, " ")
}

// TextPDF returns a PDF of pages pages with a text layer: each page shows sentence,
// its page number and fillerWords words of filler text.
func TextPDF(r *rand.Rand, pages int, sentence string, fillerWords int) []byte {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	f.SetTitle("Generated letter", false)
	f.SetFont("Helvetica", "", 11)
	for i := 1; i <= pages; i++ {
		f.AddPage()
		f.MultiCell(0, 6, sentence, "", "L", false)
		f.MultiCell(0, 6, fmt.Sprintf("Page %d of %d", i, pages), "", "L", false)
		if fillerWords > 0 {
			f.MultiCell(0, 5, Words(r, fillerWords), "", "L", false)
		}
	}
	return output(f)
}

// ScanPDF returns a PDF of pages pages, each one full-page JPEG picture and no text:
// what a scanner makes.
func ScanPDF(pages int, picture []byte) []byte {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	opts := fpdf.ImageOptions{ImageType: "JPG"}
	f.RegisterImageOptionsReader("scan", opts, bytes.NewReader(picture))
	for i := 0; i < pages; i++ {
		f.AddPage()
		f.ImageOptions("scan", 0, 0, 210, 297, false, opts, 0, "")
	}
	return output(f)
}

func output(f *fpdf.Fpdf) []byte {
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		panic(fmt.Sprintf("doctest: write pdf: %v", err))
	}
	return b.Bytes()
}

// noise returns a w×h picture of random colours, smoothed by block so that it
// compresses like a photo rather than like pure noise.
func noise(r *rand.Rand, w, h, block int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	block = max(block, 1)
	for y := 0; y < h; y += block {
		for x := 0; x < w; x += block {
			c := color.RGBA{uint8(r.UintN(256)), uint8(r.UintN(256)), uint8(r.UintN(256)), 255}
			for dy := 0; dy < block && y+dy < h; dy++ {
				for dx := 0; dx < block && x+dx < w; dx++ {
					img.SetRGBA(x+dx, y+dy, c)
				}
			}
		}
	}
	return img
}

// JPEG returns a w×h photo-like JPEG. An orientation from 1 to 8 is written as EXIF
// tag 0x0112, with a capture date; 0 writes no EXIF at all.
func JPEG(r *rand.Rand, w, h, orientation, block int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, noise(r, w, h, block), &jpeg.Options{Quality: 90}); err != nil {
		panic(fmt.Sprintf("doctest: encode jpeg: %v", err))
	}
	if orientation == 0 {
		return b.Bytes()
	}
	out := append([]byte{}, b.Bytes()[:2]...) // SOI
	out = append(out, exifSegment(orientation)...)
	return append(out, b.Bytes()[2:]...)
}

// exifSegment is an APP1 segment holding a little-endian TIFF with Orientation and
// DateTime in IFD0.
func exifSegment(orientation int) []byte {
	date := []byte("2026:11:30 09:15:00\x00")
	var t bytes.Buffer
	le := binary.LittleEndian
	t.WriteString("II*\x00")
	_ = binary.Write(&t, le, uint32(8))
	_ = binary.Write(&t, le, uint16(2))
	// Orientation, SHORT, one value, held in the entry itself.
	_ = binary.Write(&t, le, []uint16{0x0112, 3})
	_ = binary.Write(&t, le, uint32(1))
	_ = binary.Write(&t, le, []uint16{uint16(orientation), 0})
	// DateTime, ASCII, 20 bytes, after the IFD.
	_ = binary.Write(&t, le, []uint16{0x0132, 2})
	_ = binary.Write(&t, le, []uint32{uint32(len(date)), 8 + 2 + 2*12 + 4})
	_ = binary.Write(&t, le, uint32(0))
	t.Write(date)
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	return append(seg, payload...)
}

// PNG returns a w×h PNG.
func PNG(r *rand.Rand, w, h, block int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, noise(r, w, h, block)); err != nil {
		panic(fmt.Sprintf("doctest: encode png: %v", err))
	}
	return b.Bytes()
}

// GIF returns a w×h GIF of frames frames.
func GIF(r *rand.Rand, w, h, frames, block int) []byte {
	g := &gif.GIF{}
	pal := palette()
	block = max(block, 1)
	for i := 0; i < frames; i++ {
		p := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if x%block == 0 || y%block == 0 {
					p.Pix[y*p.Stride+x] = uint8(r.IntN(len(pal)))
					continue
				}
				p.Pix[y*p.Stride+x] = p.Pix[(y-y%block)*p.Stride+x-x%block]
			}
		}
		g.Image, g.Delay = append(g.Image, p), append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(fmt.Sprintf("doctest: encode gif: %v", err))
	}
	return b.Bytes()
}

func palette() color.Palette {
	p := make(color.Palette, 0, 216)
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 255})
			}
		}
	}
	return p
}

// TIFF returns a w×h single-page TIFF, Deflate-compressed.
func TIFF(r *rand.Rand, w, h, block int) []byte {
	var b bytes.Buffer
	if err := tiff.Encode(&b, noise(r, w, h, block),
		&tiff.Options{Compression: tiff.Deflate}); err != nil {
		panic(fmt.Sprintf("doctest: encode tiff: %v", err))
	}
	return b.Bytes()
}

// The fixed parts of a minimal Word document.
const (
	xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	nsW     = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsCP    = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
	nsRel   = "http://schemas.openxmlformats.org/package/2006/relationships"
	relDoc  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" +
		"officeDocument"
	relCore = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/" +
		"core-properties"
	ctMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document." +
		"main+xml"

	contentTypesXML = xmlHead +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.` +
		`relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="` + ctMain + `"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/` +
		`vnd.openxmlformats-package.core-properties+xml"/></Types>`
	relsXML = xmlHead + `<Relationships xmlns="` + nsRel + `">` +
		`<Relationship Id="rId1" Type="` + relDoc + `" Target="word/document.xml"/>` +
		`<Relationship Id="rId2" Type="` + relCore + `" Target="docProps/core.xml"/>` +
		`</Relationships>`
)

// DOCX returns a Word document with the given title and paragraphs.
func DOCX(title string, paragraphs []string) []byte {
	var body strings.Builder
	for _, p := range paragraphs {
		body.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">" + html.EscapeString(p) +
			"</w:t></w:r></w:p>")
	}
	parts := []struct{ name, text string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", relsXML},
		{"word/document.xml", xmlHead + `<w:document xmlns:w="` + nsW + `"><w:body>` +
			body.String() + `</w:body></w:document>`},
		{"docProps/core.xml", xmlHead + `<cp:coreProperties xmlns:cp="` + nsCP +
			`" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` +
			html.EscapeString(title) + `</dc:title><dc:creator>Generated</dc:creator>` +
			`</cp:coreProperties>`},
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := z.Create(p.name)
		if err == nil {
			_, err = w.Write([]byte(p.text))
		}
		if err != nil {
			panic(fmt.Sprintf("doctest: write docx: %v", err))
		}
	}
	if err := z.Close(); err != nil {
		panic(fmt.Sprintf("doctest: write docx: %v", err))
	}
	return b.Bytes()
}

// Encodings are the text encodings Text writes, by the name the inspector reports
// (a "+BOM" suffix adds the byte-order mark).
var Encodings = []string{"UTF-8", "UTF-8+BOM", "UTF-16LE", "UTF-16LE+BOM", "UTF-16BE",
	"UTF-16BE+BOM", "windows-1252"}

// Text encodes s in one of Encodings.
func Text(s, enc string) []byte {
	name, bom := strings.CutSuffix(enc, "+BOM")
	var e encoding.Encoding
	switch name {
	case "UTF-8":
		if bom {
			return append([]byte("\xEF\xBB\xBF"), s...)
		}
		return []byte(s)
	case "UTF-16LE":
		e = unicode.UTF16(unicode.LittleEndian, boolBOM(bom))
	case "UTF-16BE":
		e = unicode.UTF16(unicode.BigEndian, boolBOM(bom))
	case "windows-1252":
		e = charmap.Windows1252
	default:
		panic("doctest: unknown encoding " + enc)
	}
	out, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("doctest: encode %s: %v", enc, err))
	}
	return out
}

func boolBOM(bom bool) unicode.BOMPolicy {
	if bom {
		return unicode.UseBOM
	}
	return unicode.IgnoreBOM
}
