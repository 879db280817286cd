package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/document"
	"patienttracker/handler/extract"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
)

// DocumentsConfig holds the documents feature's settings.
type DocumentsConfig struct {
	// StorageConnection is DocumentsStorage: a connection string, e.g.
	// "UseDevelopmentStorage=true" or an Azurite one with its own BlobEndpoint.
	StorageConnection string
	// StorageServiceURL is DocumentsStorage__blobServiceUri (or __serviceUri): the blob
	// endpoint reached with Entra ID, with StorageCredential ("managedidentity") and
	// StorageClientID (a user-assigned identity) when set.
	StorageServiceURL string
	StorageCredential string
	StorageClientID   string
	MaxUploadBytes    int64         // PT_MAX_UPLOAD_BYTES
	UploadURLTTL      time.Duration // PT_UPLOAD_SAS_MINUTES
	DownloadURLTTL    time.Duration // PT_DOWNLOAD_SAS_SECONDS
	UploadsPerMinute  int           // PT_UPLOADS_PER_MINUTE
	DailyUploadQuota  int           // PT_UPLOAD_DAILY_QUOTA
	MalwareScanning   bool          // PT_MALWARE_SCANNING
	// CORSOrigins (PT_STORAGE_CORS_ORIGINS, comma-separated) are the page origins the
	// storage emulator lets upload and download; connection-string storage only.
	CORSOrigins []string
}

// maxHostBlobBytes is where the Functions host fails to carry a blob through the
// trigger envelope (functions-contract.md §2.6).
const maxHostBlobBytes = 100 << 20

func loadDocumentsConfig(getenv func(string) string, bad func(name, why string)) DocumentsConfig {
	c := DocumentsConfig{
		StorageConnection: strings.TrimSpace(getenv("DocumentsStorage")),
		StorageServiceURL: strings.TrimSpace(getenv("DocumentsStorage__blobServiceUri")),
		StorageCredential: strings.TrimSpace(getenv("DocumentsStorage__credential")),
		StorageClientID:   strings.TrimSpace(getenv("DocumentsStorage__clientId")),
	}
	if c.StorageServiceURL == "" {
		c.StorageServiceURL = strings.TrimSpace(getenv("DocumentsStorage__serviceUri"))
	}
	if c.StorageConnection != "" && c.StorageServiceURL != "" {
		bad("DocumentsStorage", "set the connection string or DocumentsStorage__blobServiceUri, "+
			"not both")
	}
	if c.StorageConnection == "" && c.StorageServiceURL == "" &&
		orDefault(getenv("PT_ENVIRONMENT"), "production") == "production" {
		bad("DocumentsStorage__blobServiceUri", "is required in production")
	}
	c.MaxUploadBytes = int64(parseInt(getenv, "PT_MAX_UPLOAD_BYTES",
		document.DefaultMaxUploadBytes, 1, maxHostBlobBytes, bad))
	c.UploadURLTTL = time.Duration(parseInt(getenv, "PT_UPLOAD_SAS_MINUTES", 10, 1, 60,
		bad)) * time.Minute
	c.DownloadURLTTL = time.Duration(parseInt(getenv, "PT_DOWNLOAD_SAS_SECONDS", 90, 30, 300,
		bad)) * time.Second
	c.UploadsPerMinute = parseInt(getenv, "PT_UPLOADS_PER_MINUTE", 30, 0, 1<<20, bad)
	c.DailyUploadQuota = parseInt(getenv, "PT_UPLOAD_DAILY_QUOTA", 500, 0, 1<<20, bad)
	c.MalwareScanning = parseBool(getenv, "PT_MALWARE_SCANNING", bad)
	for o := range strings.SplitSeq(getenv("PT_STORAGE_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Host == "" || u.Path != "" ||
			(u.Scheme != "http" && u.Scheme != "https") {
			bad("PT_STORAGE_CORS_ORIGINS", "must be origins such as http://localhost:7071")
			continue
		}
		c.CORSOrigins = append(c.CORSOrigins, o)
	}
	return c
}

// wireDocuments connects the documents feature: the API routes' storage and the
// ProcessDocument blob trigger. Without storage settings (allowed outside production)
// the routes answer 503 and ProcessDocument fails so the host retries later.
func wireDocuments(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	dc := cfg.Documents
	apiCfg := api.DocumentsConfig{Limits: document.NewLimits(dc.MaxUploadBytes),
		UploadURLTTL: dc.UploadURLTTL, DownloadURLTTL: dc.DownloadURLTTL,
		UploadsPerMinute: dc.UploadsPerMinute, DailyUploadQuota: dc.DailyUploadQuota}
	handle := func(fn funchost.Func) { serveDocumentTrigger(mux, jobs.ProcessDocumentName, fn, log) }
	if dc.StorageConnection == "" && dc.StorageServiceURL == "" {
		log.Warn().Msg("documents storage not configured: uploads and processing are off")
		handle(func(context.Context, *funchost.Invocation) (funchost.Result, error) {
			return funchost.Result{}, funchost.Retryable(errors.New("no document storage"))
		})
		return []api.Option{api.WithDocuments(apiCfg)}, func() {}, nil
	}

	store, err := blobstore.New(blobstore.Config{ConnectionString: dc.StorageConnection,
		ServiceURL: dc.StorageServiceURL, Credential: dc.StorageCredential,
		ClientID: dc.StorageClientID, Container: document.Container,
		QuarantineContainer: document.QuarantineContainer})
	if err != nil {
		return nil, nil, err
	}
	if dc.StorageConnection != "" {
		// Local runs: Azurite starts empty, and maybe after us. In Azure the
		// infrastructure creates the containers.
		go func() {
			ensureContainers(ctx, store, log)
			allowBrowserUploads(ctx, store, dc.CORSOrigins, log)
		}()
	}
	apiCfg.Signer = store
	p := &jobs.DocumentProcessor{DB: db, Store: store,
		Limits:          extract.Limits{MaxBytes: dc.MaxUploadBytes},
		MalwareScanning: dc.MalwareScanning, MaxAttempts: jobs.DefaultMaxAttempts}
	handle(p.Handle)
	mode := "connection_string"
	if dc.StorageServiceURL != "" {
		mode = "identity"
	}
	log.Info().Str("storage", mode).Int64("max_upload_bytes", dc.MaxUploadBytes).
		Bool("malware_scanning", dc.MalwareScanning).Msg("documents wired")
	return []api.Option{api.WithDocuments(apiCfg)}, func() {}, nil
}

// ensureContainers creates the store's containers, trying for a minute while the
// storage emulator starts.
func ensureContainers(ctx context.Context, store *blobstore.Store, log zerolog.Logger) {
	var err error
	for try := 0; try < 60; try++ {
		ectx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = store.EnsureContainers(ectx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
	log.Warn().Err(err).Msg("document containers not ensured; uploads will fail")
}

// allowBrowserUploads sets the emulator's CORS rules for the UI's origins, if any.
func allowBrowserUploads(ctx context.Context, store *blobstore.Store, origins []string,
	log zerolog.Logger) {
	if len(origins) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := store.AllowBrowserUploads(ctx, origins); err != nil {
		log.Warn().Err(err).Msg("storage CORS rules not set; browser uploads will fail")
	}
}

// serveDocumentTrigger registers an envelope function on mux as POST /<name>, with the
// service's logger in the request context (funchost derives the invocation's from it).
func serveDocumentTrigger(mux *http.ServeMux, name string, fn funchost.Func, log zerolog.Logger) {
	h := funchost.Handler(name, fn)
	mux.Handle("POST /"+name, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(log.WithContext(r.Context())))
	}))
}
