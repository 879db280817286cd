package extract

import (
	"bytes"
	"encoding/ascii85"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/klauspost/compress/zlib"
)

// load returns object num, from the cache or parsed (and decrypted) from
// the file or its object stream. Cycles and too many loads are errors.
func (d *pdfDoc) load(num int) (any, error) {
	if o, ok := d.cache[num]; ok {
		return o, nil
	}
	if d.loading[num] {
		return nil, fmt.Errorf("object %d refers to itself while loading", num)
	}
	if d.loads++; d.loads > d.lim.MaxPDFObjects {
		return nil, errLimit("more than %d object loads", d.lim.MaxPDFObjects)
	}
	if d.loads%256 == 0 {
		if err := d.ctx.Err(); err != nil {
			return nil, err
		}
	}
	e, ok := d.xref[num]
	if !ok {
		return nil, nil // a missing object is null
	}
	d.loading[num] = true
	defer delete(d.loading, num)
	var (
		obj any
		err error
	)
	if e.inStream {
		obj, err = d.loadFromStream(num, e)
	} else {
		obj, err = d.parseIndirect(e.offset, num)
		if err == nil && d.crypt != nil && num != d.crypt.dictNum {
			obj = d.crypt.decryptObject(obj, num, e.gen)
		}
	}
	if err != nil {
		if _, isVerdict := asContentError(err); isVerdict && d.verdict == nil {
			d.verdict = err
		}
		return nil, err
	}
	d.cache[num] = obj
	return obj, nil
}

// resolve follows references (a chain of them at most MaxNesting long).
func (d *pdfDoc) resolve(o any) (any, error) {
	for i := 0; i < d.lim.MaxNesting; i++ {
		r, ok := o.(pdfRef)
		if !ok {
			return o, nil
		}
		var err error
		if o, err = d.load(r.num); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("reference chain too long")
}

// get resolves dict[key]; errors give nil (a broken optional entry).
func (d *pdfDoc) get(dict pdfDict, key pdfName) any {
	return d.deref(dict[key])
}

// loadFromStream finds object num inside its object stream.
func (d *pdfDoc) loadFromStream(num int, e xrefEntry) (any, error) {
	se, ok := d.xref[e.stream]
	if !ok || se.inStream {
		return nil, fmt.Errorf("object stream %d is not a plain object", e.stream)
	}
	so, err := d.load(e.stream)
	if err != nil {
		return nil, err
	}
	s, ok := so.(*pdfStream)
	if !ok || s.dict["Type"] != pdfName("ObjStm") {
		return nil, fmt.Errorf("object %d is not an object stream", e.stream)
	}
	if s.dict["Extends"] != nil {
		d.libUnsafe = true
	}
	body, ok := d.objStmBody[e.stream]
	if !ok {
		if body, err = d.decodeStream(s); err != nil {
			return nil, err
		}
		d.objStmBody[e.stream] = body
	}
	entries, err := d.objStmOffsets(e.stream, s, body)
	if err != nil {
		return nil, err
	}
	first, _ := s.dict["First"].(int64)
	if e.offset < 0 || e.offset >= len(entries) || entries[e.offset][0] != num {
		d.libUnsafe = true
		return nil, fmt.Errorf("object %d not in its object stream", num)
	}
	pos := int(first) + entries[e.offset][1]
	if first < 0 || pos < 0 || pos >= len(body) {
		return nil, fmt.Errorf("object %d offset out of range", num)
	}
	l := &pdfLexer{b: body, pos: pos, maxDepth: d.lim.MaxNesting}
	return l.object()
}

// objStmOffsets parses (and caches) the header pairs (object number,
// offset) of an object stream.
func (d *pdfDoc) objStmOffsets(num int, s *pdfStream, body []byte) ([][2]int, error) {
	if offs, ok := d.objStms[num]; ok {
		return offs, nil
	}
	n, _ := s.dict["N"].(int64)
	if n < 0 || n > int64(d.lim.MaxPDFObjects) {
		return nil, errLimit("object stream holds %d objects", n)
	}
	l := &pdfLexer{b: body, maxDepth: d.lim.MaxNesting}
	offs := make([][2]int, 0, min(n, 4096))
	for i := int64(0); i < n; i++ {
		id, err1 := l.object()
		off, err2 := l.object()
		o, ok1 := off.(int64)
		k, ok2 := id.(int64)
		if err1 != nil || err2 != nil || !ok1 || !ok2 {
			break
		}
		offs = append(offs, [2]int{int(k), int(o)})
	}
	d.objStms[num] = offs
	return offs, nil
}

// decodeStream decrypts and decodes a stream's bytes, charging them to the
// inflation budget: a stream that would exceed it is a limit verdict. It
// keeps the bytes, so it is for the small structural streams (xref and
// object streams); checkStream measures the others.
func (d *pdfDoc) decodeStream(s *pdfStream) ([]byte, error) {
	r, params, err := d.streamReader(s)
	if err != nil {
		return nil, err
	}
	left := d.lim.MaxInflatedBytes - d.inflated
	out, err := io.ReadAll(io.LimitReader(r, left+1))
	if int64(len(out)) > left {
		return nil, errLimit("pdf streams inflate past %d bytes", d.lim.MaxInflatedBytes)
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("decode stream %d: %w", s.num, err)
	}
	d.inflated += int64(len(out))
	return unpredict(out, params)
}

// checkStream decodes a stream without keeping its bytes, charging them to
// the budget and watching the context: a page's content or a CMap that
// inflates past the budget is found without holding it in memory.
func (d *pdfDoc) checkStream(s *pdfStream) error {
	_, err := d.inflate(s, true, false)
	return err
}

// checkContent checks a page's content stream like checkStream, keeping
// its decoded bytes for the text pass (see streamBytes) while the kept
// total stays within an eighth of the inflation budget.
func (d *pdfDoc) checkContent(s *pdfStream) error {
	keep := !d.plainStream(s) && d.kept < d.lim.MaxInflatedBytes/8
	before := d.inflated
	b, err := d.inflate(s, true, keep)
	d.contentBytes += d.inflated - before
	if keep && err == nil {
		d.decoded[s] = b
		d.kept += int64(len(b))
	}
	return err
}

// streamBytes returns a content stream's decoded bytes: its raw bytes
// when it has neither filter nor encryption, else those checkContent kept
// or, past that share of the budget, a new decoding (already charged).
func (d *pdfDoc) streamBytes(s *pdfStream) ([]byte, error) {
	if d.plainStream(s) {
		return s.raw, nil
	}
	if b, ok := d.decoded[s]; ok {
		return b, nil
	}
	return d.inflate(s, false, true)
}

// pageContent returns the decoded content of a page: its one stream, or
// its streams joined by newlines (a token never spans two of them).
func (d *pdfDoc) pageContent(p pdfPage) ([]byte, error) {
	if len(p.contents) == 1 {
		return d.streamBytes(p.contents[0])
	}
	var all []byte
	for _, s := range p.contents {
		b, err := d.streamBytes(s)
		if err != nil {
			return nil, err
		}
		all = append(append(all, b...), '\n')
	}
	return all, nil
}

// plainStream reports whether a stream's bytes are its content as they
// are: no filter, no encryption.
func (d *pdfDoc) plainStream(s *pdfStream) bool {
	return d.crypt == nil && len(filterList(d.get(s.dict, "Filter"))) == 0
}

// inflate decodes a stream chunk by chunk, watching the context. With
// charge, the bytes count against the budget: one stream may use a
// quarter of it (no page's content or CMap comes near that, and a bomb is
// then found four times sooner). With keep, it returns the bytes,
// predictors undone.
func (d *pdfDoc) inflate(s *pdfStream, charge, keep bool) ([]byte, error) {
	if d.plainStream(s) {
		if charge {
			if err := d.charge(int64(len(s.raw)), int64(len(s.raw))); err != nil {
				return nil, err
			}
		}
		return s.raw, nil
	}
	r, params, err := d.streamReader(s)
	if err != nil {
		return nil, err
	}
	var out []byte
	d.scratch = slices.Grow(d.scratch, 64<<10)
	for own := int64(0); ; {
		var n int
		if keep {
			out = slices.Grow(out, 64<<10)
			n, err = r.Read(out[len(out):cap(out)])
			out = out[:len(out)+n]
		} else {
			n, err = r.Read(d.scratch[:cap(d.scratch)])
		}
		own += int64(n)
		if charge {
			if err := d.charge(int64(n), own); err != nil {
				return nil, err
			}
		}
		if errors.Is(err, io.EOF) {
			if keep {
				return unpredict(out, params)
			}
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decode stream %d: %w", s.num, err)
		}
		if d.inflated&(1<<24-1) < int64(n) && d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
	}
}

// charge counts n decoded bytes (own of them from the current stream)
// against the budget.
func (d *pdfDoc) charge(n, own int64) error {
	d.inflated += n
	if own > d.lim.MaxInflatedBytes/4 || d.inflated > d.lim.MaxInflatedBytes {
		return errLimit("pdf streams inflate past their budget")
	}
	return nil
}

// streamReader returns a reader of the decrypted, decoded stream and the
// decode parameters of its last filter (for predictors).
func (d *pdfDoc) streamReader(s *pdfStream) (io.Reader, pdfDict, error) {
	raw := s.raw
	if d.crypt != nil && s.dict["Type"] != pdfName("XRef") {
		raw = d.crypt.decryptStream(raw, s.num, s.gen)
	}
	var r io.Reader = bytes.NewReader(raw)
	filters, params := filterList(d.get(s.dict, "Filter")), d.get(s.dict, "DecodeParms")
	var last pdfDict
	for i, f := range filters {
		last = nil
		switch pv := params.(type) {
		case pdfDict:
			last = pv
		case pdfArray:
			if i < len(pv) {
				last, _ = pv[i].(pdfDict)
			}
		}
		var err error
		if r, err = applyFilter(f, r); err != nil {
			return nil, nil, err
		}
	}
	return r, last, nil
}

func filterList(o any) []pdfName {
	switch v := o.(type) {
	case pdfName:
		return []pdfName{v}
	case pdfArray:
		var out []pdfName
		for _, x := range v {
			if n, ok := x.(pdfName); ok {
				out = append(out, n)
			}
		}
		return out
	}
	return nil
}

// errUnsupportedFilter marks streams this reader cannot decode (images and
// rare filters); callers skip them.
var errUnsupportedFilter = errors.New("unsupported pdf stream filter")

// applyFilter wraps r in the decoder of one filter.
func applyFilter(f pdfName, r io.Reader) (io.Reader, error) {
	switch f {
	case "FlateDecode", "Fl":
		// klauspost/compress inflates faster than compress/zlib, with the
		// same checks (header, Adler-32).
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("flate: %w", err)
		}
		return zr, nil
	case "ASCIIHexDecode", "AHx":
		return hex.NewDecoder(&hexCleaner{r: r}), nil
	case "ASCII85Decode", "A85":
		return ascii85.NewDecoder(&a85Cleaner{r: r}), nil
	}
	return nil, fmt.Errorf("%w %s", errUnsupportedFilter, f)
}

// hexCleaner passes only hex digits and stops at '>'.
type hexCleaner struct {
	r    io.Reader
	done bool
}

func (c *hexCleaner) Read(p []byte) (int, error) {
	for {
		if c.done {
			return 0, io.EOF
		}
		n, err := c.r.Read(p)
		k := 0
		for _, b := range p[:n] {
			if b == '>' {
				c.done = true
				break
			}
			if _, ok := unhexDigit(b); ok {
				p[k] = b
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// a85Cleaner drops whitespace and stops at "~>".
type a85Cleaner struct {
	r    io.Reader
	done bool
}

func (c *a85Cleaner) Read(p []byte) (int, error) {
	for {
		if c.done {
			return 0, io.EOF
		}
		n, err := c.r.Read(p)
		k := 0
		for _, b := range p[:n] {
			if b == '~' {
				c.done = true
				break
			}
			if !isPDFSpace(b) {
				p[k] = b
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// unpredict undoes PNG predictors (10–15), as xref streams use them.
func unpredict(b []byte, p pdfDict) ([]byte, error) {
	pred, _ := p["Predictor"].(int64)
	if pred < 10 {
		return b, nil
	}
	cols, _ := p["Columns"].(int64)
	colors, _ := p["Colors"].(int64)
	bpc, _ := p["BitsPerComponent"].(int64)
	cols, colors, bpc = max(cols, 1), max(colors, 1), max(bpc, 8)
	if cols > 1<<20 || colors > 32 || bpc > 16 {
		return nil, errors.New("bad predictor parameters")
	}
	bpp := int(max(colors*bpc/8, 1))
	rowLen := int(cols*colors*bpc+7) / 8
	out := make([]byte, 0, len(b))
	prev := make([]byte, rowLen)
	for i := 0; i+1+rowLen <= len(b); i += 1 + rowLen {
		row := append([]byte(nil), b[i+1:i+1+rowLen]...)
		for j := range row {
			var left, up, ul byte
			if j >= bpp {
				left, ul = row[j-bpp], prev[j-bpp]
			}
			up = prev[j]
			switch b[i] {
			case 1:
				row[j] += left
			case 2:
				row[j] += up
			case 3:
				row[j] += byte((int(left) + int(up)) / 2)
			case 4:
				row[j] += paeth(left, up, ul)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// validateObjStms checks, before github.com/ledongthuc/pdf sees the file,
// that every compressed object is listed where the xref says; the library
// would otherwise follow /Extends, which may loop. Any doubt sends the
// text step to the plain rewrite.
func (d *pdfDoc) validateObjStms() error {
	for num, e := range d.xref {
		if !e.inStream {
			continue
		}
		if _, err := d.loadFromStream(num, e); err != nil {
			if _, isVerdict := asContentError(err); isVerdict {
				return err
			}
			d.libUnsafe = true
		}
		if err := d.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
