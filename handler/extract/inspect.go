package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Options configure one Inspect call. The zero value works: default
// limits, simulated OCR, no MRN detection.
type Options struct {
	// Limits bound the work; zero fields take DefaultLimits.
	Limits Limits
	// OCR reads documents without a text layer; nil means SimulatedOCR.
	OCR OCR
	// IsMRN reports whether a token of the text is an MRN in the clinic's
	// format; nil turns MRN detection off.
	IsMRN func(token string) bool
	// PatientMRN is the MRN of the patient the document belongs to; an MRN
	// found in the text that differs from it gives WarnMRNMismatch.
	PatientMRN string
}

// Inspect examines the exact bytes of one uploaded document.
//
// It always returns a Result with Status set when the error is nil: ready,
// failed (the content cannot be read) or quarantined (it must not be
// trusted), with a Reason for the last two. It returns an error only when
// ctx is cancelled or its deadline passes (the caller should retry later);
// exhausting the document's own budget (Limits.Timeout) is a verdict,
// quarantined with ReasonLimitExceeded, not an error. A panic inside a
// parser is recovered as a corrupt verdict.
func Inspect(ctx context.Context, data []byte, declared Declared,
	opts Options) (Result, error) {
	lim := opts.Limits.withDefaults()
	sum := sha256.Sum256(data)
	res := Result{
		Status:    StatusReady,
		SizeBytes: int64(len(data)),
		SHA256:    hex.EncodeToString(sum[:]),
		Kind:      KindOther,
		Warnings:  []Warning{},
		Dates:     []FoundDate{},
		MRNs:      []string{},
		Classification: Classification{
			Category: CategoryOther, Evidence: []string{},
		},
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if !checkEnvelope(&res, data, declared, lim) {
		return res, nil
	}

	budget, cancel := context.WithTimeoutCause(ctx, lim.Timeout, errTimeBudget)
	defer cancel()
	err := inspectContent(budget, &res, data, opts, lim)
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("inspect: %w", ctx.Err())
	}
	if errors.Is(context.Cause(budget), errTimeBudget) {
		res.reject(StatusQuarantined, ReasonLimitExceeded, errTimeBudget.Error())
		return res, nil
	}
	if ce, ok := asContentError(err); ok {
		res.reject(ce.status, ce.reason, ce.detail)
		return res, nil
	}
	res.reject(StatusFailed, ReasonCorrupt, err.Error())
	return res, nil
}

// checkEnvelope applies the checks that need no parsing: empty, size,
// real type against the allow-list, polyglots, and what the declaration
// got wrong. It reports whether parsing should go on.
func checkEnvelope(res *Result, data []byte, declared Declared, lim Limits) bool {
	if len(data) == 0 {
		res.reject(StatusFailed, ReasonEmpty, "the blob has no bytes")
		return false
	}
	s := sniff(data)
	res.DetectedType, res.MediaType = s.detected, s.mediaType
	res.Kind, res.Allowed = s.kind, s.allowed
	res.Extension = canonicalExtension(s.mediaType)
	if declared.ContentType != "" && !declaredTypeMatches(declared.ContentType, s) {
		res.AddWarning(WarnDeclaredTypeMismatch)
	}
	if !extensionMatches(declared.FileName, s) {
		res.AddWarning(WarnExtensionMismatch)
	}
	switch {
	case declared.Size > 0 && int64(len(data)) > declared.Size:
		res.reject(StatusQuarantined, ReasonTooLarge,
			fmt.Sprintf("%d bytes where %d were declared", len(data), declared.Size))
	case int64(len(data)) > lim.MaxBytes:
		res.reject(StatusQuarantined, ReasonTooLarge,
			fmt.Sprintf("%d bytes exceed the %d-byte limit", len(data), lim.MaxBytes))
	case !s.allowed:
		res.reject(StatusQuarantined, ReasonTypeMismatch, "real type "+s.detected+" is not allowed")
	case isPolyglot(s.kind, data):
		res.reject(StatusQuarantined, ReasonTypeMismatch, s.mediaType+" file carries active markup")
	case declared.Size > 0 && int64(len(data)) < declared.Size:
		res.reject(StatusFailed, ReasonTruncated,
			fmt.Sprintf("%d bytes where %d were declared", len(data), declared.Size))
	default:
		return true
	}
	return false
}

// inspectContent runs the parser of the document's kind, then OCR where
// there is no text, then cleaning, classification and the text findings.
func inspectContent(ctx context.Context, res *Result, data []byte, opts Options,
	lim Limits) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errCorrupt("parser panic: %v", p)
		}
	}()
	text, source, metadata, err := parseKind(ctx, res, data, lim)
	if err != nil {
		return err
	}
	if text == "" && needsOCR(res) {
		text, source, err = runOCR(ctx, res, data, opts)
		if err != nil {
			return err
		}
	}
	clean, repaired, cut := cleanText(text, lim.MaxTextBytes)
	if repaired {
		res.AddWarning(WarnTextRepaired)
	}
	if cut {
		res.AddWarning(WarnTextTruncated)
	}
	// Dates and MRNs are substrings of the text: all must be detached.
	clean = detach(clean, text, data)
	res.Text = clean
	if clean != "" {
		res.TextSource = source
	}
	res.Classification = classify(clean, metadata...)
	res.Dates = findDates(clean)
	res.MRNs = findMRNs(clean, opts.IsMRN)
	if foreignMRN(res.MRNs, opts.PatientMRN) {
		res.AddWarning(WarnMRNMismatch)
	}
	return ctx.Err()
}

// parseKind dispatches on the document's kind and returns its own text,
// the text's source and metadata strings for classification.
func parseKind(ctx context.Context, res *Result, data []byte,
	lim Limits) (string, string, []string, error) {
	switch res.Kind {
	case KindPDF:
		info, text, err := inspectPDF(ctx, data, lim)
		res.PDF = info
		if err != nil || info == nil {
			return "", "", nil, err
		}
		if info.Encrypted {
			res.AddWarning(WarnEncrypted)
		}
		if !info.OpensWithoutPassword {
			res.AddWarning(WarnPasswordRequired)
		} else if !info.HasTextLayer {
			res.AddWarning(WarnNoTextLayer)
		}
		return text, SourceTextLayer, []string{info.Title, info.Subject}, nil
	case KindImage:
		info, err := inspectImage(ctx, data, res.MediaType, lim)
		res.Image = info
		if err == nil {
			res.AddWarning(WarnNoTextLayer)
		}
		return "", "", nil, err
	case KindDOCX:
		info, text, truncated, err := inspectDOCX(ctx, data, lim)
		res.DOCX = info
		if err == nil && info.Pages > 0 {
			res.AddWarning(WarnPageCountFromMetadata)
		}
		if truncated {
			res.AddWarning(WarnTextTruncated)
		}
		if info == nil {
			return "", "", nil, err
		}
		return text, SourceDocument, []string{info.Title, info.Subject}, err
	case KindText:
		info, text, err := inspectText(data)
		res.Plain = info
		return text, SourceDocument, nil, err
	}
	return "", "", nil, nil
}

// needsOCR reports whether the document is a picture of text: an image, or
// a PDF that opens but has no text layer.
func needsOCR(res *Result) bool {
	switch {
	case res.Image != nil:
		return true
	case res.PDF != nil:
		return res.PDF.OpensWithoutPassword && !res.PDF.HasTextLayer
	}
	return false
}

// runOCR asks the configured engine for the text of res's document. An
// engine error is a warning, not a verdict: the document stays ready
// without text.
func runOCR(ctx context.Context, res *Result, data []byte, opts Options) (string, string, error) {
	engine := opts.OCR
	if engine == nil {
		engine = SimulatedOCR{}
	}
	pages := 1
	if res.PDF != nil {
		pages = res.PDF.Pages
	} else if res.Image != nil {
		pages = res.Image.Pages
	}
	out, err := engine.Recognize(ctx, OCRInput{Data: data, MediaType: res.MediaType,
		SHA256: res.SHA256, Pages: pages})
	if err != nil {
		if ctx.Err() != nil {
			return "", "", ctx.Err()
		}
		res.AddWarning(WarnOCRFailed)
		return "", "", nil
	}
	res.OCR = &OCRInfo{Engine: out.Engine, Simulated: out.Simulated, Confidence: out.Confidence}
	if out.Simulated {
		res.AddWarning(WarnOCRSimulated)
	}
	return out.Text, SourceOCR, nil
}
