// Package api serves Patient Tracker's HTTP functions. The Functions host forwards each
// request unchanged (enableForwardingHttpRequest), so the package routes on the full
// /api/... path itself. Every route is listed once in the route table with the permission
// it needs; requests are authenticated from the Static Web Apps principal, authorised
// from the staff table, decoded strictly, and answered with JSON or a problem.
package api

import (
	"context"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

// Config holds what the API needs to know about its deployment.
type Config struct {
	// AllowedProviders are the identity providers whose principals are accepted.
	AllowedProviders []string
	// ClinicLocation is the clinic's time zone: "today" for birth-date checks is here.
	ClinicLocation *time.Location
	// SearchPerMinute and ReadsPerMinute bound one staff member's calls on one instance.
	SearchPerMinute int
	ReadsPerMinute  int
	// RequestTimeout bounds each request's database work.
	RequestTimeout time.Duration
}

// Server is the HTTP API.
type Server struct {
	db        *postgres.DB
	cfg       Config
	log       zerolog.Logger
	now       func() time.Time
	limits    *limiter
	routes    []route
	handler   http.Handler
	documents documentDeps  // documents.go
	analytics analyticsDeps // analytics.go
	imports   importDeps    // imports.go
}

// Option adds a feature's dependencies to the server.
type Option func(*Server)

// New returns the API server. now is the clock (time.Now outside tests).
func New(db *postgres.DB, cfg Config, log zerolog.Logger, now func() time.Time,
	opts ...Option) *Server {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.ClinicLocation == nil {
		cfg.ClinicLocation = time.UTC
	}
	s := &Server{db: db, cfg: cfg, log: log, now: now,
		limits: newLimiter(cfg.SearchPerMinute, cfg.ReadsPerMinute)}
	for _, opt := range opts {
		opt(s)
	}
	s.routes = s.routeTable()
	s.handler = s.buildMux()
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// today is the clinic's current date.
func (s *Server) today() patient.Date {
	return patient.DateOf(s.now().In(s.cfg.ClinicLocation))
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyCaller
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}
