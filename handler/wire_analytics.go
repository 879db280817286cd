package main

import (
	"context"
	"net/http"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/postgres"
)

// AnalyticsConfig holds the analytics feature's settings.
type AnalyticsConfig struct{}

func loadAnalyticsConfig(getenv func(string) string, bad func(name, why string)) AnalyticsConfig {
	return AnalyticsConfig{}
}

// wireAnalytics connects the analytics feature (nothing yet).
func wireAnalytics(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	return nil, func() {}, nil
}
