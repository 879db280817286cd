package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// deflateBomb returns a zlib stream that inflates to about size zero bytes:
// one literal, then repeated length-258 matches at distance 1, written
// directly as fixed-Huffman codes (13 bits per 258 bytes), so building a
// 1 GB bomb takes milliseconds. Its checksum is left out: nothing should
// ever read that far.
func deflateBomb(size int64) []byte {
	var out bytes.Buffer
	out.Write([]byte{0x78, 0x01})
	var acc uint64
	var n uint
	put := func(bits uint64, count uint) {
		acc |= bits << n
		for n += count; n >= 8; n -= 8 {
			out.WriteByte(byte(acc))
			acc >>= 8
		}
	}
	// Huffman codes go most significant bit first.
	code := func(c uint64, length uint) {
		var r uint64
		for i := uint(0); i < length; i++ {
			r |= (c >> i & 1) << (length - 1 - i)
		}
		put(r, length)
	}
	put(1, 1)     // BFINAL
	put(1, 2)     // BTYPE 01: fixed Huffman
	code(0x30, 8) // literal 0
	for left := size - 1; left >= 258; left -= 258 {
		code(0xC5, 8) // length symbol 285: 258 bytes
		code(0, 5)    // distance code 0: distance 1
	}
	code(0, 7) // end of block
	put(0, 7)
	return out.Bytes()
}

// bombPDF builds a one-page PDF whose content stream is a deflate bomb.
func bombPDF(tb testing.TB, size int64) []byte {
	tb.Helper()
	b := &pdfBuilder{}
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("<< /Type /Pages /Count 1 /Kids [3 0 R] >>")
	b.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>")
	bomb := deflateBomb(size)
	b.addRawStream(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", len(bomb)), bomb)
	return b.bytes(catalog)
}

// manyPagesPDF builds a page tree of n distinct page objects whose /Count
// says count.
func manyPagesPDF(n, count int) []byte {
	b := &pdfBuilder{}
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("")
	kids := make([]string, n)
	for i := range n {
		kids[i] = fmt.Sprintf("%d 0 R", b.add("<< /Type /Page /Parent 2 0 R >>"))
	}
	b.set(2, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", count,
		strings.Join(kids, " ")))
	return b.bytes(catalog)
}

// deepTreePDF nests Pages nodes depth deep above one page.
func deepTreePDF(depth int) []byte {
	b := &pdfBuilder{}
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	for i := 0; i < depth; i++ {
		b.add(fmt.Sprintf("<< /Type /Pages /Count 1 /Kids [%d 0 R] >>", i+3))
	}
	b.add("<< /Type /Page >>")
	return b.bytes(catalog)
}

// deepArrayPDF hides depth nested arrays in the catalog.
func deepArrayPDF(depth int) []byte {
	b := &pdfBuilder{}
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R /Deep " + strings.Repeat("[", depth) +
		strings.Repeat("]", depth) + " >>")
	b.add("<< /Type /Pages /Count 1 /Kids [3 0 R] >>")
	b.add("<< /Type /Page /Parent 2 0 R >>")
	return b.bytes(catalog)
}

// deepObjStmPDF puts the catalog in an object stream that claims to extend
// itself and another that claims to hold a million objects.
func loopObjStmPDF(tb testing.TB) []byte {
	tb.Helper()
	data := textPDF(tb, 1, "x", true, true)
	return bytes.Replace(data, []byte("/Type /ObjStm"), []byte("/Type /ObjStm /Extends 9 0 R"), 1)
}
