package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"patienttracker/handler/analytics"
	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/staff"
)

// AnalyticsConfig holds what the analytics and events routes need from the wiring.
type AnalyticsConfig struct {
	// AfterWrite runs after every successful write request, inside it, to relay the
	// events the write added (a bounded nudge; the OutboxRelay timer is the guarantee).
	AfterWrite func(ctx context.Context)
	// EventSource is the CloudEvents source shown for outbox events.
	EventSource string
}

// analyticsDeps holds what the Analytics routes need; WithAnalytics fills it in.
type analyticsDeps struct {
	cfg AnalyticsConfig
}

// WithAnalytics sets the analytics feature's dependencies.
func WithAnalytics(cfg AnalyticsConfig) Option {
	return func(s *Server) { s.analytics = analyticsDeps{cfg: cfg} }
}

// afterWrite nudges the outbox relay after a successful write. The core calls it once
// per write request; it is a no-op when no relay is wired.
func (s *Server) afterWrite(ctx context.Context) {
	if fn := s.analytics.cfg.AfterWrite; fn != nil {
		fn(ctx)
	}
}

// analyticsRoutes lists the analytics and events routes.
func (s *Server) analyticsRoutes() []route {
	return []route{
		{http.MethodGet, "/api/analytics/patients", staff.ReadAnalytics, "read", "",
			s.handlePatientStats},
		{http.MethodGet, "/api/analytics/visits", staff.ReadAnalytics, "read", "",
			s.handleVisitTrends},
		{http.MethodGet, "/api/events", staff.ReadEvents, "read", "", s.handleListEvents},
	}
}

// maxPeriods bounds how many periods one analytics answer covers.
const maxPeriods = 400

// defaultPeriods is how many periods an analytics answer covers when from is not given.
var defaultPeriods = map[analytics.Granularity]int{analytics.Daily: 30,
	analytics.Weekly: 12, analytics.Monthly: 12}

// periodRange is a validated from..to at a granularity.
type periodRange struct {
	g        analytics.Granularity
	from, to analytics.Day
}

// parseRange reads from, to and granularity from q: malformed dates are 400, values
// that break a rule 422 (bad-inputs §1). to defaults to the clinic's today, from to a
// default number of periods before it.
func parseRange(q url.Values, today analytics.Day, defaultG analytics.Granularity) (
	periodRange, error) {
	pr := periodRange{g: defaultG, to: today}
	var faults []apperror.FieldError
	if v := q.Get("granularity"); v != "" {
		g, ok := analytics.ParseGranularity(v)
		if !ok {
			faults = append(faults, apperror.FieldError{Field: "granularity", Code: "oneof"})
		}
		pr.g = g
	}
	for name, dst := range map[string]*analytics.Day{"from": &pr.from, "to": &pr.to} {
		if v := q.Get(name); v != "" {
			d, ok := analytics.ParseDay(v)
			if !ok {
				return pr, badRequest("invalid_date", "Use a date as YYYY-MM-DD", name)
			}
			*dst = d
		}
	}
	if len(faults) > 0 {
		return pr, apperror.Invalid(faults...)
	}
	if pr.from.IsZero() {
		pr.from = pr.g.Before(pr.g.Start(pr.to), defaultPeriods[pr.g]-1)
	}
	return pr, pr.check(today)
}

func (pr periodRange) check(today analytics.Day) error {
	var faults []apperror.FieldError
	floor := analytics.NewDay(1900, 1, 1)
	switch {
	case pr.from.Before(floor):
		faults = append(faults, apperror.FieldError{Field: "from", Code: "out_of_range"})
	case pr.to.After(today):
		faults = append(faults, apperror.FieldError{Field: "to", Code: "future_date"})
	case pr.to.Before(pr.from):
		faults = append(faults, apperror.FieldError{Field: "to", Code: "before_from"})
	case pr.g.Count(pr.from, pr.to) > maxPeriods:
		faults = append(faults, apperror.FieldError{Field: "from", Code: "range_too_long"})
	}
	if len(faults) > 0 {
		return apperror.Invalid(faults...)
	}
	return nil
}

// strictQuery refuses query parameters the route does not define, and repeated ones.
func strictQuery(r *http.Request, allowed ...string) (url.Values, error) {
	q := r.URL.Query()
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, badRequest("unknown_field", "The query has a parameter this route "+
				"does not define", k)
		}
		if len(vs) > 1 {
			return nil, badRequest("repeated_parameter", "A query parameter is repeated", k)
		}
	}
	return q, nil
}

func (s *Server) handleVisitTrends(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := strictQuery(r, "from", "to", "granularity")
	if err != nil {
		return err
	}
	today := analytics.Today(s.now(), s.cfg.ClinicLocation)
	pr, err := parseRange(q, today, analytics.Daily)
	if err != nil {
		return err
	}

	trend, err := s.visitTrend(r.Context(), pr, today)
	if err != nil {
		return err
	}
	if err := s.db.Audit(r.Context(), c.actor.Event("analytics.visits.read", "", "", nil,
		audit.Allowed)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, trend)
	return nil
}

// visitTrend reads whole periods from the rollups while they are complete, and
// computes the rest (today included) live from the visits, so the answer never waits
// for the nightly run.
func (s *Server) visitTrend(ctx context.Context, pr periodRange, today analytics.Day) (
	analytics.Trend, error) {
	loc, g := s.cfg.ClinicLocation, pr.g
	window := g.DefaultWindow()
	first, last := g.Before(g.Start(pr.from), window-1), g.Start(pr.to)
	st, err := s.db.VisitRollupStatus(ctx, loc)
	if err != nil {
		return analytics.Trend{}, err
	}
	figs := map[analytics.Day]analytics.Figures{}
	liveFrom := first
	if !st.CompletedThrough.IsZero() {
		plan := analytics.RollupPlan{From: first, Through: st.CompletedThrough}
		if _, lastStored, ok := plan.PeriodsToStore(g); ok {
			stored, err := s.db.StoredVisitFigures(ctx, g, first, analytics.MinDay(last,
				lastStored))
			if err != nil {
				return analytics.Trend{}, err
			}
			figs = stored
			liveFrom = g.Next(lastStored)
		}
	}
	end := analytics.MinDay(g.End(last), today)
	if !liveFrom.After(last) {
		live, err := s.db.LiveVisitFigures(ctx, loc, g, liveFrom, end)
		if err != nil {
			return analytics.Trend{}, err
		}
		for p, f := range live {
			figs[p] = f
		}
	}
	t := analytics.BuildTrend(g, g.Start(pr.from), end, figs, window)
	if !st.CompletedThrough.IsZero() {
		t.RolledUpThrough = &st.CompletedThrough
	}
	return t, nil
}

func (s *Server) handlePatientStats(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := strictQuery(r, "from", "to", "granularity")
	if err != nil {
		return err
	}
	now := s.now()
	today := analytics.Today(now, s.cfg.ClinicLocation)
	pr, err := parseRange(q, today, analytics.Monthly)
	if err != nil {
		return err
	}

	stats, err := s.patientStats(r.Context(), pr, today, now)
	if err != nil {
		return err
	}
	if err := s.db.Audit(r.Context(), c.actor.Event("analytics.patients.read", "", "", nil,
		audit.Allowed)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stats)
	return nil
}

func (s *Server) patientStats(ctx context.Context, pr periodRange, today analytics.Day,
	now time.Time) (analytics.PatientStats, error) {
	loc := s.cfg.ClinicLocation
	counts, err := s.db.PatientCounts(ctx, loc, today, now)
	if err != nil {
		return analytics.PatientStats{}, err
	}
	trend, err := s.visitTrend(ctx, pr, today)
	if err != nil {
		return analytics.PatientStats{}, err
	}
	registered, err := s.db.RegisteredPatients(ctx, loc, pr.g, pr.g.Start(pr.from), trend.To)
	if err != nil {
		return analytics.PatientStats{}, err
	}
	stats := counts
	stats.AsOf = today
	stats.NewPatients = analytics.NewPatientSeries{Granularity: pr.g, From: trend.From,
		To: trend.To, Points: make([]analytics.NewPatientPoint, 0, len(trend.Points))}
	for _, p := range trend.Points {
		stats.NewPatients.Points = append(stats.NewPatients.Points, analytics.NewPatientPoint{
			Period: p.Period, Registered: registered[p.Period], FirstVisits: p.NewPatients})
	}
	return stats, nil
}
