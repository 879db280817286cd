package main

import (
	"context"
	"errors"

	"github.com/rs/zerolog"
)

// seedDemo loads the generated demo clinic.
func seedDemo(ctx context.Context, cfg Config, log zerolog.Logger) error {
	if cfg.Environment == "production" {
		return errors.New("seed-demo refuses to run in production")
	}
	return errors.New("seed-demo: not built yet")
}
