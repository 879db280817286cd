package api

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"patienttracker/handler/apperror"
)

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request, _ *caller) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request, _ *caller) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return apperror.Unavailable(err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request, _ *caller) error {
	writeRaw(w, http.StatusOK, openapiDoc)
	return nil
}
