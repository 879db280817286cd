package extract

import (
	"bytes"
	"encoding/binary"
	"time"
)

// exifFacts are the EXIF values this package uses.
type exifFacts struct {
	orientation int
	captured    *time.Time
}

// exifTimeLayout is EXIF's "YYYY:MM:DD HH:MM:SS" (no zone).
const exifTimeLayout = "2006:01:02 15:04:05"

// parseEXIF reads orientation and capture time from a TIFF-structured EXIF
// block (what follows "Exif\0\0"). EXIF is optional metadata: a damaged
// block yields what could be read, never an error.
func parseEXIF(b []byte) exifFacts {
	t, off, err := parseTIFFHeader(b)
	if err != nil {
		return exifFacts{}
	}
	ifd0, _, err := t.readIFD(off)
	if err != nil {
		return exifFacts{}
	}
	f := exifFacts{orientation: int(t.uint(ifd0, tagOrientation))}
	if f.orientation < 1 || f.orientation > 8 {
		f.orientation = 0
	}
	stamp := ""
	if sub := t.uint(ifd0, tagExifIFD); sub != 0 && sub < uint64(len(b)) {
		if exif, _, err := t.readIFD(uint32(sub)); err == nil {
			stamp = t.ascii(exif, tagDateTimeOrig)
		}
	}
	if stamp == "" {
		stamp = t.ascii(ifd0, tagDateTime)
	}
	f.captured = parseEXIFTime(stamp)
	return f
}

// parseEXIFTime parses an EXIF timestamp; blank or zeroed stamps give nil.
func parseEXIFTime(s string) *time.Time {
	if len(s) < len(exifTimeLayout) {
		return nil
	}
	ts, err := time.Parse(exifTimeLayout, s[:len(exifTimeLayout)])
	if err != nil {
		return nil
	}
	return &ts
}

var exifHeader = []byte("Exif\x00\x00")

// jpegEXIF returns the EXIF block of a JPEG's APP1 segment, walking the
// marker segments up to the start of scan.
func jpegEXIF(b []byte) []byte {
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF {
			i++
			continue
		}
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, exifHeader) {
			return seg[len(exifHeader):]
		}
		i += 2 + n
	}
	return nil
}

// pngEXIF returns the payload of a PNG's eXIf chunk.
func pngEXIF(b []byte) []byte {
	for c := range pngChunks(b) {
		if c.typ == "eXIf" {
			return bytes.TrimPrefix(c.data, exifHeader)
		}
		if c.typ == "IDAT" {
			// eXIf must come before the image data; stop the walk early.
			return nil
		}
	}
	return nil
}

// webpEXIF returns the payload of a WebP's EXIF chunk.
func webpEXIF(b []byte) []byte {
	if len(b) < 12 {
		return nil
	}
	for i := 12; i+8 <= len(b); {
		id := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || i+8+n > len(b) {
			return nil
		}
		if id == "EXIF" {
			return bytes.TrimPrefix(b[i+8:i+8+n], exifHeader)
		}
		i += 8 + n + n&1
	}
	return nil
}

// uprightSize returns the displayed size of a w×h image under an EXIF
// orientation: 5 to 8 turn it by 90°, so width and height swap.
func uprightSize(w, h, orientation int) (int, int) {
	if orientation >= 5 && orientation <= 8 {
		return h, w
	}
	return w, h
}
