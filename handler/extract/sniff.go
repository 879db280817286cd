package extract

import (
	"bytes"
	"mime"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// The media types of the published allow-list.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeTIFF = "image/tiff"
	TypeHEIC = "image/heic"
	TypeHEIF = "image/heif"
	TypeWebP = "image/webp"
	TypeGIF  = "image/gif"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeText = "text/plain"
)

// allowed maps each allowed media type to its kind and the file extensions
// that fit it (the first is canonical).
var allowed = map[string]struct {
	kind Kind
	exts []string
}{
	TypePDF:  {KindPDF, []string{".pdf"}},
	TypeJPEG: {KindImage, []string{".jpg", ".jpeg", ".jpe", ".jfif"}},
	TypePNG:  {KindImage, []string{".png"}},
	TypeTIFF: {KindImage, []string{".tiff", ".tif"}},
	TypeHEIC: {KindImage, []string{".heic", ".heif", ".hif"}},
	TypeHEIF: {KindImage, []string{".heif", ".heic", ".hif"}},
	TypeWebP: {KindImage, []string{".webp"}},
	TypeGIF:  {KindImage, []string{".gif"}},
	TypeDOCX: {KindDOCX, []string{".docx"}},
	TypeText: {KindText, []string{".txt", ".text", ".csv", ".tsv", ".log", ".md", ".json"}},
}

// AllowedTypes returns the published allow-list of media types, for
// GET /api/config.
func AllowedTypes() []string {
	return []string{TypePDF, TypeJPEG, TypePNG, TypeTIFF, TypeHEIC, TypeHEIF, TypeWebP,
		TypeGIF, TypeDOCX, TypeText}
}

// IsAllowedType reports whether a declared content type (parameters
// ignored) is on the allow-list; for upload requests.
func IsAllowedType(contentType string) bool {
	_, ok := allowed[normaliseType(contentType)]
	return ok
}

// activeText are text types that a browser or shell may execute: they are
// quarantined even though they are text.
var activeText = []string{
	"text/html", "image/svg+xml", "text/xml", "application/xml", "text/javascript",
	"application/javascript", "text/x-php", "text/x-shellscript", "text/x-python",
	"text/x-perl", "text/x-lua", "text/x-tcl", "application/x-ndjson", "text/vtt",
	"application/xhtml+xml", "text/x-msdos-batch",
}

// sniffed is the verdict of the type sniffer.
type sniffed struct {
	detected  string // the sniffer's answer without parameters
	mediaType string // the allowed type it is accepted as, or detected
	kind      Kind
	allowed   bool
	charset   string // charset parameter the sniffer saw, if any
}

// sniff finds the real type of data from its bytes alone.
func sniff(data []byte) sniffed {
	m := mimetype.Detect(data)
	detected, params, _ := mime.ParseMediaType(m.String())
	if detected == "" {
		detected = m.String()
	}
	s := sniffed{detected: detected, mediaType: detected, kind: KindOther,
		charset: strings.ToLower(params["charset"])}

	// mimetype calls UTF-16 without a BOM "application/octet-stream".
	if detected == "application/octet-stream" {
		if _, ok := detectUTF16(data); ok {
			s.detected, s.mediaType, s.charset = TypeText, TypeText, "utf-16"
		}
	}
	if s.mediaType == "image/heic-sequence" || s.mediaType == "image/heif-sequence" {
		s.mediaType = strings.TrimSuffix(s.mediaType, "-sequence")
	}
	if a, ok := allowed[s.mediaType]; ok {
		s.kind, s.allowed = a.kind, true
		return s
	}
	if isPlainTextFamily(m) {
		s.mediaType, s.kind, s.allowed = TypeText, KindText, true
	}
	return s
}

// isPlainTextFamily reports whether m descends from text/plain (CSV, JSON,
// vCard…) without being active content.
func isPlainTextFamily(m *mimetype.MIME) bool {
	for p := m; p != nil; p = p.Parent() {
		for _, a := range activeText {
			if p.Is(a) {
				return false
			}
		}
	}
	for p := m.Parent(); p != nil; p = p.Parent() {
		if p.Is(TypeText) {
			return true
		}
	}
	return false
}

// markupMarkers are the openings of active markup that a polyglot hides in
// an image or in a PDF's first kilobyte so that a sniffing browser runs it.
var markupMarkers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<!doctype html"), []byte("<svg"),
	[]byte("<iframe"), []byte("<body"), []byte("<object"), []byte("<embed"),
}

// hasActiveMarkup reports whether b contains an opening of active markup,
// ignoring ASCII case (HTML's tag names are ASCII; a Unicode fold could
// not match a window of the marker's byte length anyway).
func hasActiveMarkup(b []byte) bool {
	for i := bytes.IndexByte(b, '<'); i >= 0; {
		rest := b[i:]
		for _, m := range markupMarkers {
			if len(rest) >= len(m) && equalASCIIFold(rest[:len(m)], m) {
				return true
			}
		}
		j := bytes.IndexByte(rest[1:], '<')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// equalASCIIFold reports whether b equals the lower-case marker m when
// b's ASCII letters are lowered.
func equalASCIIFold(b, m []byte) bool {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != m[i] {
			return false
		}
	}
	return true
}

// isPolyglot reports whether an allowed binary file also carries active
// markup: anywhere in an image (compressed pixel data practically never
// spells "<script"), in the first kilobyte of a PDF (streams there may be
// compressed, and PDF text legitimately mentions markup).
func isPolyglot(kind Kind, data []byte) bool {
	switch kind {
	case KindImage:
		return hasActiveMarkup(data)
	case KindPDF:
		return hasActiveMarkup(data[:min(len(data), 1024)])
	}
	return false
}

// normaliseType lower-cases a content type and drops its parameters; it
// also folds common aliases onto their registered names.
func normaliseType(ct string) string {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		t = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	switch t {
	case "image/jpg", "image/pjpeg":
		return TypeJPEG
	case "image/x-png":
		return TypePNG
	case "image/tif", "image/x-tiff":
		return TypeTIFF
	}
	return t
}

// declaredTypeMatches reports whether the declared content type fits the
// real media type; HEIC and HEIF, and the plain-text family, are one.
func declaredTypeMatches(declared string, s sniffed) bool {
	d := normaliseType(declared)
	switch {
	case d == s.mediaType || d == s.detected:
		return true
	case (d == TypeHEIC || d == TypeHEIF) && (s.mediaType == TypeHEIC || s.mediaType == TypeHEIF):
		return true
	case s.kind == KindText && strings.HasPrefix(d, "text/"):
		return !isActiveType(d)
	}
	return false
}

func isActiveType(t string) bool {
	for _, a := range activeText {
		if t == a {
			return true
		}
	}
	return false
}

// extensionMatches reports whether the file name's extension fits the real
// type. A name without an extension does not lie, so it matches.
func extensionMatches(fileName string, s sniffed) bool {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(fileName, `\`, "/")))
	if ext == "" {
		return true
	}
	a, ok := allowed[s.mediaType]
	if !ok {
		return false
	}
	for _, e := range a.exts {
		if e == ext {
			return true
		}
	}
	return false
}

// canonicalExtension returns the usual extension of an allowed type.
func canonicalExtension(mediaType string) string {
	if a, ok := allowed[mediaType]; ok {
		return a.exts[0]
	}
	return ""
}
