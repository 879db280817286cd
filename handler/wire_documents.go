package main

import (
	"context"
	"net/http"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/postgres"
)

// DocumentsConfig holds the documents feature's settings.
type DocumentsConfig struct{}

func loadDocumentsConfig(getenv func(string) string, bad func(name, why string)) DocumentsConfig {
	return DocumentsConfig{}
}

// wireDocuments connects the documents feature (nothing yet).
func wireDocuments(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	return nil, func() {}, nil
}
