package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// xrefEntry locates one object: in the file (inStream false) or inside an
// object stream.
type xrefEntry struct {
	inStream bool
	offset   int // file offset, or index within the object stream
	stream   int // object number of the object stream
	gen      int
}

// pdfDoc is our own bounded reader of a PDF's object graph. It loads
// objects lazily, decrypts them when the file is encrypted and openable,
// and charges every decompressed byte and every loaded object against the
// limits.
type pdfDoc struct {
	ctx     context.Context
	data    []byte
	lim     Limits
	xref    map[int]xrefEntry
	trailer pdfDict
	cache   map[int]any
	loading map[int]bool
	objStms map[int][][2]int // object stream → (number, offset) of its objects
	// objStmBody caches decoded object streams (charged to the budget once).
	objStmBody map[int][]byte
	crypt      *pdfCrypt
	inflated   int64
	loads      int
	repaired   bool // the xref was rebuilt by scanning
	// verdict is the first limit hit while loading; optional lookups
	// swallow errors, so callers check it to keep a bomb from passing as
	// a merely broken file.
	verdict error
	// decoded keeps the content streams the page walk decoded, kept
	// bytes in all, for the text pass; scratch is checkStream's buffer.
	decoded map[*pdfStream][]byte
	kept    int64
	scratch []byte
	// contentBytes is the decoded size of all pages' content.
	contentBytes int64
	// libUnsafe marks files whose object streams could send
	// github.com/ledongthuc/pdf into a loop (/Extends chains, or an
	// object missing from the stream its xref names); their text is read
	// from the plain rewrite instead.
	libUnsafe bool
}

// openPDFDoc reads the cross-reference data (following /Prev, xref
// streams and hybrid files) or, when that fails, rebuilds it by scanning
// for "n g obj" headers.
func openPDFDoc(ctx context.Context, data []byte, lim Limits) (*pdfDoc, error) {
	d := &pdfDoc{ctx: ctx, data: data, lim: lim, xref: map[int]xrefEntry{},
		cache: map[int]any{}, loading: map[int]bool{}, objStms: map[int][][2]int{},
		objStmBody: map[int][]byte{}, decoded: map[*pdfStream][]byte{}}
	if bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")) < 0 {
		return nil, errCorrupt("no %%PDF header")
	}
	err := d.readXrefChain()
	if _, isLimit := asContentError(err); isLimit && err != nil {
		return nil, err
	}
	if err != nil || d.trailer[pdfName("Root")] == nil {
		if err := d.rebuildXref(); err != nil {
			return nil, err
		}
	}
	if len(d.xref) > lim.MaxPDFObjects {
		return nil, errLimit("pdf has %d objects", len(d.xref))
	}
	return d, nil
}

var startxrefRe = regexp.MustCompile(`startxref\s+(\d+)`)

// readXrefChain follows startxref and the /Prev chain. Newer sections win,
// so entries are only added when absent.
func (d *pdfDoc) readXrefChain() error {
	tail := d.data[max(0, len(d.data)-2048):]
	m := startxrefRe.FindAllSubmatch(tail, -1)
	if m == nil {
		return errors.New("no startxref")
	}
	off, _ := strconv.Atoi(string(m[len(m)-1][1]))
	seen := map[int]bool{}
	for off > 0 || len(seen) == 0 {
		if seen[off] || len(seen) > 256 {
			return errors.New("xref /Prev loop")
		}
		seen[off] = true
		trailer, err := d.readXrefSection(off)
		if err != nil {
			return err
		}
		for k, v := range trailer {
			if _, ok := d.trailer[k]; !ok {
				if d.trailer == nil {
					d.trailer = pdfDict{}
				}
				d.trailer[k] = v
			}
		}
		if stm, ok := trailer["XRefStm"].(int64); ok {
			if _, err := d.readXrefSection(int(stm)); err != nil {
				return err
			}
		}
		prev, _ := trailer["Prev"].(int64)
		off = int(prev)
	}
	return nil
}

// readXrefSection reads a classic xref table and its trailer, or an xref
// stream, at off.
func (d *pdfDoc) readXrefSection(off int) (pdfDict, error) {
	if off < 0 || off >= len(d.data) {
		return nil, errors.New("xref offset out of range")
	}
	l := &pdfLexer{b: d.data, pos: off, maxDepth: d.lim.MaxNesting}
	if l.keyword("xref") {
		return d.readXrefTable(l)
	}
	obj, err := d.parseIndirect(off, -1)
	if err != nil {
		return nil, err
	}
	s, ok := obj.(*pdfStream)
	if !ok || s.dict["Type"] != pdfName("XRef") {
		return nil, errors.New("no xref at startxref")
	}
	return s.dict, d.readXrefStream(s)
}

func (d *pdfDoc) readXrefTable(l *pdfLexer) (pdfDict, error) {
	for {
		if l.keyword("trailer") {
			t, err := l.object()
			if dict, ok := t.(pdfDict); ok && err == nil {
				return dict, nil
			}
			return nil, errors.New("bad trailer")
		}
		first, err1 := l.object()
		count, err2 := l.object()
		f, ok1 := first.(int64)
		c, ok2 := count.(int64)
		if err1 != nil || err2 != nil || !ok1 || !ok2 || f < 0 || c < 0 {
			return nil, errors.New("bad xref subsection")
		}
		if c > int64(d.lim.MaxPDFObjects) || f+c > int64(d.lim.MaxPDFObjects)*2 {
			return nil, errLimit("xref declares %d objects", c)
		}
		for i := int64(0); i < c; i++ {
			if err := d.readXrefLine(l, int(f+i)); err != nil {
				return nil, err
			}
		}
	}
}

func (d *pdfDoc) readXrefLine(l *pdfLexer, num int) error {
	o, err1 := l.object()
	g, err2 := l.object()
	l.skipSpace()
	kind := l.regular()
	off, ok1 := o.(int64)
	gen, ok2 := g.(int64)
	if err1 != nil || err2 != nil || !ok1 || !ok2 || len(kind) != 1 {
		return errors.New("bad xref line")
	}
	if _, exists := d.xref[num]; exists || kind[0] != 'n' || num == 0 {
		return nil
	}
	d.xref[num] = xrefEntry{offset: int(off), gen: int(gen)}
	return nil
}

// readXrefStream decodes an xref stream's /W-sized rows.
func (d *pdfDoc) readXrefStream(s *pdfStream) error {
	data, err := d.decodeStream(s)
	if err != nil {
		return err
	}
	w := intArray(s.dict["W"])
	if len(w) != 3 || w[0] < 0 || w[1] < 0 || w[2] < 0 || w[0] > 4 || w[1] > 8 || w[2] > 8 {
		return errors.New("bad xref stream /W")
	}
	size, _ := s.dict["Size"].(int64)
	index := intArray(s.dict["Index"])
	if index == nil {
		index = []int{0, int(size)}
	}
	row := w[0] + w[1] + w[2]
	if row == 0 {
		return errors.New("bad xref stream /W")
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		if index[i+1] > d.lim.MaxPDFObjects || index[i+1] < 0 || index[i] < 0 {
			return errLimit("xref stream declares %d objects", index[i+1])
		}
		for n := index[i]; n < index[i]+index[i+1] && pos+row <= len(data); n++ {
			t := 1
			if w[0] > 0 {
				t = int(beUint(data[pos : pos+w[0]]))
			}
			f2 := int(beUint(data[pos+w[0] : pos+w[0]+w[1]]))
			f3 := int(beUint(data[pos+w[0]+w[1] : pos+row]))
			pos += row
			if _, exists := d.xref[n]; exists || n == 0 {
				continue
			}
			switch t {
			case 1:
				d.xref[n] = xrefEntry{offset: f2, gen: f3}
			case 2:
				d.xref[n] = xrefEntry{inStream: true, stream: f2, offset: f3}
			}
		}
	}
	return nil
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

func intArray(o any) []int {
	a, ok := o.(pdfArray)
	if !ok {
		return nil
	}
	out := make([]int, 0, len(a))
	for _, v := range a {
		n, _ := v.(int64)
		out = append(out, int(n))
	}
	return out
}

var objHeaderRe = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,10})\s+(\d{1,5})\s+obj\b`)

// rebuildXref scans the whole file for object headers, as viewers do with
// a damaged cross-reference table; the last definition of a number wins.
// The trailer comes from the last "trailer" dictionary or, failing that,
// from the catalog object.
func (d *pdfDoc) rebuildXref() error {
	d.repaired = true
	d.xref = map[int]xrefEntry{}
	for _, m := range objHeaderRe.FindAllSubmatchIndex(d.data, -1) {
		num, _ := strconv.Atoi(string(d.data[m[2]:m[3]]))
		gen, _ := strconv.Atoi(string(d.data[m[4]:m[5]]))
		d.xref[num] = xrefEntry{offset: m[2], gen: gen}
		if len(d.xref) > d.lim.MaxPDFObjects {
			return errLimit("pdf has more than %d objects", d.lim.MaxPDFObjects)
		}
	}
	if len(d.xref) == 0 {
		return errCorrupt("no cross-reference table and no objects")
	}
	if i := bytes.LastIndex(d.data, []byte("trailer")); i >= 0 {
		l := &pdfLexer{b: d.data, pos: i + len("trailer"), maxDepth: d.lim.MaxNesting}
		if t, err := l.object(); err == nil {
			if dict, ok := t.(pdfDict); ok && dict["Root"] != nil {
				d.trailer = dict
				return nil
			}
		}
	}
	return d.findCatalog()
}

// findCatalog builds a trailer around the object whose /Type is /Catalog,
// taking /Encrypt and /Info from any xref stream dictionary found.
func (d *pdfDoc) findCatalog() error {
	d.trailer = pdfDict{}
	for num := range d.xref {
		obj, err := d.parseIndirect(d.xref[num].offset, num)
		if err != nil {
			continue
		}
		dict := dictOf(obj)
		if dict["Type"] == pdfName("Catalog") {
			d.trailer["Root"] = pdfRef{num, d.xref[num].gen}
		}
		if dict["Type"] == pdfName("XRef") {
			for _, k := range []pdfName{"Encrypt", "Info", "ID"} {
				if dict[k] != nil {
					d.trailer[k] = dict[k]
				}
			}
		}
	}
	if d.trailer["Root"] == nil {
		return errCorrupt("no catalog object")
	}
	return nil
}

// parseIndirect parses "num gen obj … endobj" at off (any number when want
// is negative), reading a stream's bytes by its /Length or, when that is
// wrong, up to "endstream".
func (d *pdfDoc) parseIndirect(off, want int) (any, error) {
	if off < 0 || off >= len(d.data) {
		return nil, fmt.Errorf("object offset %d out of range", off)
	}
	l := &pdfLexer{b: d.data, pos: off, maxDepth: d.lim.MaxNesting}
	n, err1 := l.object()
	g, err2 := l.object()
	num, ok1 := n.(int64)
	gen, ok2 := g.(int64)
	if err1 != nil || err2 != nil || !ok1 || !ok2 || !l.keyword("obj") {
		return nil, fmt.Errorf("no object at offset %d", off)
	}
	if want >= 0 && int(num) != want {
		return nil, fmt.Errorf("object %d found where %d was expected", num, want)
	}
	obj, err := l.object()
	if err != nil {
		return nil, err
	}
	dict, isDict := obj.(pdfDict)
	if !isDict || !l.keyword("stream") {
		return obj, nil
	}
	return d.readStreamBody(l, dict, int(num), int(gen))
}

func (d *pdfDoc) readStreamBody(l *pdfLexer, dict pdfDict, num, gen int) (*pdfStream, error) {
	if l.pos < len(d.data) && d.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(d.data) && d.data[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	length := -1
	switch v := dict["Length"].(type) {
	case int64:
		length = int(v)
	case pdfRef:
		if v.num != num {
			if o, err := d.load(v.num); err == nil {
				if n, ok := o.(int64); ok {
					length = int(n)
				}
			}
		}
	}
	end := start + length
	if length < 0 || end > len(d.data) ||
		!bytes.HasPrefix(bytes.TrimLeft(d.data[end:min(end+32, len(d.data))], "\r\n\t \x00"),
			[]byte("endstream")) {
		i := bytes.Index(d.data[start:], []byte("endstream"))
		if i < 0 {
			return nil, errTruncated("stream of object %d has no end", num)
		}
		end = start + i
	}
	return &pdfStream{dict: dict, raw: d.data[start:end], num: num, gen: gen}, nil
}

// dictOf returns the dictionary of a dictionary or stream object.
func dictOf(o any) pdfDict {
	switch v := o.(type) {
	case pdfDict:
		return v
	case *pdfStream:
		return v.dict
	}
	return nil
}
