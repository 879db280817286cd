package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/document"
	"patienttracker/handler/patient"
	"patienttracker/handler/staff"
)

// DocumentSigner mints the short-lived SAS URLs the documents routes hand out
// (*blobstore.Store in production).
type DocumentSigner interface {
	UploadURL(ctx context.Context, name string, ttl time.Duration) (blobstore.SignedURL, error)
	DownloadURL(ctx context.Context, name string, ttl time.Duration, contentDisposition,
		contentType string) (blobstore.SignedURL, error)
}

// DocumentsConfig configures the documents routes.
type DocumentsConfig struct {
	Signer DocumentSigner
	Limits document.Limits
	// UploadURLTTL and DownloadURLTTL are the SAS lifetimes (10 minutes and 90 seconds
	// when zero).
	UploadURLTTL   time.Duration
	DownloadURLTTL time.Duration
	// UploadsPerMinute bounds one staff member's upload requests on one instance (429).
	UploadsPerMinute int
	// DailyUploadQuota bounds one staff member's upload requests in 24 hours (422
	// quota_exceeded); 0 means no quota.
	DailyUploadQuota int
}

// documentDeps holds what the documents routes need.
type documentDeps struct {
	cfg DocumentsConfig
}

// WithDocuments turns on the documents routes' storage side: without it they answer 503.
func WithDocuments(cfg DocumentsConfig) Option {
	return func(s *Server) {
		if cfg.UploadURLTTL <= 0 {
			cfg.UploadURLTTL = 10 * time.Minute
		}
		if cfg.DownloadURLTTL <= 0 {
			cfg.DownloadURLTTL = 90 * time.Second
		}
		if cfg.Limits.MaxUploadBytes == 0 {
			cfg.Limits = document.NewLimits(0)
		}
		s.documents = documentDeps{cfg: cfg}
		s.limits.perMin["upload"] = cfg.UploadsPerMinute
	}
}

// documentRoutes lists the documents routes and GET /api/config.
func (s *Server) documentRoutes() []route {
	return []route{
		{http.MethodGet, "/api/config", staff.ReadSelf, "", "", s.handleConfig},
		{http.MethodPost, "/api/patients/{id}/documents", staff.UploadDocuments, "upload",
			"patient", s.handleCreateDocument},
		{http.MethodGet, "/api/patients/{id}/documents", staff.ReadDocuments, "read",
			"patient", s.handleListDocuments},
		{http.MethodPost, "/api/documents/search", staff.ReadDocuments, "search", "",
			s.handleSearchDocuments},
		{http.MethodGet, "/api/documents/{id}", staff.ReadDocuments, "read", "document",
			s.handleGetDocument},
		{http.MethodDelete, "/api/documents/{id}", staff.ArchivePatients, "", "document",
			s.handleArchiveDocument},
		{http.MethodGet, "/api/documents/{id}/content", staff.ReadDocuments, "read",
			"document", s.handleDocumentContent},
	}
}

// configResponse is what the UI must respect when it offers an upload.
type configResponse struct {
	document.Limits
	UploadURLLifetimeSeconds   int               `json:"uploadUrlLifetimeSeconds"`
	DownloadURLLifetimeSeconds int               `json:"downloadUrlLifetimeSeconds"`
	DailyUploadQuota           int               `json:"dailyUploadQuota"`
	UploadHeaders              map[string]string `json:"uploadHeaders"`
}

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request, _ *caller) error {
	cfg := s.documentsConfig()
	writeJSON(w, http.StatusOK, configResponse{Limits: cfg.Limits,
		UploadURLLifetimeSeconds:   int(cfg.UploadURLTTL / time.Second),
		DownloadURLLifetimeSeconds: int(cfg.DownloadURLTTL / time.Second),
		DailyUploadQuota:           cfg.DailyUploadQuota,
		UploadHeaders:              map[string]string{"x-ms-blob-type": "BlockBlob"}})
	return nil
}

// documentsConfig returns the configuration, with defaults when WithDocuments was not
// given (the routes then answer 503 where they need storage).
func (s *Server) documentsConfig() DocumentsConfig {
	cfg := s.documents.cfg
	if cfg.Limits.MaxUploadBytes == 0 {
		cfg.Limits = document.NewLimits(0)
		cfg.UploadURLTTL, cfg.DownloadURLTTL = 10*time.Minute, 90*time.Second
	}
	return cfg
}

func (s *Server) signer() (DocumentSigner, error) {
	if s.documents.cfg.Signer == nil {
		return nil, apperror.Unavailable(errNoDocumentStorage)
	}
	return s.documents.cfg.Signer, nil
}

type documentError string

func (e documentError) Error() string { return string(e) }

const errNoDocumentStorage = documentError("document storage is not configured")

// uploadResponse answers an upload request: where and how to PUT the bytes, and until
// when the URL works.
type uploadResponse struct {
	DocumentID    uuid.UUID          `json:"documentId"`
	Document      *document.Document `json:"document"`
	UploadURL     string             `json:"uploadUrl"`
	UploadMethod  string             `json:"uploadMethod"`
	UploadHeaders map[string]string  `json:"uploadHeaders"`
	ExpiresAt     time.Time          `json:"expiresAt"`
}

func (s *Server) handleCreateDocument(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req document.UploadRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	cfg := s.documentsConfig()
	up, err := cfg.Limits.CheckUpload(req)
	if err != nil {
		return err
	}
	p, err := s.uploadTarget(r, c)
	if err != nil {
		return err
	}
	if err := s.checkQuota(r, c, p, cfg.DailyUploadQuota); err != nil {
		return err
	}
	signer, err := s.signer()
	if err != nil {
		return err
	}

	// The SAS is minted before the row exists: a failure after it leaves a blob that no
	// row matches, which processing quarantines, never a row without its audit.
	d := &document.Document{ID: uuid.New(), PatientID: p, FileName: up.FileName,
		DeclaredType: up.ContentType, DeclaredSize: up.Size}
	sas, err := signer.UploadURL(r.Context(), document.BlobName(p, d.ID), cfg.UploadURLTTL)
	if err != nil {
		return err
	}
	if err := s.db.CreateDocument(r.Context(), c.actor, d, sas.ExpiresAt); err != nil {
		return s.auditRefusal(r, c, "document.upload_request", "patient", p.String(), &p, err)
	}
	w.Header().Set("Location", "/api/documents/"+d.ID.String())
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusCreated, uploadResponse{DocumentID: d.ID, Document: d,
		UploadURL: sas.URL, UploadMethod: http.MethodPut, ExpiresAt: sas.ExpiresAt,
		UploadHeaders: map[string]string{"x-ms-blob-type": "BlockBlob",
			"Content-Type": d.DeclaredType}})
	return nil
}

// uploadTarget resolves the patient in the path: 404 (audited) when there is none.
func (s *Server) uploadTarget(r *http.Request, c *caller) (uuid.UUID, error) {
	raw := r.PathValue("id")
	id, err := uuid.Parse(raw)
	if err == nil {
		_, err = s.db.FindPatient(r.Context(), id)
	} else {
		err = apperror.NotFound()
	}
	if err != nil {
		return uuid.Nil, s.auditRefusal(r, c, "document.upload_request", "patient", raw, nil, err)
	}
	return id, nil
}

// checkQuota refuses (422 quota_exceeded, audited) a staff member who already made
// quota upload requests in the last 24 hours.
func (s *Server) checkQuota(r *http.Request, c *caller, patientID uuid.UUID, quota int) error {
	if quota <= 0 {
		return nil
	}
	n, err := s.db.CountUploadsSince(r.Context(), c.member.ID, s.now().Add(-24*time.Hour))
	if err != nil {
		return err
	}
	if n < quota {
		return nil
	}
	return s.auditRefusal(r, c, "document.upload_request", "patient", patientID.String(),
		&patientID, apperror.New(apperror.KindInvalid, "quota_exceeded",
			"The daily upload quota is used up"))
}

// auditRefusal audits a refused or failed attempt and returns err: an application
// error is "denied" with its code (not_found without the patient), anything else is
// "failed".
func (s *Server) auditRefusal(r *http.Request, c *caller, action, objectType, objectID string,
	patientID *uuid.UUID, err error) error {
	e := c.actor.Event(action, objectType, objectID, patientID, audit.Denied)
	if ae, ok := apperror.As(err); ok && ae.Kind != apperror.KindInternal &&
		ae.Kind != apperror.KindUnavailable {
		e.Reason = ae.Code
		if ae.Kind == apperror.KindNotFound {
			e.PatientID = nil
		}
	} else {
		e.Outcome, e.Reason = audit.Failed, "error"
	}
	if aerr := s.db.Audit(r.Context(), e); aerr != nil {
		return aerr
	}
	return err
}

// readDocument loads the document named in the path, auditing the failed attempt. A
// malformed id is answered exactly like a random one.
func (s *Server) readDocument(r *http.Request, c *caller, action string) (
	*document.Document, error) {
	raw := r.PathValue("id")
	id, err := uuid.Parse(raw)
	var d *document.Document
	if err == nil {
		d, err = s.db.FindDocument(r.Context(), id)
	} else {
		err = apperror.NotFound()
	}
	if err != nil {
		return nil, s.auditRefusal(r, c, action, "document", raw, nil, err)
	}
	return d, nil
}

func (s *Server) handleGetDocument(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := s.readDocument(r, c, "document.read")
	if err != nil {
		return err
	}
	e := c.actor.Event("document.read", "document", d.ID.String(), &d.PatientID, audit.Allowed)
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) handleArchiveDocument(w http.ResponseWriter, r *http.Request, c *caller) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req archiveRequest
	if r.ContentLength > 0 {
		body, err := readBody(w, r)
		if err != nil {
			return err
		}
		if err := decodeInto(body, &req); err != nil {
			return err
		}
		if faults := patient.Struct(req); len(faults) > 0 {
			return apperror.Invalid(faults...)
		}
	}
	raw := r.PathValue("id")
	id, err := uuid.Parse(raw)
	if err != nil {
		return s.auditRefusal(r, c, "document.archive", "document", raw, nil,
			apperror.NotFound())
	}
	d, err := s.db.ArchiveDocument(r.Context(), c.actor, id, version, req.Reason)
	if err != nil {
		return s.auditRefusal(r, c, "document.archive", "document", raw, nil, err)
	}
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusOK, d)
	return nil
}

// handleDocumentContent checks the role (before this handler), audits the read, then
// redirects to a read-only SAS of a minute or two that forces a download under the
// sanitised name. Nothing is minted for a document that is missing (404) or not
// ready or archived (409 not_available).
func (s *Server) handleDocumentContent(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := s.readDocument(r, c, "document.download")
	if err != nil {
		return err
	}
	if d.Status != document.StatusReady || d.ArchivedAt != nil {
		return s.auditRefusal(r, c, "document.download", "document", d.ID.String(),
			&d.PatientID, apperror.Conflict("not_available", "The document is not available"))
	}
	signer, err := s.signer()
	if err != nil {
		return err
	}
	e := c.actor.Event("document.download", "document", d.ID.String(), &d.PatientID,
		audit.Allowed)
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	cfg := s.documentsConfig()
	sas, err := signer.DownloadURL(r.Context(), document.BlobName(d.PatientID, d.ID),
		cfg.DownloadURLTTL, document.ContentDisposition(d.FileName), d.MediaType)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Location", sas.URL)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
	return nil
}

// documentPage is one page of a patient's documents.
type documentPage struct {
	Items      []document.Summary `json:"items"`
	NextCursor *string            `json:"nextCursor"`
}

func (s *Server) handleListDocuments(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := documentPageParams(r)
	if err != nil {
		return err
	}
	p, err := s.readPatient(r, c, "document.list")
	if err != nil {
		return err
	}
	items, next, err := s.db.ListDocuments(r.Context(), p.ID, q.archived, q.after, q.limit)
	if err != nil {
		return err
	}
	out := documentPage{Items: items}
	if next != nil {
		cur := encodeDocumentCursor(*next)
		out.NextCursor = &cur
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// searchPage is one page of document search hits.
type searchPage struct {
	Items      []document.Hit `json:"items"`
	NextCursor *string        `json:"nextCursor"`
}

func (s *Server) handleSearchDocuments(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req document.SearchRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	search, err := document.ParseSearch(req)
	if err != nil {
		return err
	}
	hits, next, err := s.db.SearchDocuments(r.Context(), search)
	if err != nil {
		return err
	}
	// Audited by shape and count; the terms are never stored.
	e := c.actor.Event("document.search", "", "", search.PatientID, audit.Allowed)
	e.Detail, _ = json.Marshal(map[string]any{"terms": len(search.Terms),
		"scoped": search.PatientID != nil, "count": len(hits)})
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	out := searchPage{Items: hits}
	if next != nil {
		cur := next.Encode()
		out.NextCursor = &cur
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
