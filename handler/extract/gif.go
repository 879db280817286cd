package extract

// countGIFFrames walks a GIF's blocks without decoding pixels and counts its
// image frames. A file that ends before the trailer byte is truncated.
func countGIFFrames(b []byte, maxFrames int) (int, error) {
	if len(b) < 13 {
		return 0, errTruncated("gif header cut short")
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (int(b[10]&7) + 1)
	}
	frames := 0
	for i < len(b) {
		switch b[i] {
		case 0x3B:
			return frames, nil
		case 0x21:
			i = skipGIFSubBlocks(b, i+2)
		case 0x2C:
			if frames++; frames > maxFrames {
				return frames, errLimit("gif has more than %d frames", maxFrames)
			}
			if i+10 > len(b) {
				return frames, errTruncated("gif image descriptor cut short")
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (int(flags&7) + 1)
			}
			i = skipGIFSubBlocks(b, i+1) // after the LZW minimum code size
		default:
			return frames, errCorrupt("gif block 0x%02x unknown", b[i])
		}
	}
	return frames, errTruncated("gif ends before its trailer")
}

// skipGIFSubBlocks skips data sub-blocks from i to just past their
// terminator; it returns len(b) when the data ends first.
func skipGIFSubBlocks(b []byte, i int) int {
	for i < len(b) {
		n := int(b[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return len(b) + 1
}
