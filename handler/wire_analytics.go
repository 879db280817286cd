package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/document"
	"patienttracker/handler/event"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
	"patienttracker/handler/servicebus"
)

// AnalyticsConfig holds the settings of analytics, the nightly jobs and domain events.
type AnalyticsConfig struct {
	// ServiceBus is ServiceBusConnection (a connection string) or
	// ServiceBusConnection__fullyQualifiedNamespace (+ __clientId for a user-assigned
	// identity), and PT_EVENTS_QUEUE. With no connection, events stay in the outbox.
	ServiceBus servicebus.Config
	// EventSource is PT_EVENTS_SOURCE, the CloudEvents source of every event.
	EventSource string
	// NudgeTimeout is PT_EVENTS_NUDGE_MS: how long a write request may spend relaying
	// the events it wrote (0 turns the nudge off; the OutboxRelay timer still runs).
	NudgeTimeout time.Duration
	// RollupWindow is PT_ROLLUP_WINDOW_DAYS: recent days every VisitTrends run redoes.
	RollupWindow int
	// RollupTimeout is PT_ROLLUP_TIMEOUT_SECONDS: the rollup's statement timeout.
	RollupTimeout time.Duration
	// Retention is PT_UPLOAD_GRACE_HOURS, PT_ORPHAN_BLOB_MIN_AGE_HOURS,
	// PT_QUARANTINE_RETENTION_DAYS and PT_EVENTS_RETENTION_DAYS.
	Retention jobs.Retention
}

func loadAnalyticsConfig(getenv func(string) string, bad func(name, why string)) AnalyticsConfig {
	c := AnalyticsConfig{ServiceBus: servicebus.Config{
		ConnectionString: strings.TrimSpace(getenv("ServiceBusConnection")),
		Namespace:        strings.TrimSpace(getenv("ServiceBusConnection__fullyQualifiedNamespace")),
		ClientID:         strings.TrimSpace(getenv("ServiceBusConnection__clientId")),
		Queue:            orDefault(strings.TrimSpace(getenv("PT_EVENTS_QUEUE")), "pt-events"),
	}}
	if c.ServiceBus.ConnectionString != "" && c.ServiceBus.Namespace != "" {
		bad("ServiceBusConnection", "set the connection string or "+
			"ServiceBusConnection__fullyQualifiedNamespace, not both")
	}
	if tz := getenv("PT_CLINIC_TIMEZONE"); strings.EqualFold(tz, "Local") {
		bad("PT_CLINIC_TIMEZONE", "must name a zone; Local would follow the server's TZ")
	}
	c.EventSource = orDefault(strings.TrimSpace(getenv("PT_EVENTS_SOURCE")), event.DefaultSource)
	c.NudgeTimeout = time.Duration(parseInt(getenv, "PT_EVENTS_NUDGE_MS", 1000, 0, 10000,
		bad)) * time.Millisecond
	c.RollupWindow = parseInt(getenv, "PT_ROLLUP_WINDOW_DAYS", 7, 0, 366, bad)
	c.RollupTimeout = time.Duration(parseInt(getenv, "PT_ROLLUP_TIMEOUT_SECONDS", 600, 10,
		3600, bad)) * time.Second
	hours := func(name string, def, hi int) time.Duration {
		return time.Duration(parseInt(getenv, name, def, 1, hi, bad)) * time.Hour
	}
	c.Retention = jobs.Retention{
		UploadGrace:  hours("PT_UPLOAD_GRACE_HOURS", 24, 24*30),
		OrphanMinAge: hours("PT_ORPHAN_BLOB_MIN_AGE_HOURS", 6, 24*30),
		Quarantine:   24 * hours("PT_QUARANTINE_RETENTION_DAYS", 90, 3650),
		Events:       24 * hours("PT_EVENTS_RETENTION_DAYS", 30, 3650),
	}
	return c
}

// wireAnalytics connects analytics, the timers VisitTrends, Cleanup and OutboxRelay,
// and the relay's nudge after writes.
func wireAnalytics(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error) {
	ac := cfg.Analytics
	relay := &jobs.OutboxRelay{DB: db, Source: ac.EventSource, NudgeTimeout: ac.NudgeTimeout}
	cleanup := func() {}
	if ac.ServiceBus.Enabled() {
		pub, err := servicebus.Open(ac.ServiceBus)
		if err != nil {
			return nil, nil, err
		}
		relay.Publisher = pub
		cleanup = func() {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = pub.Close(cctx)
		}
	}
	store, err := cleanupStore(cfg.Documents)
	if err != nil {
		cleanup()
		return nil, nil, err
	}

	trends := &jobs.VisitTrends{DB: db, Location: cfg.ClinicTimeZone, Window: ac.RollupWindow,
		Timeout: ac.RollupTimeout}
	sweep := &jobs.Cleanup{DB: db, Store: store, Retention: ac.Retention}
	for name, fn := range map[string]funchost.Func{jobs.VisitTrendsName: trends.Handle,
		jobs.CleanupName: sweep.Handle, jobs.OutboxRelayName: relay.Handle} {
		h := funchost.Handler(name, fn)
		mux.Handle("POST /"+name, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(log.WithContext(r.Context())))
		}))
	}
	apiCfg := api.AnalyticsConfig{EventSource: ac.EventSource}
	if relay.Publisher != nil && ac.NudgeTimeout > 0 {
		apiCfg.AfterWrite = relay.Nudge
	}
	log.Info().Bool("service_bus", ac.ServiceBus.Enabled()).Str("events_queue", ac.ServiceBus.Queue).
		Bool("cleanup_storage", store != nil).Int("rollup_window_days", ac.RollupWindow).
		Msg("analytics wired")
	return []api.Option{api.WithAnalytics(apiCfg)}, cleanup, nil
}

// cleanupStore returns the document storage Cleanup sweeps, or nil when none is set.
func cleanupStore(dc DocumentsConfig) (*blobstore.Store, error) {
	if dc.StorageConnection == "" && dc.StorageServiceURL == "" {
		return nil, nil
	}
	return blobstore.New(blobstore.Config{ConnectionString: dc.StorageConnection,
		ServiceURL: dc.StorageServiceURL, Credential: dc.StorageCredential,
		ClientID: dc.StorageClientID, Container: document.Container,
		QuarantineContainer: document.QuarantineContainer})
}
