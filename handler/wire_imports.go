package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/funchost"
	"patienttracker/handler/importer"
	"patienttracker/handler/postgres"
)

// ImportsConfig holds the imports and exports settings. The import files live in the
// documents' storage account (DocumentsStorage), in a container of their own.
type ImportsConfig struct {
	StorageConnection string        // DocumentsStorage
	StorageServiceURL string        // DocumentsStorage__blobServiceUri
	StorageCredential string        // DocumentsStorage__credential
	StorageClientID   string        // DocumentsStorage__clientId
	Container         string        // PT_IMPORTS_CONTAINER (imports)
	MaxBytes          int64         // PT_MAX_IMPORT_BYTES (256 MiB)
	ExportsPerMinute  int           // PT_EXPORTS_PER_MINUTE (6)
	RunBudget         time.Duration // PT_IMPORT_RUN_BUDGET_S: one RunImports run (240 s)
}

func loadImportsConfig(getenv func(string) string, bad func(name, why string)) ImportsConfig {
	c := ImportsConfig{StorageConnection: getenv("DocumentsStorage"),
		StorageServiceURL: getenv("DocumentsStorage__blobServiceUri"),
		StorageCredential: getenv("DocumentsStorage__credential"),
		StorageClientID:   getenv("DocumentsStorage__clientId"),
		Container:         orDefault(getenv("PT_IMPORTS_CONTAINER"), "imports")}
	c.MaxBytes = int64(parseInt(getenv, "PT_MAX_IMPORT_BYTES", 256<<20, 1, 1<<31-1, bad))
	c.ExportsPerMinute = parseInt(getenv, "PT_EXPORTS_PER_MINUTE", 6, 0, 10000, bad)
	c.RunBudget = time.Duration(parseInt(getenv, "PT_IMPORT_RUN_BUDGET_S", 240, 10, 3600,
		bad)) * time.Second
	return c
}

// wireImports connects imports and exports: the API options, and the RunImports timer
// function on mux. Without storage settings the upload route answers 503 and the timer
// leaves jobs queued; exports need only the database.
func wireImports(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	ic := cfg.Imports
	apiCfg := api.ImportsConfig{MaxBytes: ic.MaxBytes, ExportsPerMinute: ic.ExportsPerMinute}
	if ic.ExportsPerMinute == 0 {
		apiCfg.ExportsPerMinute = -1 // 0 in the setting means unlimited
	}
	runner := &importer.Runner{DB: db, Now: time.Now, Location: cfg.ClinicTimeZone,
		Budget: ic.RunBudget}
	if ic.StorageConnection == "" && ic.StorageServiceURL == "" {
		log.Warn().Msg("imports: no DocumentsStorage setting; uploads answer 503")
		funchost.Handle(mux, importer.FunctionName, idleImports)
		return []api.Option{api.WithImports(apiCfg)}, func() {}, nil
	}
	store, err := blobstore.New(blobstore.Config{ConnectionString: ic.StorageConnection,
		ServiceURL: ic.StorageServiceURL, Credential: ic.StorageCredential,
		ClientID: ic.StorageClientID, Container: ic.Container,
		QuarantineContainer: ic.Container})
	if err != nil {
		return nil, nil, fmt.Errorf("imports storage: %w", err)
	}
	if ic.StorageConnection != "" {
		// Local runs: Azurite starts empty, maybe after us (wire_documents.go's helper
		// retries for a minute). In Azure the infrastructure creates the container.
		go ensureContainers(ctx, store, log)
	}
	blobs := importer.NewBlobs(store, ic.MaxBytes)
	apiCfg.Signer = blobs
	svc := &importer.Service{Runner: runner, Blobs: blobs}
	funchost.Handle(mux, importer.FunctionName, svc.Timer())
	return []api.Option{api.WithImports(apiCfg)}, func() {}, nil
}

// idleImports answers the RunImports timer when no storage is configured.
func idleImports(ctx context.Context, _ *funchost.Invocation) (funchost.Result, error) {
	var res funchost.Result
	res.Log("imports: no storage configured")
	return res, nil
}
