package api

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/audit"
	"patienttracker/handler/staff"
)

// route is one method on one path. The table of routes is the route-by-role matrix: each
// names the permission it needs, and staff.Role.Can says which roles have it.
type route struct {
	method  string
	pattern string
	perm    staff.Permission // empty: no sign-in needed (health only)
	limit   string           // rate-limit bucket: "search", "read" or ""
	// objectType names what the {id} in the path is, for auditing refusals.
	objectType string
	handle     func(w http.ResponseWriter, r *http.Request, c *caller) error
}

func (s *Server) routeTable() []route {
	core := []route{
		{http.MethodGet, "/api/health", "", "", "", s.handleHealth},
		{http.MethodGet, "/api/health/ready", "", "", "", s.handleReady},
		{http.MethodGet, "/api/openapi.json", staff.ReadSelf, "", "", s.handleOpenAPI},
		{http.MethodGet, "/api/me", staff.ReadSelf, "", "", s.handleMe},

		{http.MethodPost, "/api/patients/search", staff.ReadPatients, "search", "",
			s.handleSearchPatients},
		{http.MethodPost, "/api/patients", staff.WritePatients, "", "", s.handleCreatePatient},
		{http.MethodGet, "/api/patients/{id}", staff.ReadPatients, "read", "patient", s.handleGetPatient},
		{http.MethodPatch, "/api/patients/{id}", staff.WritePatients, "", "patient",
			s.handleUpdatePatient},
		{http.MethodDelete, "/api/patients/{id}", staff.ArchivePatients, "", "patient",
			s.handleArchivePatient},
		{http.MethodPost, "/api/patients/{id}/restore", staff.RestorePatients, "", "patient",
			s.handleRestorePatient},
		{http.MethodGet, "/api/patients/{id}/visits", staff.ReadVisits, "read", "patient",
			s.handleListVisits},
		{http.MethodPost, "/api/patients/{id}/visits", staff.WriteVisits, "", "patient",
			s.handleCreateVisit},
		{http.MethodGet, "/api/visits/{id}", staff.ReadVisits, "read", "visit", s.handleGetVisit},
		{http.MethodPatch, "/api/visits/{id}", staff.WriteVisits, "", "visit", s.handleUpdateVisit},

		{http.MethodGet, "/api/staff", staff.ManageStaff, "", "", s.handleListStaff},
		{http.MethodPost, "/api/staff", staff.ManageStaff, "", "", s.handleCreateStaff},
		{http.MethodGet, "/api/staff/{id}", staff.ManageStaff, "", "staff", s.handleGetStaff},
		{http.MethodPatch, "/api/staff/{id}", staff.ManageStaff, "", "staff", s.handleUpdateStaff},
		{http.MethodGet, "/api/audit", staff.ReadAudit, "", "", s.handleListAudit},
	}
	// Each feature keeps its routes in its own file; the matrix is still this one table.
	core = append(core, s.documentRoutes()...)
	core = append(core, s.analyticsRoutes()...)
	core = append(core, s.importRoutes()...)
	return core
}

// Routes lists every method and pattern, for tests that walk the whole API.
func (s *Server) Routes() [][2]string {
	out := make([][2]string, 0, len(s.routes))
	for _, rt := range s.routes {
		out = append(out, [2]string{rt.method, rt.pattern})
	}
	return out
}

// RoutePermission returns the permission a method and pattern need.
func (s *Server) RoutePermission(method, pattern string) (staff.Permission, bool) {
	for _, rt := range s.routes {
		if rt.method == method && rt.pattern == pattern {
			return rt.perm, true
		}
	}
	return "", false
}

func (s *Server) buildMux() http.Handler {
	byPattern := map[string]map[string]route{}
	for _, rt := range s.routes {
		if byPattern[rt.pattern] == nil {
			byPattern[rt.pattern] = map[string]route{}
		}
		byPattern[rt.pattern][rt.method] = rt
	}
	mux := http.NewServeMux()
	for pattern, methods := range byPattern {
		mux.Handle(pattern, s.dispatch(methods))
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, newHTTPError(http.StatusNotFound, "not_found", "Not found"))
	}))
	return s.frame(mux)
}

// dispatch picks the route for the method (405 with Allow otherwise), then authenticates,
// authorises from the role alone, applies the rate limit and runs the handler.
func (s *Server) dispatch(methods map[string]route) http.Handler {
	allow := make([]string, 0, len(methods))
	for m := range methods {
		allow = append(allow, m)
	}
	sort.Strings(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := methods[r.Method]
		if !ok && r.Method == http.MethodHead {
			rt, ok = methods[http.MethodGet]
		}
		if !ok {
			e := newHTTPError(http.StatusMethodNotAllowed, "method_not_allowed",
				"Method not allowed")
			e.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
			writeError(w, r, e)
			return
		}
		setRoute(r.Context(), rt.pattern)
		if err := s.serveRoute(w, r, rt); err != nil {
			writeError(w, r, err)
		}
	})
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt route) error {
	if rt.perm == "" {
		return rt.handle(w, r, nil)
	}
	// The deadline covers the staff lookup too: no step of a request waits unbounded.
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	c, err := s.authenticate(r)
	if err != nil {
		return err
	}
	setStaff(r.Context(), c.member.ID)
	if !c.member.Role.Can(rt.perm) {
		return s.refuse(r, c, rt)
	}
	if ok, wait := s.limits.allow(rt.limit, c.member.ID, s.now()); !ok {
		e := newHTTPError(http.StatusTooManyRequests, "rate_limited", "Too many requests")
		secs := int(wait/time.Second) + 1
		e.header = http.Header{"Retry-After": {itoa(secs)}}
		ev := c.actor.Event("rate_limited", rt.objectType, r.PathValue("id"), nil, audit.Denied)
		ev.Reason = rt.limit
		_ = s.db.Audit(r.Context(), ev)
		return e
	}
	if err := rt.handle(w, r, c); err != nil {
		return err
	}
	if isWrite(r.Method, rt.pattern) {
		// The answer goes out first; then a short, bounded relay of the events this
		// write put in the outbox. No goroutine outlives the request (Flex may freeze
		// an idle instance); the OutboxRelay timer is the guarantee.
		_ = http.NewResponseController(w).Flush()
		s.afterWrite(r.Context())
	}
	return nil
}

// isWrite reports whether a route changes data, so its events are worth relaying.
func isWrite(method, pattern string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return !strings.HasSuffix(pattern, "/search")
}

// refuse answers 403 for a role that may never use the route, the same whether or not
// the object exists, and audits the attempt.
func (s *Server) refuse(r *http.Request, c *caller, rt route) error {
	var patientID *uuid.UUID
	if rt.objectType == "patient" {
		if id, err := uuid.Parse(r.PathValue("id")); err == nil {
			patientID = &id
		}
	}
	e := c.actor.Event("authz_denied", rt.objectType, r.PathValue("id"), patientID,
		audit.Denied)
	e.Reason = "role:" + string(c.member.Role) + " " + rt.method + " " + rt.pattern
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	return newHTTPError(http.StatusForbidden, "forbidden",
		"Your role may not do this")
}

// requestState carries what the outcome log line reports.
type requestState struct {
	route   string
	staffID uuid.UUID
	code    string // the problem code of a refused or failed request
}

func setRoute(ctx context.Context, pattern string) {
	if st, ok := ctx.Value(keyCaller).(*requestState); ok {
		st.route = pattern
	}
}

func setStaff(ctx context.Context, id uuid.UUID) {
	if st, ok := ctx.Value(keyCaller).(*requestState); ok {
		st.staffID = id
	}
}

// frame gives every request its id, logger and security headers, refuses over-long URLs,
// turns panics into 500 problems, and logs one outcome line without PHI.
func (s *Server) frame(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Azure-Functions-InvocationId")
		if _, err := uuid.Parse(id); err != nil {
			id = uuid.NewString()
		}
		st := &requestState{}
		log := s.log.With().Str("invocation_id", id).Str("method", r.Method).Logger()
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyCaller, st)
		r = r.WithContext(log.WithContext(ctx))
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				log.Error().Interface("panic", p).Msg("handler panicked")
				writeError(rec, r, newHTTPError(http.StatusInternalServerError, "internal",
					"Internal error"))
			}
			logOutcome(log, st, rec.status, start)
		}()
		if len(r.RequestURI) > 4096 {
			writeError(rec, r, newHTTPError(http.StatusRequestURITooLong, "uri_too_long",
				"The URL is too long"))
			return
		}
		next.ServeHTTP(rec, r)
	})
}

func logOutcome(log zerolog.Logger, st *requestState, status int, start time.Time) {
	ev := log.Info()
	if status >= 500 {
		ev = log.Warn()
	}
	if st.staffID != uuid.Nil {
		ev = ev.Str("staff_id", st.staffID.String())
	}
	if st.code != "" {
		ev = ev.Str("code", st.code)
	}
	ev.Str("route", st.route).Int("status", status).
		Int64("duration_ms", time.Since(start).Milliseconds()).Msg("request served")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the server's writer (to flush).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
