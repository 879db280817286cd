package extract

import (
	"errors"
	"fmt"
	"time"
)

// Limits bound the work Inspect may do on one document. A zero field takes
// its value from DefaultLimits.
type Limits struct {
	// Timeout is the processing budget of one document.
	Timeout time.Duration
	// MaxBytes is the largest document accepted at all.
	MaxBytes int64
	// MaxPDFPages and MaxPDFObjects bound a PDF's page tree and object table.
	MaxPDFPages   int
	MaxPDFObjects int
	// MaxInflatedBytes bounds the total bytes decompressed from the streams
	// a PDF parser reads, and from a DOCX's parts.
	MaxInflatedBytes int64
	// MaxNesting bounds the nesting of arrays and dictionaries (PDF) or
	// elements (XML).
	MaxNesting int
	// MaxPixels bounds width × height of one image or page; beyond it the
	// image is a decompression bomb.
	MaxPixels int64
	// MaxDecodePixels bounds the JPEG, GIF and WebP images that are fully
	// decoded to find damage inside their compressed data; larger ones get
	// the structural checks only (markers, chunk sizes). PNG is never
	// decoded: its chunk CRCs already cover every byte.
	MaxDecodePixels int64
	// MaxImageFrames bounds TIFF pages and GIF frames.
	MaxImageFrames int
	// MaxZipEntries bounds the entries of a DOCX archive.
	MaxZipEntries int
	// MaxTextBytes caps the stored text; longer text is cut (with a warning).
	MaxTextBytes int
}

// DefaultLimits returns the limits used for zero fields: sized for a small
// clinic's scans, letters and phone photos on a 2-core function instance.
func DefaultLimits() Limits {
	return Limits{
		Timeout:          20 * time.Second,
		MaxBytes:         100 << 20,
		MaxPDFPages:      2000,
		MaxPDFObjects:    500_000,
		MaxInflatedBytes: 256 << 20,
		MaxNesting:       64,
		MaxPixels:        200_000_000,
		MaxDecodePixels:  500_000,
		MaxImageFrames:   1000,
		MaxZipEntries:    2000,
		MaxTextBytes:     4 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPDFPages <= 0 {
		l.MaxPDFPages = d.MaxPDFPages
	}
	if l.MaxPDFObjects <= 0 {
		l.MaxPDFObjects = d.MaxPDFObjects
	}
	if l.MaxInflatedBytes <= 0 {
		l.MaxInflatedBytes = d.MaxInflatedBytes
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = d.MaxNesting
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxDecodePixels <= 0 {
		l.MaxDecodePixels = d.MaxDecodePixels
	}
	if l.MaxImageFrames <= 0 {
		l.MaxImageFrames = d.MaxImageFrames
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	return l
}

// contentError is a verdict on the content, raised by a parser: the
// document ends failed or quarantined with the reason, and Inspect returns no
// error.
type contentError struct {
	status Status
	reason Reason
	detail string
}

func (e *contentError) Error() string {
	return string(e.status) + " " + string(e.reason) + ": " + e.detail
}

func failed(reason Reason, format string, args ...any) error {
	return &contentError{StatusFailed, reason, fmt.Sprintf(format, args...)}
}

func errCorrupt(format string, args ...any) error {
	return failed(ReasonCorrupt, format, args...)
}

func errTruncated(format string, args ...any) error {
	return failed(ReasonTruncated, format, args...)
}

func errLimit(format string, args ...any) error {
	return &contentError{StatusQuarantined, ReasonLimitExceeded, fmt.Sprintf(format, args...)}
}

// errTimeBudget is the cause of the per-document deadline Inspect sets, so
// it can tell its own budget (a verdict on the file) from the caller's
// cancellation (a transient fault).
var errTimeBudget = errors.New("processing time budget exhausted")

// asContentError finds the content verdict in err, if any.
func asContentError(err error) (*contentError, bool) {
	var ce *contentError
	ok := errors.As(err, &ce)
	return ce, ok
}
