// Package jobs holds Patient Tracker's non-HTTP functions (blob trigger and timers): each
// decodes the Functions host's invocation, calls the domain and the adapters, and logs
// one outcome line without PHI.
package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/document"
	"patienttracker/handler/extract"
	"patienttracker/handler/funchost"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

// The ProcessDocument function as functions/ProcessDocument/function.json declares it.
const (
	ProcessDocumentName    = "ProcessDocument"
	ProcessDocumentBinding = "document"
	ProcessDocumentPath    = "documents/{patientId}/{documentId}"
)

// DefaultTextBytes is the most extracted text a document keeps (about 500 pages) when
// Limits.MaxTextBytes is not set: more is cut with the text_truncated warning. It
// bounds the row, the API's answer and the database write.
const DefaultTextBytes = 1 << 20

// DefaultMaxAttempts is the host's extensions.blobs.poisonBlobThreshold (host.json).
const DefaultMaxAttempts = 5

// DocumentProcessor answers ProcessDocument: it checks and inspects an uploaded blob
// and records the outcome. Processing the same blob twice changes nothing.
type DocumentProcessor struct {
	DB    *postgres.DB
	Store *blobstore.Store
	// Limits bound the inspection; MaxBytes should be the published upload limit and
	// MaxTextBytes defaults to DefaultTextBytes.
	Limits extract.Limits
	// OCR reads documents without a text layer (nil: the simulated engine).
	OCR extract.OCR
	// MalwareScanning makes processing wait for, and obey, Defender for Storage's
	// verdict on the blob (the storage account must have malware scanning on).
	MalwareScanning bool
	// MaxAttempts is when a transient failure is final: the document is marked failed
	// (processing_error) before the host poisons the blob. 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// errScanPending is the transient fault of a blob Defender has not judged yet.
var errScanPending = errors.New("malware scan result not yet available")

// Handle processes one invocation. Content faults end 200 with the document failed or
// quarantined; a database or storage fault returns a funchost.Retryable error (500),
// so the host tries again and, after its threshold, poisons the blob.
func (p *DocumentProcessor) Handle(ctx context.Context, inv *funchost.Invocation) (
	funchost.Result, error) {
	var res funchost.Result
	start := time.Now()
	b, err := inv.DecodeBlob(ProcessDocumentBinding, ProcessDocumentPath)
	if err != nil {
		return res, fmt.Errorf("process document: %w", err)
	}
	name := b.Params["patientId"] + "/" + b.Params["documentId"]
	patientID, err1 := uuid.Parse(b.Params["patientId"])
	documentID, err2 := uuid.Parse(b.Params["documentId"])
	log := zerolog.Ctx(ctx).With().Str("document_id", b.Params["documentId"]).Logger()
	ctx = log.WithContext(ctx)
	actor := audit.System(ProcessDocumentName, inv.ID)

	var st *postgres.ProcessingStart
	if err1 == nil && err2 == nil {
		st, err = p.DB.StartProcessing(ctx, actor, documentID, patientID)
	} else {
		err = apperror.NotFound()
	}
	switch {
	case apperror.IsKind(err, apperror.KindNotFound):
		return p.quarantineUnknown(ctx, actor, name, b.Content)
	case err != nil:
		return res, funchost.Retryable(fmt.Errorf("start processing: %w", err))
	case !st.Started:
		return p.redelivered(ctx, actor, st.Document, name, b.Content)
	}

	d, err := p.process(ctx, actor, st, name, b.Content)
	if err != nil {
		return res, funchost.Retryable(p.giveUp(ctx, actor, st, err))
	}
	log.Info().Str("status", string(d.Status)).Str("reason", d.Reason).
		Int("size", len(b.Content)).Int("attempt", st.Attempt).
		Int64("duration_ms", time.Since(start).Milliseconds()).Msg("document processed")
	res.Log("document %s %s %s", d.ID, d.Status, d.Reason)
	return res, nil
}

// process decides the outcome, applies its storage side and stores it.
func (p *DocumentProcessor) process(ctx context.Context, actor audit.Actor,
	st *postgres.ProcessingStart, name string, content []byte) (*document.Document, error) {
	out, err := p.decide(ctx, st, name, content)
	if err != nil {
		return nil, err
	}
	// A ready document is served with its sniffed type: set it before the row says
	// ready. A quarantined blob is moved after the row says so: the row is what keeps
	// it from being served, and a retry finishes the move.
	if out.Status == document.StatusReady {
		err := p.Store.SetServingHeaders(ctx, name, out.Result.MediaType)
		if apperror.IsKind(err, apperror.KindNotFound) {
			out.Status, out.Reason = document.StatusFailed, document.ReasonBlobMissing
		} else if err != nil {
			return nil, err
		}
	}
	d, _, err := p.DB.FinishProcessing(ctx, actor, st.Document.ID, out)
	if err != nil {
		return nil, fmt.Errorf("finish processing: %w", err)
	}
	if d.Status == document.StatusQuarantined {
		if err := p.Store.Quarantine(ctx, name, content, d.Reason); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// decide checks the real size against the declared one and the malware verdict, then
// has the bytes inspected. Its error is always transient.
func (p *DocumentProcessor) decide(ctx context.Context, st *postgres.ProcessingStart,
	name string, content []byte) (document.Outcome, error) {
	d := st.Document
	// The inspector treats a declared size of 0 as unknown; here it means empty.
	if d.DeclaredSize == 0 && len(content) > 0 {
		return reject(content, document.StatusQuarantined, string(extract.ReasonTooLarge),
			"bytes where 0 were declared"), nil
	}
	var warnings []string
	if p.MalwareScanning {
		verdict, err := p.Store.ScanResult(ctx, name)
		switch {
		case err != nil:
			return document.Outcome{}, err
		case verdict == "":
			return document.Outcome{}, errScanPending
		case verdict == blobstore.ScanMalicious:
			return reject(content, document.StatusQuarantined, document.ReasonMalware,
				"the malware scan found the blob malicious"), nil
		case verdict != blobstore.ScanClean:
			warnings = append(warnings, document.WarnMalwareNotScanned)
		}
	}
	lim := p.Limits
	if lim.MaxTextBytes == 0 {
		lim.MaxTextBytes = DefaultTextBytes
	}
	opts := extract.Options{Limits: lim, OCR: p.OCR, PatientMRN: st.PatientMRN,
		IsMRN: func(s string) bool { _, ok := patient.ParseMRN(s); return ok }}
	r, err := extract.Inspect(ctx, content, extract.Declared{FileName: d.FileName,
		ContentType: d.DeclaredType, Size: d.DeclaredSize}, opts)
	if err != nil {
		return document.Outcome{}, fmt.Errorf("inspect: %w", err)
	}
	return document.Outcome{Status: document.Status(r.Status), Reason: string(r.Reason),
		Detail: r.Detail, Result: &r, Warnings: warnings}, nil
}

// reject is an outcome decided before inspection: only the size and hash are known.
func reject(content []byte, status document.Status, reason, detail string) document.Outcome {
	sum := sha256.Sum256(content)
	r := &extract.Result{SizeBytes: int64(len(content)), SHA256: hex.EncodeToString(sum[:]),
		Warnings: []extract.Warning{}, Dates: []extract.FoundDate{}, MRNs: []string{}}
	return document.Outcome{Status: status, Reason: reason, Detail: detail, Result: r}
}

// giveUp marks the document failed (processing_error) once the host's tries are used
// up, so it does not stay "processing" after the blob is poisoned, and raises the
// alert: an error line operators alert on. It returns err for the host either way.
func (p *DocumentProcessor) giveUp(ctx context.Context, actor audit.Actor,
	st *postgres.ProcessingStart, err error) error {
	log := zerolog.Ctx(ctx)
	maxAttempts := p.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	if st.Attempt < maxAttempts {
		return err
	}
	out := document.Outcome{Status: document.StatusFailed,
		Reason: document.ReasonProcessingError, Detail: "transient faults on every try"}
	if _, _, ferr := p.DB.FinishProcessing(ctx, actor, st.Document.ID, out); ferr != nil {
		log.Error().Err(ferr).Msg("document could not be marked failed")
	}
	log.Error().Err(err).Int("attempt", st.Attempt).Str("alert", "document_poisoned").
		Msg("document processing gave up; the host poisons the blob")
	return err
}

// quarantineUnknown moves a blob that no upload request of its patient matches out of
// the documents container and audits it; no retry can make it known.
func (p *DocumentProcessor) quarantineUnknown(ctx context.Context, actor audit.Actor,
	name string, content []byte) (funchost.Result, error) {
	var res funchost.Result
	if err := p.Store.Quarantine(ctx, name, content, document.ReasonUnknownBlob); err != nil {
		return res, funchost.Retryable(fmt.Errorf("quarantine unknown blob: %w", err))
	}
	e := actor.Event("document.unknown_blob", "blob", name, nil, audit.Denied)
	e.Reason = document.ReasonUnknownBlob
	if err := p.DB.Audit(ctx, e); err != nil {
		return res, funchost.Retryable(fmt.Errorf("audit unknown blob: %w", err))
	}
	zerolog.Ctx(ctx).Warn().Str("reason", document.ReasonUnknownBlob).
		Msg("blob quarantined: no upload request matches it")
	res.Log("blob quarantined: %s", document.ReasonUnknownBlob)
	return res, nil
}

// redelivered answers a blob whose document is already final. Same bytes: nothing
// changes (a quarantine move left unfinished is finished). Other bytes: the blob was
// written again after processing, so the document is quarantined.
func (p *DocumentProcessor) redelivered(ctx context.Context, actor audit.Actor,
	d *document.Document, name string, content []byte) (funchost.Result, error) {
	var res funchost.Result
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	if d.SHA256 != "" && d.SHA256 != hash && d.Status != document.StatusQuarantined {
		if _, err := p.DB.QuarantineReplaced(ctx, actor, d.ID, hash); err != nil {
			return res, funchost.Retryable(fmt.Errorf("quarantine replaced: %w", err))
		}
		d.Status = document.StatusQuarantined
		zerolog.Ctx(ctx).Warn().Str("reason", document.ReasonReplaced).
			Msg("processed document's blob was replaced; quarantined")
	}
	if d.Status == document.StatusQuarantined {
		if err := p.Store.Quarantine(ctx, name, content, "quarantined"); err != nil {
			return res, funchost.Retryable(fmt.Errorf("quarantine blob: %w", err))
		}
	}
	res.Log("document %s already %s", d.ID, d.Status)
	return res, nil
}
