package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"iter"

	"golang.org/x/image/webp"
)

// inspectImage reads an image's size, pages, EXIF orientation and capture
// date from its headers, checks its structure for truncation, and fully
// decodes it only when it is small (Limits.MaxDecodePixels) to catch
// damage inside the compressed data. It never decodes an image larger than
// Limits.MaxPixels: such an image is a decompression bomb.
func inspectImage(ctx context.Context, data []byte, mediaType string,
	lim Limits) (*ImageInfo, error) {
	var (
		info *ImageInfo
		err  error
	)
	switch mediaType {
	case TypeTIFF:
		info, err = inspectTIFF(data, lim)
	case TypeHEIC, TypeHEIF:
		info, err = inspectHEIC(data)
	default:
		info, err = inspectRaster(data, mediaType, lim)
	}
	if info == nil {
		return nil, err
	}
	info.UprightWidth, info.UprightHeight = uprightSize(info.Width, info.Height, info.Orientation)
	if err != nil {
		return info, err
	}
	if int64(info.Width)*int64(info.Height) > lim.MaxPixels {
		return info, errLimit("image of %d×%d pixels", info.Width, info.Height)
	}
	if err := ctx.Err(); err != nil {
		return info, err
	}
	return info, decodeSmall(data, mediaType, info, lim)
}

// inspectRaster handles the formats the standard library and x/image
// decode: JPEG, PNG, GIF and WebP.
func inspectRaster(data []byte, mediaType string, lim Limits) (*ImageInfo, error) {
	cfg, err := decodeConfig(data, mediaType)
	if err != nil {
		return nil, classifyDecodeErr("read image header", err)
	}
	info := &ImageInfo{Width: cfg.Width, Height: cfg.Height, Pages: 1}
	var exif []byte
	switch mediaType {
	case TypeJPEG:
		exif = jpegEXIF(data)
		err = checkJPEG(data)
	case TypePNG:
		exif = pngEXIF(data)
		err = checkPNG(data)
	case TypeWebP:
		exif = webpEXIF(data)
		err = checkRIFF(data)
	case TypeGIF:
		info.Pages, err = countGIFFrames(data, lim.MaxImageFrames)
	}
	if exif != nil {
		f := parseEXIF(exif)
		info.Orientation, info.CapturedAt = f.orientation, f.captured
	}
	return info, err
}

func decodeConfig(data []byte, mediaType string) (image.Config, error) {
	r := bytes.NewReader(data)
	switch mediaType {
	case TypeJPEG:
		return jpeg.DecodeConfig(r)
	case TypePNG:
		return png.DecodeConfig(r)
	case TypeGIF:
		return gif.DecodeConfig(r)
	case TypeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, errors.New("no decoder")
}

// decodeSmall fully decodes small JPEG, WebP and GIF images to find
// damage that the structure checks cannot see; it is cheap only for small
// images, hence Limits.MaxDecodePixels.
func decodeSmall(data []byte, mediaType string, info *ImageInfo, lim Limits) error {
	if int64(info.Width)*int64(info.Height) > lim.MaxDecodePixels {
		return nil
	}
	var err error
	r := bytes.NewReader(data)
	switch mediaType {
	case TypeJPEG:
		_, err = jpeg.Decode(r)
	case TypeWebP:
		_, err = webp.Decode(r)
	case TypeGIF:
		_, err = gif.Decode(r)
	default:
		return nil
	}
	if err != nil {
		return classifyDecodeErr("decode image", err)
	}
	return nil
}

// classifyDecodeErr turns a decoder error into a verdict: running out of
// data is truncation, anything else is corruption.
func classifyDecodeErr(op string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errTruncated("%s: %v", op, err)
	}
	return errCorrupt("%s: %v", op, err)
}

// pngChunk is one chunk of a PNG file.
type pngChunk struct {
	typ  string
	data []byte
	crc  uint32
}

// pngChunks yields the complete chunks of a PNG after its signature and
// stops at the first one that runs past the end of the data.
func pngChunks(b []byte) iter.Seq[pngChunk] {
	return func(yield func(pngChunk) bool) {
		for i := 8; i+12 <= len(b); {
			n := uint64(binary.BigEndian.Uint32(b[i:]))
			if uint64(i)+12+n > uint64(len(b)) {
				return
			}
			c := pngChunk{typ: string(b[i+4 : i+8]), data: b[i+8 : i+8+int(n)]}
			c.crc = binary.BigEndian.Uint32(b[i+8+int(n):])
			if !yield(c) {
				return
			}
			i += 12 + int(n)
		}
	}
}

// checkPNG walks the chunks: one that runs past the end, or no IEND, means
// truncation; a CRC that does not match means corruption.
func checkPNG(b []byte) error {
	for c := range pngChunks(b) {
		crc := crc32.NewIEEE()
		crc.Write([]byte(c.typ))
		crc.Write(c.data)
		if crc.Sum32() != c.crc {
			return errCorrupt("png chunk %q has a bad CRC", c.typ)
		}
		if c.typ == "IEND" {
			return nil
		}
	}
	return errTruncated("png ends before its IEND chunk")
}

// checkJPEG follows the marker segments and entropy-coded data to the end
// of image marker; a file that ends first is truncated.
func checkJPEG(b []byte) error {
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			return errCorrupt("jpeg marker expected at %d", i)
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0xD9:
			return nil
		case m == 0xD8 || m == 0x01 || m >= 0xD0 && m <= 0xD7:
			i += 2
			continue
		}
		if i+4 > len(b) {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xDA {
			i = skipEntropyData(b, i)
		}
	}
	return errTruncated("jpeg ends before its EOI marker")
}

// skipEntropyData returns the offset of the first marker after scan data
// that starts at i (stuffed 0xFF00 bytes and restart markers are data).
func skipEntropyData(b []byte, i int) int {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], 0xFF)
		if j < 0 || i+j+1 >= len(b) {
			return len(b)
		}
		i += j
		next := b[i+1]
		if next == 0x00 || next >= 0xD0 && next <= 0xD7 || next == 0xFF {
			i++
			continue
		}
		return i
	}
	return i
}

// checkRIFF compares a RIFF container's declared size with the data.
func checkRIFF(b []byte) error {
	if len(b) < 12 {
		return errTruncated("riff header cut short")
	}
	if uint64(binary.LittleEndian.Uint32(b[4:]))+8 > uint64(len(b)) {
		return errTruncated("riff container is shorter than it declares")
	}
	return nil
}
