// Package document holds the documents staff attach to a patient: their life cycle
// (pending_upload, processing, then ready, failed or quarantined), the published upload
// limits and allowed types, the checks an upload request must pass, file-name
// sanitising and the Content-Disposition a download is served with. It knows nothing
// of PostgreSQL, Blob Storage or HTTP.
package document

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/extract"
)

// Status is where a document is in its life cycle.
type Status string

// The statuses. Only ready documents are ever served; failed and quarantined are final.
const (
	// StatusPendingUpload: the upload was requested and its SAS handed out; no bytes yet.
	StatusPendingUpload Status = "pending_upload"
	// StatusProcessing: the blob arrived and is being (or will again be) processed.
	StatusProcessing Status = "processing"
	// StatusReady: the content was read and may be served.
	StatusReady Status = "ready"
	// StatusFailed: the content cannot be read (empty, corrupt, truncated).
	StatusFailed Status = "failed"
	// StatusQuarantined: the content must not be trusted (unknown or mismatched blob,
	// larger than declared, a real type that is not allowed, malware).
	StatusQuarantined Status = "quarantined"
)

// Final reports whether s is an outcome of processing: nothing moves a document out of it.
func (s Status) Final() bool {
	return s == StatusReady || s == StatusFailed || s == StatusQuarantined
}

// CanBecome reports whether the state machine allows s to move to next. Processing may
// be entered again (a retried invocation); final statuses never change through
// processing. The one exception is not a transition of this machine: a document whose
// blob is overwritten after processing is quarantined (ReasonReplaced).
func (s Status) CanBecome(next Status) bool {
	switch s {
	case StatusPendingUpload:
		return next == StatusProcessing || next.Final()
	case StatusProcessing:
		return next == StatusProcessing || next.Final()
	}
	return false
}

// Reasons only this service (not the content inspector) gives for an outcome. The
// inspector's reasons are extract.Reason values and are stored the same way.
const (
	// ReasonMalware: the storage account's malware scan found the blob malicious.
	ReasonMalware = "malware"
	// ReasonUnknownBlob: no upload request matches the blob (no row, or another patient).
	ReasonUnknownBlob = "unknown_blob"
	// ReasonReplaced: the blob of a processed document was written again (the upload
	// SAS allows overwriting until it expires); the new bytes were never checked.
	ReasonReplaced = "blob_replaced"
	// ReasonBlobMissing: the blob was deleted before it could be served.
	ReasonBlobMissing = "blob_missing"
	// ReasonProcessingError: processing kept failing for a reason outside the content
	// until the host's retries ran out.
	ReasonProcessingError = "processing_error"
)

// Warnings only this service adds (the inspector's are extract.Warning values).
const (
	// WarnMalwareNotScanned: scanning is on but the scan gave no clean verdict
	// (for example "Error" or a size the scanner skips).
	WarnMalwareNotScanned = "malware_not_scanned"
)

// Document is a document as stored. Text, metadata and findings hold PHI: never log them.
type Document struct {
	ID        uuid.UUID `json:"id"`
	PatientID uuid.UUID `json:"patientId"`
	// FileName is the sanitised display name; the blob is never named after it.
	FileName     string `json:"fileName"`
	DeclaredType string `json:"contentType"`
	DeclaredSize int64  `json:"declaredSize"`
	Status       Status `json:"status"`
	// Reason says why a document is failed or quarantined.
	Reason string `json:"reason,omitempty"`

	// The facts below are known once the blob has been processed.
	SizeBytes    *int64   `json:"sizeBytes"`
	SHA256       string   `json:"sha256,omitempty"`
	MediaType    string   `json:"mediaType,omitempty"`
	DetectedType string   `json:"detectedType,omitempty"`
	Kind         string   `json:"kind,omitempty"`
	Warnings     []string `json:"warnings"`
	// DuplicateOf is the earlier document of the same patient with the same bytes.
	DuplicateOf *uuid.UUID `json:"duplicateOf"`

	// Metadata holds the kind's facts (pdf, image, docx, plainText, ocr) as JSON.
	Metadata       json.RawMessage         `json:"metadata,omitempty"`
	Text           string                  `json:"text,omitempty"`
	TextSource     string                  `json:"textSource,omitempty"`
	Classification *extract.Classification `json:"classification"`
	Dates          []extract.FoundDate     `json:"dates"`
	MRNs           []string                `json:"mrns"`

	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"createdAt"`
	CreatedBy     *uuid.UUID `json:"createdBy"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	ProcessedAt   *time.Time `json:"processedAt"`
	ArchivedAt    *time.Time `json:"archivedAt"`
	ArchiveReason string     `json:"archiveReason,omitempty"`
}

// Summary is a document in a list: no text and no metadata.
type Summary struct {
	ID           uuid.UUID  `json:"id"`
	PatientID    uuid.UUID  `json:"patientId"`
	FileName     string     `json:"fileName"`
	DeclaredType string     `json:"contentType"`
	MediaType    string     `json:"mediaType,omitempty"`
	SizeBytes    *int64     `json:"sizeBytes"`
	DeclaredSize int64      `json:"declaredSize"`
	Status       Status     `json:"status"`
	Reason       string     `json:"reason,omitempty"`
	Category     string     `json:"category,omitempty"`
	Warnings     []string   `json:"warnings"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"createdAt"`
	ProcessedAt  *time.Time `json:"processedAt"`
	ArchivedAt   *time.Time `json:"archivedAt"`
}

// Summarise returns the list view of d.
func (d *Document) Summarise() Summary {
	s := Summary{ID: d.ID, PatientID: d.PatientID, FileName: d.FileName,
		DeclaredType: d.DeclaredType, MediaType: d.MediaType, SizeBytes: d.SizeBytes,
		DeclaredSize: d.DeclaredSize, Status: d.Status, Reason: d.Reason,
		Warnings: d.Warnings, Version: d.Version, CreatedAt: d.CreatedAt,
		ProcessedAt: d.ProcessedAt, ArchivedAt: d.ArchivedAt}
	if d.Classification != nil {
		s.Category = d.Classification.Category
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	return s
}

// Outcome is what processing decided about a document, ready to be stored.
type Outcome struct {
	Status Status
	Reason string
	// Detail is a short technical note without PHI, for operators.
	Detail      string
	Result      *extract.Result // nil when the content was never inspected
	DuplicateOf *uuid.UUID
	Warnings    []string
}

// Container is the blob container that holds uploaded documents.
const Container = "documents"

// QuarantineContainer holds blobs that must never be served.
const QuarantineContainer = "quarantine"

// BlobName is the server-chosen name of a document's blob inside Container: the
// user's file name never appears in it.
func BlobName(patientID, documentID uuid.UUID) string {
	return patientID.String() + "/" + documentID.String()
}
