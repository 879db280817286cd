package document

import (
	"mime"
	"strings"

	"patienttracker/handler/apperror"
	"patienttracker/handler/extract"
)

// DefaultMaxUploadBytes is the published size limit: the blob trigger carries the whole
// file, base64-encoded, through the Functions host, which fails past about 100 MB.
const DefaultMaxUploadBytes = 25 << 20

// Limits are the published upload limits the UI must respect (GET /api/config).
type Limits struct {
	MaxUploadBytes int64    `json:"maxUploadBytes"`
	AllowedTypes   []string `json:"allowedTypes"`
	// AllowedExtensions are file extensions that fit the allowed types, for the file
	// picker's accept attribute; the real type is decided from the bytes anyway.
	AllowedExtensions []string `json:"allowedExtensions"`
	MaxFileNameRunes  int      `json:"maxFileNameLength"`
}

// NewLimits returns the limits with the given size cap (DefaultMaxUploadBytes when 0)
// and the inspector's allow-list of types.
func NewLimits(maxBytes int64) Limits {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxUploadBytes
	}
	return Limits{MaxUploadBytes: maxBytes, AllowedTypes: extract.AllowedTypes(),
		AllowedExtensions: []string{".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff",
			".heic", ".heif", ".webp", ".gif", ".docx", ".txt"},
		MaxFileNameRunes: MaxFileNameRunes}
}

// UploadRequest is the body of POST /api/patients/{id}/documents. The patient comes
// from the path only, never from the body.
type UploadRequest struct {
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Upload is a checked upload request.
type Upload struct {
	// FileName is the sanitised display name.
	FileName string
	// ContentType is the declared type, lower case, without parameters.
	ContentType string
	Size        int64
}

// CheckUpload validates an upload request against the limits. Every fault is listed
// (field and rule code, never the value) in one validation error: a 422.
func (l Limits) CheckUpload(req UploadRequest) (Upload, error) {
	var faults []apperror.FieldError
	name, err := SanitizeFileName(req.FileName)
	if err != nil {
		faults = append(faults, apperror.FieldError{Field: "fileName", Code: err.Error()})
	}
	ct, ok := l.allowedType(req.ContentType)
	if !ok {
		faults = append(faults, apperror.FieldError{Field: "contentType",
			Code: "type_not_allowed"})
	}
	switch {
	case req.Size < 0:
		faults = append(faults, apperror.FieldError{Field: "size", Code: "invalid_size"})
	case req.Size > l.MaxUploadBytes:
		faults = append(faults, apperror.FieldError{Field: "size", Code: "too_large"})
	}
	if len(faults) > 0 {
		return Upload{}, apperror.Invalid(faults...)
	}
	return Upload{FileName: name, ContentType: ct, Size: req.Size}, nil
}

// allowedType returns the canonical form of a declared content type when it is on the
// published list. Parameters (charset=...) are dropped.
func (l Limits) allowedType(declared string) (string, bool) {
	t, _, err := mime.ParseMediaType(declared)
	if err != nil || len(declared) > 200 {
		return "", false
	}
	t = strings.ToLower(t)
	for _, a := range l.AllowedTypes {
		if t == a {
			return t, true
		}
	}
	return "", false
}
