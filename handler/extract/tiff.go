package extract

import (
	"encoding/binary"
	"errors"
)

// TIFF tags this package reads.
const (
	tagNewSubfileType  = 254
	tagImageWidth      = 256
	tagImageLength     = 257
	tagStripOffsets    = 273
	tagOrientation     = 274
	tagStripByteCounts = 279
	tagDateTime        = 306
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagExifIFD         = 34665
	tagDateTimeOrig    = 36867
)

// maxIFDEntries bounds one IFD; real files carry a few dozen tags.
const maxIFDEntries = 4096

// maxTIFFArray bounds the strip or tile arrays checked per page.
const maxTIFFArray = 1 << 20

var errTIFFShort = errors.New("tiff structure runs past the end of the data")

// tiffData is a bounded reader of TIFF structure (a TIFF file or an EXIF
// block): header, IFD chain and tag values. Every offset is checked
// against the data before use.
type tiffData struct {
	b  []byte
	bo binary.ByteOrder
}

// tiffEntry is one IFD entry with its value field still raw.
type tiffEntry struct {
	typ   uint16
	count uint32
	raw   [4]byte
}

// parseTIFFHeader reads the 8-byte header and returns the first IFD offset.
func parseTIFFHeader(b []byte) (tiffData, uint32, error) {
	if len(b) < 8 {
		return tiffData{}, 0, errTIFFShort
	}
	t := tiffData{b: b}
	switch string(b[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return tiffData{}, 0, errors.New("tiff: bad byte-order mark")
	}
	if t.bo.Uint16(b[2:]) != 42 {
		return tiffData{}, 0, errors.New("tiff: bad magic number (BigTIFF is not read)")
	}
	return t, t.bo.Uint32(b[4:]), nil
}

// readIFD reads the IFD at off and returns its entries by tag and the
// offset of the next IFD (0 at the end).
func (t tiffData) readIFD(off uint32) (map[uint16]tiffEntry, uint32, error) {
	if uint64(off)+2 > uint64(len(t.b)) {
		return nil, 0, errTIFFShort
	}
	n := int(t.bo.Uint16(t.b[off:]))
	if n > maxIFDEntries {
		return nil, 0, errors.New("tiff: too many IFD entries")
	}
	end := uint64(off) + 2 + uint64(n)*12
	if end+4 > uint64(len(t.b)) {
		return nil, 0, errTIFFShort
	}
	entries := make(map[uint16]tiffEntry, n)
	for i := 0; i < n; i++ {
		p := t.b[uint64(off)+2+uint64(i)*12:]
		e := tiffEntry{typ: t.bo.Uint16(p[2:]), count: t.bo.Uint32(p[4:])}
		copy(e.raw[:], p[8:12])
		entries[t.bo.Uint16(p)] = e
	}
	return entries, t.bo.Uint32(t.b[end:]), nil
}

// typeSize is the byte size of one value of a TIFF field type (0 if
// unknown).
func typeSize(typ uint16) int {
	switch typ {
	case 1, 2, 6, 7: // BYTE, ASCII, SBYTE, UNDEFINED
		return 1
	case 3, 8: // SHORT, SSHORT
		return 2
	case 4, 9, 11, 13: // LONG, SLONG, FLOAT, IFD
		return 4
	case 5, 10, 12: // RATIONAL, SRATIONAL, DOUBLE
		return 8
	}
	return 0
}

// valueBytes returns the bytes of e's value, inline or at its offset.
func (t tiffData) valueBytes(e tiffEntry) ([]byte, error) {
	size := uint64(typeSize(e.typ)) * uint64(e.count)
	if size <= 4 {
		return e.raw[:size], nil
	}
	off := uint64(t.bo.Uint32(e.raw[:]))
	if off+size > uint64(len(t.b)) {
		return nil, errTIFFShort
	}
	return t.b[off : off+size], nil
}

// uints returns up to maxTIFFArray SHORT or LONG values of e.
func (t tiffData) uints(e tiffEntry) ([]uint64, error) {
	if e.count > maxTIFFArray {
		return nil, errors.New("tiff: value array too long")
	}
	b, err := t.valueBytes(e)
	if err != nil {
		return nil, err
	}
	size := typeSize(e.typ)
	if size != 2 && size != 4 || e.typ > 4 && e.typ != 13 {
		return nil, errors.New("tiff: not an integer field")
	}
	out := make([]uint64, 0, e.count)
	for i := 0; i+size <= len(b); i += size {
		if size == 2 {
			out = append(out, uint64(t.bo.Uint16(b[i:])))
		} else {
			out = append(out, uint64(t.bo.Uint32(b[i:])))
		}
	}
	return out, nil
}

// uint returns the first integer value of tag, or 0 when absent or bad.
func (t tiffData) uint(entries map[uint16]tiffEntry, tag uint16) uint64 {
	e, ok := entries[tag]
	if !ok || e.count == 0 {
		return 0
	}
	b, err := t.valueBytes(e)
	if err != nil {
		return 0
	}
	switch {
	case (e.typ == 3 || e.typ == 8) && len(b) >= 2:
		return uint64(t.bo.Uint16(b))
	case (e.typ == 4 || e.typ == 9 || e.typ == 13) && len(b) >= 4:
		return uint64(t.bo.Uint32(b))
	case e.typ == 1 && len(b) >= 1:
		return uint64(b[0])
	}
	return 0
}

// ascii returns an ASCII tag's value without its trailing NULs.
func (t tiffData) ascii(entries map[uint16]tiffEntry, tag uint16) string {
	e, ok := entries[tag]
	if !ok || e.typ != 2 || e.count > 1024 {
		return ""
	}
	b, err := t.valueBytes(e)
	if err != nil {
		return ""
	}
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}

// tiffPage is one full-resolution page of a TIFF.
type tiffPage struct {
	width, height uint64
}

// tiffInfo is what readTIFF learns from a TIFF file.
type tiffInfo struct {
	pages       []tiffPage
	orientation int
	dateTime    string
	truncated   bool
}

// readTIFF walks every IFD of a TIFF file (x/image/tiff reads only the
// first), bounded by maxFrames and protected against IFD loops. Reduced-
// resolution subfiles (thumbnails) are not pages. A page whose strips or
// tiles reach past the end of the data marks the file truncated.
func readTIFF(b []byte, maxFrames int) (tiffInfo, error) {
	t, off, err := parseTIFFHeader(b)
	if err != nil {
		return tiffInfo{}, err
	}
	var info tiffInfo
	seen := map[uint32]bool{}
	for i := 0; off != 0; i++ {
		if seen[off] {
			return info, errors.New("tiff: IFD loop")
		}
		if i >= maxFrames {
			return info, errLimit("tiff has more than %d IFDs", maxFrames)
		}
		seen[off] = true
		entries, next, err := t.readIFD(off)
		if err != nil {
			return info, err
		}
		if i == 0 {
			info.orientation = int(t.uint(entries, tagOrientation))
			info.dateTime = t.ascii(entries, tagDateTime)
		}
		if t.uint(entries, tagNewSubfileType)&1 == 0 {
			w, h := t.uint(entries, tagImageWidth), t.uint(entries, tagImageLength)
			info.pages = append(info.pages, tiffPage{w, h})
		}
		if t.dataPastEnd(entries) {
			info.truncated = true
		}
		off = next
	}
	if len(info.pages) == 0 {
		return info, errors.New("tiff: no full-resolution page")
	}
	return info, nil
}

// dataPastEnd reports whether a page's strips or tiles (or their offset
// arrays) reach past the end of the data.
func (t tiffData) dataPastEnd(entries map[uint16]tiffEntry) bool {
	for _, pair := range [][2]uint16{
		{tagStripOffsets, tagStripByteCounts}, {tagTileOffsets, tagTileByteCounts},
	} {
		oe, ok1 := entries[pair[0]]
		ce, ok2 := entries[pair[1]]
		if !ok1 || !ok2 {
			continue
		}
		offs, err1 := t.uints(oe)
		counts, err2 := t.uints(ce)
		if errors.Is(err1, errTIFFShort) || errors.Is(err2, errTIFFShort) {
			return true
		}
		for i := 0; i < len(offs) && i < len(counts); i++ {
			if offs[i]+counts[i] > uint64(len(t.b)) {
				return true
			}
		}
	}
	return false
}

// inspectTIFF reads every page of a TIFF; the first page gives the size
// reported, and the page count covers all of them.
func inspectTIFF(data []byte, lim Limits) (*ImageInfo, error) {
	t, err := readTIFF(data, lim.MaxImageFrames)
	if err != nil {
		if _, ok := asContentError(err); ok {
			return nil, err
		}
		if errors.Is(err, errTIFFShort) {
			return nil, errTruncated("read tiff: %v", err)
		}
		return nil, errCorrupt("read tiff: %v", err)
	}
	first := t.pages[0]
	if first.width == 0 || first.height == 0 || first.width > 1<<31 || first.height > 1<<31 {
		return nil, errCorrupt("tiff page has no valid size")
	}
	for _, p := range t.pages {
		if int64(p.width)*int64(p.height) > lim.MaxPixels {
			return nil, errLimit("tiff page of %d×%d pixels", p.width, p.height)
		}
	}
	info := &ImageInfo{Width: int(first.width), Height: int(first.height), Pages: len(t.pages)}
	if t.orientation >= 1 && t.orientation <= 8 {
		info.Orientation = t.orientation
	}
	info.CapturedAt = parseEXIFTime(t.dateTime)
	if t.truncated {
		return info, errTruncated("tiff image data runs past the end of the file")
	}
	return info, nil
}
