package extract

import (
	"encoding/binary"
	"hash/crc32"
)

// pngChunkBytes encodes one PNG chunk with its CRC.
func pngChunkBytes(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	return binary.BigEndian.AppendUint32(out, crc.Sum32())
}

// exifBlock builds a big-endian EXIF block with an orientation and a
// DateTimeOriginal.
func exifBlock(orientation int, stamp string) []byte {
	be := binary.BigEndian
	b := []byte("MM\x00\x2A\x00\x00\x00\x08")
	// IFD0 at 8: 2 entries (12 bytes each) + next pointer; Exif IFD at 38.
	b = be.AppendUint16(b, 2)
	b = append(b, entry(be, tagOrientation, 3, 1, uint32(orientation)<<16)...)
	b = append(b, entry(be, tagExifIFD, 4, 1, 38)...)
	b = be.AppendUint32(b, 0)
	// Exif IFD at 38: 1 entry, the string at 56.
	b = be.AppendUint16(b, 1)
	b = append(b, entry(be, tagDateTimeOrig, 2, 20, 56)...)
	b = be.AppendUint32(b, 0)
	return append(b, stamp+"\x00"...)
}

func entry(be binary.AppendByteOrder, tag, typ uint16, count, value uint32) []byte {
	e := be.AppendUint16(nil, tag)
	e = be.AppendUint16(e, typ)
	e = be.AppendUint32(e, count)
	return be.AppendUint32(e, value)
}

// withJPEGEXIF inserts an APP1 Exif segment right after SOI.
func withJPEGEXIF(jpg, exif []byte) []byte {
	seg := append([]byte("Exif\x00\x00"), exif...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// multiPageTIFF writes an uncompressed 8-bit grey TIFF of pages w×h pages,
// little-endian, one strip per page.
func multiPageTIFF(pages, w, h int) []byte {
	le := binary.LittleEndian
	b := []byte("II\x2A\x00")
	b = le.AppendUint32(b, 8)
	for p := 0; p < pages; p++ {
		ifd := len(b)
		const n = 8
		stripOff := ifd + 2 + n*12 + 4
		next := uint32(0)
		if p < pages-1 {
			next = uint32(stripOff + w*h)
		}
		b = le.AppendUint16(b, n)
		for _, e := range [][3]uint32{
			{tagImageWidth, 4, uint32(w)}, {tagImageLength, 4, uint32(h)},
			{258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {tagStripOffsets, 4, uint32(stripOff)},
			{278, 4, uint32(h)}, {tagStripByteCounts, 4, uint32(w * h)},
		} {
			b = append(b, entry(le, uint16(e[0]), uint16(e[1]), 1, e[2])...)
		}
		b = le.AppendUint32(b, next)
		b = append(b, make([]byte, w*h)...)
	}
	return b
}
