// Package extract inspects the bytes of an uploaded document: it sniffs the
// real type, hashes the content, reads the metadata and text of each allowed
// kind (PDF, images, DOCX, plain text), runs a replaceable OCR step where a
// document has no text, classifies the document and finds the dates and MRNs
// in its text.
//
// It is a pure library: no database, no storage, no HTTP, no cgo. Every
// parser it runs is bounded in time, memory and object count (see Limits),
// so a hostile file ends as a quarantined result, never a hung or crashed
// process.
package extract

import (
	"slices"
	"time"
)

// Status is the processing outcome of a document.
type Status string

// The three outcomes. Failed and quarantined documents are never served.
const (
	// StatusReady means the content was read and may be served.
	StatusReady Status = "ready"
	// StatusFailed means the content cannot be read (empty, corrupt,
	// truncated); retrying will not help.
	StatusFailed Status = "failed"
	// StatusQuarantined means the content must not be trusted.
	StatusQuarantined Status = "quarantined"
)

// Reason is a stable code that says why a document is failed or quarantined.
type Reason string

// Reason codes. They are stored and shown, so they never change meaning.
const (
	// ReasonEmpty: the blob has no bytes (failed).
	ReasonEmpty Reason = "empty"
	// ReasonCorrupt: the bytes claim a format but cannot be parsed (failed).
	ReasonCorrupt Reason = "corrupt"
	// ReasonTruncated: the content (or the upload) ends early (failed).
	ReasonTruncated Reason = "truncated"
	// ReasonUnreadable: a valid file that this service cannot read, such as
	// an unsupported compression variant (failed).
	ReasonUnreadable Reason = "unreadable"
	// ReasonTypeMismatch: the real type is not on the allow-list, is active
	// content (executable, HTML, SVG, script) or is a polyglot (quarantined).
	ReasonTypeMismatch Reason = "type_mismatch"
	// ReasonTooLarge: the blob is larger than declared or than the published
	// limit (quarantined).
	ReasonTooLarge Reason = "too_large"
	// ReasonLimitExceeded: parsing hit a safety limit (pages, objects,
	// inflated bytes, pixels, nesting, time): a bomb or hostile file
	// (quarantined).
	ReasonLimitExceeded Reason = "limit_exceeded"
)

// Warning is a stable code for something worth showing on a ready (or
// rejected) document.
type Warning string

// Warning codes.
const (
	// WarnExtensionMismatch: the file name's extension does not fit the
	// real type.
	WarnExtensionMismatch Warning = "extension_mismatch"
	// WarnDeclaredTypeMismatch: the declared content type is not the real one.
	WarnDeclaredTypeMismatch Warning = "declared_type_mismatch"
	// WarnEncrypted: the PDF is encrypted (it may still open without a
	// password).
	WarnEncrypted Warning = "encrypted"
	// WarnPasswordRequired: the PDF cannot be opened without a password, so
	// its text could not be read.
	WarnPasswordRequired Warning = "password_required"
	// WarnNoTextLayer: the document has no text of its own; any text comes
	// from OCR.
	WarnNoTextLayer Warning = "no_text_layer"
	// WarnOCRSimulated: the text comes from the simulated OCR engine.
	WarnOCRSimulated Warning = "ocr_simulated"
	// WarnOCRFailed: the OCR engine returned an error; the document has no
	// text.
	WarnOCRFailed Warning = "ocr_failed"
	// WarnMRNMismatch: the text holds an MRN that is not the patient's.
	WarnMRNMismatch Warning = "mrn_mismatch"
	// WarnDuplicate: the same bytes were already uploaded for the patient.
	// Inspect never sets it; the caller adds it with AddWarning.
	WarnDuplicate Warning = "duplicate"
	// WarnTextTruncated: the extracted text was cut at Limits.MaxTextBytes.
	WarnTextTruncated Warning = "text_truncated"
	// WarnTextRepaired: invalid bytes, NULs or control characters were
	// removed from the extracted text.
	WarnTextRepaired Warning = "text_repaired"
	// WarnPageCountFromMetadata: the page count is what the file's metadata
	// says (DOCX docProps/app.xml), not a rendering.
	WarnPageCountFromMetadata Warning = "page_count_from_metadata"
)

// Kind is the family of an allowed document.
type Kind string

// Kinds.
const (
	KindPDF   Kind = "pdf"
	KindImage Kind = "image"
	KindDOCX  Kind = "docx"
	KindText  Kind = "text"
	KindOther Kind = "other"
)

// Text sources: where Result.Text came from.
const (
	SourceTextLayer = "text_layer" // PDF text operators
	SourceDocument  = "document"   // DOCX body, plain text file
	SourceOCR       = "ocr"        // an OCR engine
)

// Declared is what the uploader said about the file when it asked to upload.
type Declared struct {
	// FileName is the original file name (only its extension is used).
	FileName string
	// ContentType is the declared media type; parameters are ignored.
	ContentType string
	// Size is the declared size in bytes; 0 or less means unknown.
	Size int64
}

// Result is everything Inspect learned about a document. It holds PHI (the
// text, the metadata): never log it.
type Result struct {
	Status Status `json:"status"`
	Reason Reason `json:"reason,omitempty"`
	// Detail is a short technical explanation without PHI, for operators.
	Detail string `json:"detail,omitempty"`

	// MediaType is the real type the document is accepted as (for example
	// "image/png"), to be used as the stored blob's Content-Type. Empty for
	// an empty blob.
	MediaType string `json:"mediaType"`
	// DetectedType is the sniffer's own answer, which may be more specific
	// than MediaType (for example "text/csv" accepted as "text/plain").
	DetectedType string `json:"detectedType"`
	// Extension is the canonical file extension of MediaType (".png").
	Extension string `json:"extension,omitempty"`
	Kind      Kind   `json:"kind"`
	// Allowed reports whether the real type is on the published allow-list.
	Allowed   bool   `json:"allowed"`
	SizeBytes int64  `json:"sizeBytes"`
	SHA256    string `json:"sha256"`

	Warnings []Warning `json:"warnings"`

	PDF   *PDFInfo   `json:"pdf,omitempty"`
	Image *ImageInfo `json:"image,omitempty"`
	DOCX  *DOCXInfo  `json:"docx,omitempty"`
	Plain *TextInfo  `json:"plainText,omitempty"`

	// Text is the document's text as clean UTF-8 without NUL or other
	// control bytes (newline and tab kept), at most Limits.MaxTextBytes.
	Text string `json:"text"`
	// TextSource is one of SourceTextLayer, SourceDocument, SourceOCR, or
	// empty when there is no text.
	TextSource string   `json:"textSource,omitempty"`
	OCR        *OCRInfo `json:"ocr,omitempty"`

	Classification Classification `json:"classification"`
	Dates          []FoundDate    `json:"dates"`
	// MRNs are the MRN-like tokens of the text (as Options.IsMRN accepts
	// them), each once, in order of appearance.
	MRNs []string `json:"mrns"`
}

// PDFInfo holds the facts of a PDF.
type PDFInfo struct {
	Version   string `json:"version,omitempty"`
	Pages     int    `json:"pages"`
	Encrypted bool   `json:"encrypted"`
	// OpensWithoutPassword is true when the document is not encrypted or
	// opens with the empty user password.
	OpensWithoutPassword bool       `json:"opensWithoutPassword"`
	HasTextLayer         bool       `json:"hasTextLayer"`
	Title                string     `json:"title,omitempty"`
	Author               string     `json:"author,omitempty"`
	Subject              string     `json:"subject,omitempty"`
	Creator              string     `json:"creator,omitempty"`
	Producer             string     `json:"producer,omitempty"`
	Created              *time.Time `json:"created,omitempty"`
	Modified             *time.Time `json:"modified,omitempty"`
	// FormFields are the AcroForm fields with their values, when any.
	FormFields []FormField `json:"formFields,omitempty"`
}

// FormField is one AcroForm field.
type FormField struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// ImageInfo holds the facts of an image.
type ImageInfo struct {
	Width  int `json:"width"`
	Height int `json:"height"`
	// Pages is the number of frames or pages (TIFF IFDs, GIF frames); 1 for
	// single images.
	Pages int `json:"pages"`
	// Orientation is the EXIF orientation (1..8), 0 when there is none.
	Orientation   int `json:"orientation,omitempty"`
	UprightWidth  int `json:"uprightWidth"`
	UprightHeight int `json:"uprightHeight"`
	// CapturedAt is the EXIF DateTimeOriginal (or DateTime), as written by
	// the camera; EXIF carries no zone, so it is returned as UTC wall time.
	CapturedAt *time.Time `json:"capturedAt,omitempty"`
}

// DOCXInfo holds the facts of a Word document.
type DOCXInfo struct {
	Title          string     `json:"title,omitempty"`
	Subject        string     `json:"subject,omitempty"`
	Creator        string     `json:"creator,omitempty"`
	LastModifiedBy string     `json:"lastModifiedBy,omitempty"`
	Created        *time.Time `json:"created,omitempty"`
	Modified       *time.Time `json:"modified,omitempty"`
	// Pages is docProps/app.xml's stored page count (0 when absent); it is
	// what the last editor saved, not a rendering.
	Pages int `json:"pages,omitempty"`
	// Paragraphs counts the body's paragraphs; when the text was cut
	// (WarnTextTruncated), the body is read only as far as the cut and
	// this counts the paragraphs up to there.
	Paragraphs int `json:"paragraphs"`
}

// TextInfo holds the facts of a plain-text file.
type TextInfo struct {
	// Encoding is the detected encoding: "UTF-8", "UTF-16LE", "UTF-16BE",
	// "windows-1252" or "ISO-8859-1".
	Encoding string `json:"encoding"`
	HasBOM   bool   `json:"hasBOM"`
	NULBytes int    `json:"nulBytes"`
	Lines    int    `json:"lines"`
}

// OCRInfo says how the text of a document without a text layer was made.
type OCRInfo struct {
	Engine string `json:"engine"`
	// Simulated is true when no real recognition took place.
	Simulated  bool    `json:"simulated"`
	Confidence float64 `json:"confidence"`
}

// AddWarning adds w to r's warnings once, keeping them sorted, and reports
// whether it was new. The caller uses it for warnings only it can know, such
// as WarnDuplicate.
func (r *Result) AddWarning(w Warning) bool {
	if slices.Contains(r.Warnings, w) {
		return false
	}
	r.Warnings = append(r.Warnings, w)
	slices.Sort(r.Warnings)
	return true
}

// HasWarning reports whether r carries w.
func (r *Result) HasWarning(w Warning) bool {
	return slices.Contains(r.Warnings, w)
}

func (r *Result) reject(s Status, reason Reason, detail string) {
	r.Status, r.Reason, r.Detail = s, reason, detail
}
