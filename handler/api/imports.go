package api

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/importer"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/staff"
)

// ImportSigner mints the upload SAS of an import file (*importer.Blobs in production).
type ImportSigner interface {
	UploadURL(ctx context.Context, id uuid.UUID, ttl time.Duration) (blobstore.SignedURL,
		error)
}

// ImportsConfig configures the imports and exports routes.
type ImportsConfig struct {
	// Signer mints upload URLs; without it the upload route answers 503.
	Signer ImportSigner
	// MaxBytes bounds one import file (256 MiB when zero).
	MaxBytes int64
	// UploadURLTTL is the upload SAS lifetime (15 minutes when zero).
	UploadURLTTL time.Duration
	// ExportsPerMinute bounds one admin's whole-clinic exports on one instance (L3).
	ExportsPerMinute int
	// ExportTimeout bounds one streamed export (55 seconds when zero, inside the
	// server's write timeout).
	ExportTimeout time.Duration
}

// importDeps holds what the imports and exports routes need.
type importDeps struct {
	cfg ImportsConfig
}

// Defaults of ImportsConfig.
const (
	defaultImportMaxBytes   = 256 << 20
	defaultExportsPerMinute = 6
)

// WithImports turns on the import upload route's storage side and sets the limits.
func WithImports(cfg ImportsConfig) Option {
	return func(s *Server) {
		s.imports = importDeps{cfg: cfg}
		if cfg.ExportsPerMinute != 0 {
			s.limits.perMin["export"] = cfg.ExportsPerMinute
		}
	}
}

func (s *Server) importsConfig() ImportsConfig {
	cfg := s.imports.cfg
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = defaultImportMaxBytes
	}
	if cfg.UploadURLTTL <= 0 {
		cfg.UploadURLTTL = 15 * time.Minute
	}
	if cfg.ExportTimeout <= 0 {
		cfg.ExportTimeout = 55 * time.Second
	}
	return cfg
}

// importRoutes lists the imports routes and, from exports.go, the exports routes. Exports
// are rate-limited even when WithImports was not given.
func (s *Server) importRoutes() []route {
	if _, ok := s.limits.perMin["export"]; !ok {
		s.limits.perMin["export"] = defaultExportsPerMinute
	}
	routes := []route{
		{http.MethodPost, "/api/imports/uploads", staff.RunImports, "", "",
			s.handleCreateImportUpload},
		{http.MethodPost, "/api/imports", staff.RunImports, "", "", s.handleCreateImport},
		{http.MethodGet, "/api/imports", staff.RunImports, "", "", s.handleListImports},
		{http.MethodGet, "/api/imports/{id}", staff.RunImports, "read", "import",
			s.handleGetImport},
		{http.MethodGet, "/api/imports/{id}/rejections", staff.RunImports, "read", "import",
			s.handleImportRejections},
	}
	return append(routes, s.exportRoutes()...)
}

// importContentTypes are the media types an import file may be declared as.
var importContentTypes = map[string]bool{"text/csv": true, "application/csv": true,
	"application/vnd.ms-excel": true, "text/plain": true, "application/json": true,
	"application/fhir+json": true}

type importUploadRequest struct {
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

type importUploadResponse struct {
	UploadID      uuid.UUID         `json:"uploadId"`
	UploadURL     string            `json:"uploadUrl"`
	UploadMethod  string            `json:"uploadMethod"`
	UploadHeaders map[string]string `json:"uploadHeaders"`
	ExpiresAt     time.Time         `json:"expiresAt"`
}

func (s *Server) handleCreateImportUpload(w http.ResponseWriter, r *http.Request,
	c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req importUploadRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	cfg := s.importsConfig()
	name, err := checkImportUpload(&req, cfg.MaxBytes)
	if err != nil {
		return err
	}
	if cfg.Signer == nil {
		return apperror.Unavailable(fmt.Errorf("import storage is not configured"))
	}

	now := s.now().UTC().Truncate(time.Microsecond)
	u := &postgres.ImportUpload{ID: uuid.New(), FileName: name, ContentType: req.ContentType,
		DeclaredSize: req.Size, CreatedBy: c.member.ID, CreatedAt: now,
		ExpiresAt: now.Add(cfg.UploadURLTTL)}
	signed, err := cfg.Signer.UploadURL(r.Context(), u.ID, cfg.UploadURLTTL)
	if err != nil {
		return err
	}
	u.ExpiresAt = signed.ExpiresAt
	if err := s.db.CreateImportUpload(r.Context(), c.actor, u); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, importUploadResponse{UploadID: u.ID,
		UploadURL: signed.URL, UploadMethod: http.MethodPut,
		UploadHeaders: map[string]string{"x-ms-blob-type": "BlockBlob"},
		ExpiresAt:     signed.ExpiresAt})
	return nil
}

// checkImportUpload validates an upload request and returns the display name: the
// last path element of fileName. The blob is never named after it.
func checkImportUpload(req *importUploadRequest, maxBytes int64) (string, error) {
	var faults []apperror.FieldError
	name := path.Base(strings.ReplaceAll(req.FileName, `\`, "/"))
	switch {
	case strings.TrimSpace(req.FileName) == "" || name == "." || name == ".." || name == "/":
		faults = append(faults, apperror.FieldError{Field: "fileName", Code: "required"})
	case utf8.RuneCountInString(name) > 255:
		faults = append(faults, apperror.FieldError{Field: "fileName", Code: "too_long"})
	case patient.HasControl(req.FileName):
		faults = append(faults, apperror.FieldError{Field: "fileName", Code: "control_char"})
	}
	mt, _, err := mime.ParseMediaType(req.ContentType)
	if err != nil || !importContentTypes[mt] {
		faults = append(faults, apperror.FieldError{Field: "contentType",
			Code: "unsupported_type"})
	}
	switch {
	case req.Size <= 0:
		faults = append(faults, apperror.FieldError{Field: "size", Code: "invalid_size"})
	case req.Size > maxBytes:
		faults = append(faults, apperror.FieldError{Field: "size", Code: "too_large"})
	}
	if len(faults) > 0 {
		return "", apperror.Invalid(faults...)
	}
	return name, nil
}

type importFileRef struct {
	UploadID string `json:"uploadId"`
	Role     string `json:"role"`
}

type createImportRequest struct {
	Kind    string            `json:"kind"`
	Files   []importFileRef   `json:"files"`
	Mapping *importer.Mapping `json:"mapping"`
}

func (s *Server) handleCreateImport(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req createImportRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	job, err := checkCreateImport(&req)
	if err != nil {
		return err
	}

	if err := s.db.CreateImportJob(r.Context(), c.actor, job); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/imports/"+job.ID.String())
	writeJSON(w, http.StatusAccepted, job)
	return nil
}

// rolesFor are the file roles of each kind, in the order a job loads them.
var rolesFor = map[string][]string{
	string(importer.KindSynthea):    {importer.RolePatients, importer.RoleEncounters},
	string(importer.KindPatientCSV): {importer.RolePatients},
	string(importer.KindBundle):     {importer.RoleBundle},
}

// checkCreateImport validates a job request: a known kind, 1 to 20 files named by the
// upload ids this API issued (never URLs, U21), roles that fit the kind, and a mapping
// exactly when the kind needs one. Files are put in loading order.
func checkCreateImport(req *createImportRequest) (*postgres.ImportJob, error) {
	var faults []apperror.FieldError
	add := func(field, code string) {
		faults = append(faults, apperror.FieldError{Field: field, Code: code})
	}
	roles, known := rolesFor[req.Kind]
	if !known {
		add("kind", "invalid_value")
	}
	if len(req.Files) == 0 || len(req.Files) > 20 {
		add("files", "invalid_count")
	}
	job := &postgres.ImportJob{ID: uuid.New(), Kind: req.Kind}
	count := map[string]int{}
	for i, f := range req.Files {
		id, err := uuid.Parse(f.UploadID)
		if err != nil || len(f.UploadID) != 36 {
			add(fmt.Sprintf("files[%d].uploadId", i), "invalid_id")
		}
		if known && !slices.Contains(roles, f.Role) {
			add(fmt.Sprintf("files[%d].role", i), "invalid_value")
		}
		count[f.Role]++
		job.Files = append(job.Files, postgres.ImportFile{Role: f.Role, UploadID: id})
	}
	if known && req.Kind != string(importer.KindBundle) &&
		(count[importer.RolePatients] != 1 || count[importer.RoleEncounters] > 1) {
		add("files", "invalid_roles")
	}
	switch {
	case req.Kind == string(importer.KindPatientCSV) && req.Mapping == nil:
		add("mapping", "required")
	case req.Kind == string(importer.KindPatientCSV):
		if err := req.Mapping.Validate(); err != nil {
			ae, _ := apperror.As(err)
			faults = append(faults, ae.Fields...)
		}
		job.Mapping, _ = json.Marshal(req.Mapping)
	case req.Mapping != nil:
		add("mapping", "not_allowed")
	}
	if len(faults) > 0 {
		return nil, apperror.Invalid(faults...)
	}
	orderFiles(job.Files, roles)
	return job, nil
}

// orderFiles sorts files by the kind's role order, keeping their given order otherwise.
func orderFiles(files []postgres.ImportFile, roles []string) {
	rank := map[string]int{}
	for i, r := range roles {
		rank[r] = i
	}
	for i := 1; i < len(files); i++ {
		for j := i; j > 0 && rank[files[j].Role] < rank[files[j-1].Role]; j-- {
			files[j], files[j-1] = files[j-1], files[j]
		}
	}
	for i := range files {
		files[i].Position = i
	}
}

type importList struct {
	Items []*postgres.ImportJob `json:"items"`
}

func (s *Server) handleListImports(w http.ResponseWriter, r *http.Request, _ *caller) error {
	jobs, err := s.db.ListImportJobs(r.Context(), 50)
	if err != nil {
		return err
	}
	if jobs == nil {
		jobs = []*postgres.ImportJob{}
	}
	writeJSON(w, http.StatusOK, importList{Items: jobs})
	return nil
}

// findImport returns the job named in the path; a malformed id is a 404 like a random one.
func (s *Server) findImport(r *http.Request) (*postgres.ImportJob, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return nil, apperror.NotFound()
	}
	return s.db.FindImportJob(r.Context(), id)
}

func (s *Server) handleGetImport(w http.ResponseWriter, r *http.Request, _ *caller) error {
	job, err := s.findImport(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, job)
	return nil
}
