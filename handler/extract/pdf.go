package extract

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// inspectPDF reads a PDF's structure with our bounded reader (pdfDoc:
// limits, encryption, page tree, info, form fields), then its text with
// github.com/ledongthuc/pdf, which only ever sees a file the bounded
// reader has vetted: page count, nesting, loops and the inflated size of
// every stream it will decode are checked first.
func inspectPDF(ctx context.Context, data []byte, lim Limits) (*PDFInfo, string, error) {
	d, err := openPDFDoc(ctx, data, lim)
	if err != nil {
		return nil, "", pdfVerdict(err)
	}
	info := &PDFInfo{OpensWithoutPassword: true}
	if err := d.setupCrypt(info); err != nil {
		return nil, "", pdfVerdict(err)
	}
	info.Version = pdfVersion(d)
	if info.OpensWithoutPassword {
		if err := d.validateObjStms(); err != nil {
			return nil, "", pdfVerdict(err)
		}
	}
	pages, err := d.walkPages()
	if d.verdict != nil {
		return nil, "", d.verdict
	}
	if err != nil {
		if _, isVerdict := asContentError(err); isVerdict || info.OpensWithoutPassword {
			return nil, "", pdfVerdict(err)
		}
		// A locked file may keep its page tree in encrypted object streams.
		pages = nil
	}
	info.Pages = len(pages)
	if info.OpensWithoutPassword && info.Pages == 0 {
		return nil, "", errCorrupt("pdf page tree holds no page")
	}
	if !info.OpensWithoutPassword {
		return info, "", nil
	}
	readInfoDict(d, info)
	info.FormFields = d.formFields()
	text, err := d.text(data, pages, lim)
	if d.verdict != nil {
		return nil, "", d.verdict
	}
	if err != nil {
		return info, "", pdfVerdict(err)
	}
	info.HasTextLayer = hasWords(text)
	return info, text + formText(info.FormFields), nil
}

// pdfVerdict turns a structural error into a verdict: limits and explicit
// verdicts pass through, context errors too, anything else is corrupt.
func pdfVerdict(err error) error {
	if _, ok := asContentError(err); ok {
		return err
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return errCorrupt("read pdf: %v", err)
}

// setupCrypt tries the empty user password on an encrypted file.
func (d *pdfDoc) setupCrypt(info *PDFInfo) error {
	ref, _ := d.trailer["Encrypt"].(pdfRef)
	enc, _ := d.get(d.trailer, "Encrypt").(pdfDict)
	if d.trailer["Encrypt"] == nil {
		return nil
	}
	info.Encrypted = true
	var id []byte
	if ids, ok := d.trailer["ID"].(pdfArray); ok && len(ids) > 0 {
		s, _ := ids[0].(pdfString)
		id = s
	}
	c, err := newPDFCrypt(enc, ref.num, id)
	if err != nil {
		info.OpensWithoutPassword = false
		return nil
	}
	d.crypt = c
	// Objects loaded before the key was known (the /Encrypt dictionary
	// itself, /Length values) are kept; strings read later are decrypted.
	for n := range d.cache {
		if n != ref.num {
			delete(d.cache, n)
		}
	}
	clear(d.objStms)
	clear(d.objStmBody)
	return nil
}

// text opens the file with github.com/ledongthuc/pdf and extracts the
// text of the vetted pages. Files the library cannot open (AES-256
// encryption, a rebuilt xref) are first rewritten as plain PDFs.
func (d *pdfDoc) text(data []byte, pages []pdfPage, lim Limits) (string, error) {
	src := data
	if d.repaired || d.libUnsafe || (d.crypt != nil && d.crypt.v == 5) {
		plain, err := d.rewritePlain()
		if err != nil {
			return "", err
		}
		src = plain
	}
	r, err := pdf.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil && bytes.Equal(src, data) {
		plain, perr := d.rewritePlain()
		if perr != nil {
			return "", perr
		}
		r, err = pdf.NewReader(bytes.NewReader(plain), int64(len(plain)))
	}
	if err != nil {
		return "", errCorrupt("open pdf for text: %v", err)
	}
	return d.extractText(r, pages, lim.MaxTextBytes+1)
}

var pdfVersionRe = regexp.MustCompile(`%PDF-(\d\.\d)`)

// pdfVersion reads the header version, overridden by the catalog's
// /Version when that is newer.
func pdfVersion(d *pdfDoc) string {
	v := ""
	if m := pdfVersionRe.FindSubmatch(d.data[:min(len(d.data), 1024)]); m != nil {
		v = string(m[1])
	}
	root, _ := d.get(d.trailer, "Root").(pdfDict)
	if cv, ok := root["Version"].(pdfName); ok && len(cv) == 3 && string(cv) > v {
		v = string(cv)
	}
	return v
}

// readInfoDict copies the document information dictionary.
func readInfoDict(d *pdfDoc, info *PDFInfo) {
	dict, _ := d.get(d.trailer, "Info").(pdfDict)
	str := func(k pdfName) string {
		s, _ := d.get(dict, k).(pdfString)
		return strings.TrimSpace(pdfText(s))
	}
	info.Title, info.Author, info.Subject = str("Title"), str("Author"), str("Subject")
	info.Creator, info.Producer = str("Creator"), str("Producer")
	info.Created, info.Modified = parsePDFDate(str("CreationDate")), parsePDFDate(str("ModDate"))
}

var pdfDateRe = regexp.MustCompile(
	`^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?`)

// parsePDFDate parses "D:YYYYMMDDHHmmSSOHH'mm'" (every part after the year
// optional) to UTC; nil when unreadable.
func parsePDFDate(s string) *time.Time {
	m := pdfDateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil
	}
	part := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		return atoi(m[i])
	}
	offset := (part(8, 0)*60 + part(9, 0)) * 60
	if m[7] == "-" {
		offset = -offset
	}
	t := time.Date(part(1, 0), time.Month(part(2, 1)), part(3, 1), part(4, 0), part(5, 0),
		part(6, 0), 0, time.FixedZone("", offset)).UTC()
	if t.Year() < 1900 || t.Year() > 2200 {
		return nil
	}
	return &t
}

// hasWords reports whether text holds at least one letter or digit: a
// page of only spaces and newlines has no text layer.
func hasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) >= 0
}

// formText renders filled form fields as "name: value" lines, so their
// values are searchable like the page text.
func formText(fields []FormField) string {
	var b strings.Builder
	for _, f := range fields {
		if f.Value != "" {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
	}
	return b.String()
}
