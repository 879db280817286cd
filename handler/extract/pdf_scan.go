package extract

import (
	"bytes"
	"errors"
	"unicode/utf16"
)

// pdfPage locates one leaf of the page tree: the Kids indices from the
// root Pages node, and how many of them lead to the node whose /Resources
// apply (-1 when none does).
type pdfPage struct {
	path    []int
	resPath int
	// readable is false when a content stream cannot be decoded by us (an
	// unsupported filter or broken data); its text is not extracted.
	readable bool
	// contents are the page's content streams, res its resources.
	contents []*pdfStream
	res      pdfDict
}

// pageWalker walks the page tree once, with cycle, depth and count limits,
// and checks the streams text extraction will read.
type pageWalker struct {
	d        *pdfDoc
	pages    []pdfPage
	visited  map[int]bool
	checked  map[int]error // ToUnicode streams already checked, and how
	maxPages int
}

// walkPages returns the leaves of the page tree. It refuses a tree that
// claims or holds more than Limits.MaxPDFPages pages, nests deeper than
// Limits.MaxNesting or loops.
func (d *pdfDoc) walkPages() ([]pdfPage, error) {
	root, _ := d.get(d.trailer, "Root").(pdfDict)
	if root == nil {
		return nil, errCorrupt("pdf has no catalog")
	}
	pagesRef := root["Pages"]
	pages, _ := d.get(root, "Pages").(pdfDict)
	if pages == nil {
		return nil, errCorrupt("pdf has no page tree")
	}
	if c, _ := pages["Count"].(int64); c > int64(d.lim.MaxPDFPages) {
		return nil, errLimit("pdf claims %d pages", c)
	}
	w := &pageWalker{d: d, visited: map[int]bool{}, checked: map[int]error{},
		maxPages: d.lim.MaxPDFPages}
	if r, ok := pagesRef.(pdfRef); ok {
		w.visited[r.num] = true
	}
	if err := w.walk(pages, nil, -1); err != nil {
		return nil, err
	}
	return w.pages, nil
}

func (w *pageWalker) walk(node pdfDict, path []int, resPath int) error {
	if len(path) > w.d.lim.MaxNesting {
		return errLimit("pdf page tree nests deeper than %d", w.d.lim.MaxNesting)
	}
	if node["Resources"] != nil {
		resPath = len(path)
	}
	kids, isTree := w.d.get(node, "Kids").(pdfArray)
	if !isTree || node["Type"] == pdfName("Page") {
		return w.leaf(node, path, resPath)
	}
	for i, k := range kids {
		if r, ok := k.(pdfRef); ok {
			if w.visited[r.num] {
				return errCorrupt("pdf page tree has a loop")
			}
			w.visited[r.num] = true
		}
		kid, _ := w.d.deref(k).(pdfDict)
		if kid == nil {
			continue
		}
		if err := w.walk(kid, append(path[:len(path):len(path)], i), resPath); err != nil {
			return err
		}
	}
	return nil
}

// deref resolves o; errors give nil (a broken optional entry).
func (d *pdfDoc) deref(o any) any {
	o, err := d.resolve(o)
	if err != nil {
		return nil
	}
	return o
}

func (w *pageWalker) leaf(page pdfDict, path []int, resPath int) error {
	if len(w.pages) >= w.maxPages {
		return errLimit("pdf has more than %d pages", w.maxPages)
	}
	if err := w.d.ctx.Err(); err != nil {
		return err
	}
	p := pdfPage{path: path, resPath: resPath, readable: true}
	if err := w.checkContents(page, &p); err != nil {
		if _, isVerdict := asContentError(err); isVerdict {
			return err
		}
		p.readable = false
	}
	if p.res = w.resources(path, resPath); p.res != nil {
		if err := w.checkFonts(p.res); err != nil {
			if _, isVerdict := asContentError(err); isVerdict {
				return err
			}
			p.readable = false
		}
	}
	w.pages = append(w.pages, p)
	return nil
}

// resources returns the /Resources dictionary that applies at resPath.
func (w *pageWalker) resources(path []int, resPath int) pdfDict {
	if resPath < 0 {
		return nil
	}
	root, _ := w.d.get(w.d.trailer, "Root").(pdfDict)
	node, _ := w.d.get(root, "Pages").(pdfDict)
	for _, i := range path[:resPath] {
		kids, _ := w.d.get(node, "Kids").(pdfArray)
		if i >= len(kids) {
			return nil
		}
		node, _ = w.d.deref(kids[i]).(pdfDict)
	}
	res, _ := w.d.get(node, "Resources").(pdfDict)
	return res
}

// checkContents decodes the page's content streams against the budget
// and lists them in p.
func (w *pageWalker) checkContents(page pdfDict, p *pdfPage) error {
	var streams []any
	switch c := w.d.get(page, "Contents").(type) {
	case *pdfStream:
		streams = []any{c}
	case pdfArray:
		streams = c
	}
	for _, s := range streams {
		st, _ := w.d.deref(s).(*pdfStream)
		if st == nil {
			continue
		}
		p.contents = append(p.contents, st)
		if err := w.d.checkContent(st); err != nil {
			return err
		}
	}
	return nil
}

// checkFonts decodes each font's ToUnicode CMap once against the budget,
// and refuses one that github.com/ledongthuc/pdf could not read to its
// end (see libLexerHangs). The answer holds for every page using it.
func (w *pageWalker) checkFonts(res pdfDict) error {
	fonts, _ := w.d.get(res, "Font").(pdfDict)
	for _, f := range fonts {
		font, _ := w.d.deref(f).(pdfDict)
		ref, isRef := font["ToUnicode"].(pdfRef)
		if font == nil || !isRef {
			continue
		}
		err, done := w.checked[ref.num]
		if !done {
			err = w.checkCMap(font)
			w.checked[ref.num] = err
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var errCMapHangs = errors.New("ToUnicode CMap ends inside a hexadecimal string")

func (w *pageWalker) checkCMap(font pdfDict) error {
	s, ok := w.d.get(font, "ToUnicode").(*pdfStream)
	if !ok {
		return nil
	}
	cmap, err := w.d.inflate(s, true, true)
	if err == nil && libLexerHangs(cmap) {
		err = errCMapHangs
	}
	return err
}

// libLexerHangs reports whether github.com/ledongthuc/pdf's lexer would
// loop forever on b: it reads a hexadecimal string until '>', and past
// the end of a stream it reads newlines, so a '<' (not "<<") outside
// strings and comments with no '>' after it never ends.
func libLexerHangs(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '%':
			for i < len(b) && b[i] != '\r' && b[i] != '\n' {
				i++
			}
		case '(':
			i = literalEnd(b, i+1)
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i++
				continue
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return true
			}
			i += end
		}
	}
	return false
}

// literalEnd returns the index of the ')' that ends the literal string
// starting at b[i] (len(b) when none does).
func literalEnd(b []byte, i int) int {
	for depth := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(b)
}

// formFields lists the AcroForm's fields with their values (at most 1000,
// nested at most MaxNesting deep).
func (d *pdfDoc) formFields() []FormField {
	root, _ := d.get(d.trailer, "Root").(pdfDict)
	form, _ := d.get(root, "AcroForm").(pdfDict)
	fields, _ := d.get(form, "Fields").(pdfArray)
	var out []FormField
	seen := map[int]bool{}
	var walk func(list pdfArray, prefix string, depth int)
	walk = func(list pdfArray, prefix string, depth int) {
		for _, f := range list {
			if r, ok := f.(pdfRef); ok {
				if seen[r.num] {
					continue
				}
				seen[r.num] = true
			}
			field, _ := d.deref(f).(pdfDict)
			if field == nil || len(out) >= 1000 || depth > d.lim.MaxNesting {
				continue
			}
			name := prefix
			if t, ok := d.get(field, "T").(pdfString); ok {
				name = joinFieldName(prefix, pdfText(t))
			}
			kids, hasKids := d.get(field, "Kids").(pdfArray)
			if hasKids && kidsAreFields(d, kids) {
				walk(kids, name, depth+1)
				continue
			}
			if name != "" {
				out = append(out, FormField{Name: name, Value: fieldValue(d.get(field, "V"))})
			}
		}
	}
	walk(fields, "", 0)
	return out
}

func joinFieldName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// kidsAreFields tells field kids (with /T) from widget annotations.
func kidsAreFields(d *pdfDoc, kids pdfArray) bool {
	for _, k := range kids {
		if kid, _ := d.deref(k).(pdfDict); kid != nil && kid["T"] != nil {
			return true
		}
	}
	return false
}

func fieldValue(v any) string {
	switch x := v.(type) {
	case pdfString:
		return pdfText(x)
	case pdfName:
		if x == "Off" {
			return ""
		}
		return string(x)
	case pdfArray:
		s := ""
		for _, e := range x {
			if t, ok := e.(pdfString); ok {
				if s != "" {
					s += ", "
				}
				s += pdfText(t)
			}
		}
		return s
	}
	return ""
}

// pdfDocEncodingHigh maps PDFDocEncoding 0x80–0x9F (and 0xAD) where it
// differs from Latin-1.
var pdfDocEncodingHigh = [32]rune{
	'•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘',
	'’', '‚', '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', 0xFFFD,
}

// pdfText decodes a PDF text string: UTF-16BE or UTF-8 with a BOM, else
// PDFDocEncoding.
func pdfText(s pdfString) string {
	switch {
	case len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF:
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	case len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF:
		return string(s[3:])
	}
	r := make([]rune, 0, len(s))
	for _, c := range s {
		switch {
		case c >= 0x80 && c <= 0x9F:
			r = append(r, pdfDocEncodingHigh[c-0x80])
		default:
			r = append(r, rune(c))
		}
	}
	return string(r)
}

var errNoInfo = errors.New("no info dictionary")
