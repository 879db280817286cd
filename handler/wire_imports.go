package main

import (
	"context"
	"net/http"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/postgres"
)

// ImportsConfig holds the imports feature's settings.
type ImportsConfig struct{}

func loadImportsConfig(getenv func(string) string, bad func(name, why string)) ImportsConfig {
	return ImportsConfig{}
}

// wireImports connects the imports feature (nothing yet).
func wireImports(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	return nil, func() {}, nil
}
