package extract

import (
	"encoding/binary"
	"errors"
)

// No well-kept pure-Go HEIF reader exists, so this file holds a small
// bounded ISOBMFF parser that reads only what Inspect needs: the primary
// item's spatial extent ('ispe') and rotation ('irot'). It never decodes
// HEVC data. It is fuzzed (FuzzHEIC).

// maxBoxes bounds the boxes read at one level of a HEIF file.
const maxBoxes = 10_000

var errBoxShort = errors.New("heif box runs past the end of the data")

// isoBox is one ISOBMFF box: its type and its body after the header.
type isoBox struct {
	typ  string
	body []byte
}

// readBoxes splits b into boxes. A box that claims more bytes than remain
// ends the walk with errBoxShort, after the complete boxes before it.
func readBoxes(b []byte) ([]isoBox, error) {
	var boxes []isoBox
	for len(b) > 0 {
		if len(boxes) >= maxBoxes {
			return boxes, errors.New("heif: too many boxes")
		}
		if len(b) < 8 {
			return boxes, errBoxShort
		}
		size, hdr := uint64(binary.BigEndian.Uint32(b)), uint64(8)
		typ := string(b[4:8])
		switch size {
		case 0:
			size = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return boxes, errBoxShort
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		}
		if size < hdr {
			return boxes, errors.New("heif: box smaller than its header")
		}
		if size > uint64(len(b)) {
			return boxes, errBoxShort
		}
		boxes = append(boxes, isoBox{typ, b[hdr:size]})
		b = b[size:]
	}
	return boxes, nil
}

func findBox(boxes []isoBox, typ string) (isoBox, bool) {
	for _, bx := range boxes {
		if bx.typ == typ {
			return bx, true
		}
	}
	return isoBox{}, false
}

// heifFacts are what readHEIF learns.
type heifFacts struct {
	width, height uint32
	rotation      int // quarter turns anticlockwise, from 'irot'
}

// readHEIF reads the primary image's size and rotation. A file whose boxes
// run past its end is reported with errBoxShort after what it could read.
func readHEIF(b []byte) (heifFacts, error) {
	top, topErr := readBoxes(b)
	ftyp, ok := findBox(top, "ftyp")
	if !ok || len(ftyp.body) < 8 {
		return heifFacts{}, errors.New("heif: no ftyp box")
	}
	meta, ok := findBox(top, "meta")
	if !ok || len(meta.body) < 4 {
		if topErr != nil {
			return heifFacts{}, topErr
		}
		return heifFacts{}, errors.New("heif: no meta box")
	}
	metaBoxes, err := readBoxes(meta.body[4:]) // full box: skip version and flags
	if err != nil {
		return heifFacts{}, err
	}
	primary := readPrimaryItem(metaBoxes)
	iprp, ok := findBox(metaBoxes, "iprp")
	if !ok {
		return heifFacts{}, errors.New("heif: no item properties")
	}
	f, err := readItemProperties(iprp.body, primary)
	if err != nil {
		return f, err
	}
	return f, topErr
}

// readPrimaryItem returns the 'pitm' item id, or 0 when absent.
func readPrimaryItem(metaBoxes []isoBox) uint32 {
	pitm, ok := findBox(metaBoxes, "pitm")
	if !ok || len(pitm.body) < 6 {
		return 0
	}
	if pitm.body[0] == 0 {
		return uint32(binary.BigEndian.Uint16(pitm.body[4:]))
	}
	if len(pitm.body) < 8 {
		return 0
	}
	return binary.BigEndian.Uint32(pitm.body[4:])
}

// readItemProperties finds the 'ispe' and 'irot' properties that 'ipma'
// associates with the primary item; without an association it takes the
// largest 'ispe'.
func readItemProperties(iprp []byte, primary uint32) (heifFacts, error) {
	boxes, err := readBoxes(iprp)
	if err != nil {
		return heifFacts{}, err
	}
	ipco, ok := findBox(boxes, "ipco")
	if !ok {
		return heifFacts{}, errors.New("heif: no property container")
	}
	props, err := readBoxes(ipco.body)
	if err != nil {
		return heifFacts{}, err
	}
	var f heifFacts
	if ipma, ok := findBox(boxes, "ipma"); ok && primary != 0 {
		for _, idx := range associations(ipma.body, primary) {
			if idx >= 1 && idx <= len(props) {
				applyProperty(&f, props[idx-1], false)
			}
		}
	}
	if f.width == 0 || f.height == 0 {
		for _, p := range props {
			applyProperty(&f, p, true)
		}
	}
	if f.width == 0 || f.height == 0 {
		return f, errors.New("heif: no image size property")
	}
	return f, nil
}

// applyProperty takes an 'ispe' size (only a larger one when largest is
// set) or an 'irot' rotation into f.
func applyProperty(f *heifFacts, p isoBox, largest bool) {
	switch p.typ {
	case "ispe":
		if len(p.body) < 12 {
			return
		}
		w, h := binary.BigEndian.Uint32(p.body[4:]), binary.BigEndian.Uint32(p.body[8:])
		if !largest || uint64(w)*uint64(h) > uint64(f.width)*uint64(f.height) {
			f.width, f.height = w, h
		}
	case "irot":
		if !largest && len(p.body) >= 1 {
			f.rotation = int(p.body[0] & 3)
		}
	}
}

// associations returns the 1-based property indices 'ipma' lists for item.
func associations(b []byte, item uint32) []int {
	if len(b) < 8 {
		return nil
	}
	version, flags := b[0], b[3]
	count := binary.BigEndian.Uint32(b[4:])
	i := 8
	for n := uint32(0); n < count && i < len(b); n++ {
		var id uint32
		if version < 1 {
			if i+2 > len(b) {
				return nil
			}
			id, i = uint32(binary.BigEndian.Uint16(b[i:])), i+2
		} else {
			if i+4 > len(b) {
				return nil
			}
			id, i = binary.BigEndian.Uint32(b[i:]), i+4
		}
		if i >= len(b) {
			return nil
		}
		k := int(b[i])
		i++
		var idx []int
		for j := 0; j < k; j++ {
			if flags&1 != 0 {
				if i+2 > len(b) {
					return nil
				}
				idx, i = append(idx, int(binary.BigEndian.Uint16(b[i:])&0x7FFF)), i+2
			} else {
				if i+1 > len(b) {
					return nil
				}
				idx, i = append(idx, int(b[i]&0x7F)), i+1
			}
		}
		if id == item {
			return idx
		}
	}
	return nil
}

// heifOrientation maps anticlockwise quarter turns to the EXIF orientation
// that displays the same way (1 none, 8 = 90° anticlockwise, 3 = 180°,
// 6 = 90° clockwise). Mirroring ('imir') is not read.
func heifOrientation(rotation int) int {
	return [4]int{0, 8, 3, 6}[rotation&3]
}

// inspectHEIC reads a HEIC or HEIF image's size and rotation.
func inspectHEIC(data []byte) (*ImageInfo, error) {
	f, err := readHEIF(data)
	if f.width == 0 || f.height == 0 {
		if errors.Is(err, errBoxShort) {
			return nil, errTruncated("read heif: %v", err)
		}
		return nil, errCorrupt("read heif: %v", err)
	}
	info := &ImageInfo{Width: int(f.width), Height: int(f.height), Pages: 1,
		Orientation: heifOrientation(f.rotation)}
	if err != nil {
		if errors.Is(err, errBoxShort) {
			return info, errTruncated("read heif: %v", err)
		}
		return info, errCorrupt("read heif: %v", err)
	}
	return info, nil
}
