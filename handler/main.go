// Command patient-tracker is Patient Tracker's Azure Functions custom handler: one binary
// that serves every function. Started by the Functions host with no arguments, it serves
// HTTP on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT. Its subcommands run the jobs around it:
//
//	patient-tracker migrate        apply the embedded database migrations
//	patient-tracker seed-demo      load the generated demo clinic (development only;
//	                               --staff-only adds just the dev staff)
//	patient-tracker import DIR     load a folder of Synthea CSV, FHIR or patient CSV files
//	patient-tracker verify-audit   check the audit log's hash chain
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/postgres"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := zerolog.New(os.Stdout).With().Timestamp().Str("service", "patient-tracker").
		Str("version", version).Logger()
	if err := run(ctx, os.Args[1:], os.Getenv, log); err != nil {
		log.Error().Err(err).Msg("stopped")
		// stderr lines are logged by the host at Error level; stdout lines only as Information.
		fmt.Fprintf(os.Stderr, "patient-tracker: %v\n", err)
		// Any non-zero code makes the Functions host restart the handler; 0 would not.
		os.Exit(1)
	}
}

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, getenv func(string) string,
	log zerolog.Logger) error {
	command := "serve"
	if len(args) > 0 {
		command = args[0]
	}
	cfg, err := loadConfig(getenv, command == "serve")
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log = log.Level(cfg.LogLevel)
	switch command {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		if err := postgres.Migrate(ctx, cfg.DatabaseURL); err != nil {
			return err
		}
		log.Info().Msg("migrations applied")
		return nil
	case "seed-demo":
		return seedDemo(ctx, cfg, log, args[1:])
	case "verify-audit":
		return verifyAudit(ctx, cfg, log)
	case "import":
		return importFolder(ctx, cfg, log, args[1:], stdout)
	default:
		return fmt.Errorf("unknown command %q (serve, migrate, seed-demo, import, verify-audit)", command)
	}
}

// serve listens first, so the host's readiness probe is answered at once, and connects
// to the database lazily: without a database it keeps answering, with 503 where needed.
func serve(ctx context.Context, cfg Config, log zerolog.Logger) error {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	cfg.logFields(log.Info()).Int("port", cfg.Port).Msg("listening")

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	mux := http.NewServeMux()
	var opts []api.Option
	for _, wire := range []wireFunc{wireDocuments, wireAnalytics, wireImports} {
		o, cleanup, err := wire(ctx, cfg, log, db, mux)
		if err != nil {
			return err
		}
		defer cleanup()
		opts = append(opts, o...)
	}
	apiServer := api.New(db, api.Config{AllowedProviders: cfg.allowedProviders(),
		ClinicLocation: cfg.ClinicTimeZone, SearchPerMinute: cfg.SearchPerMinute,
		ReadsPerMinute: cfg.ReadsPerMinute}, log, time.Now, opts...)
	// The API also answers every path nobody else serves, with its 404 problem.
	mux.Handle("/", apiServer)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		// Requests carry the logger, and outlive SIGTERM until Shutdown's grace ends.
		BaseContext: func(net.Listener) context.Context {
			return log.WithContext(context.Background())
		}}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Database work at start-up never delays the host's GET /.
	go ensureFirstAdmin(ctx, db, cfg.FirstAdminEmail, log)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	// In-flight requests finish (or their transactions roll back) within the grace period.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// ensureFirstAdmin adds the configured first admin, retrying while the database is
// unreachable, so a new deployment is never locked out by a slow database at start.
func ensureFirstAdmin(ctx context.Context, db *postgres.DB, email string,
	log zerolog.Logger) {
	if email == "" {
		return
	}
	for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
		err := db.EnsureFirstAdmin(ctx, email)
		if err == nil {
			return
		}
		log.Warn().Err(err).Dur("retry_in", wait).Msg("first admin not ensured yet")
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// wireFunc connects one feature: it returns the API options the feature adds, registers
// its trigger functions (POST /<FunctionName>) on mux, and returns a cleanup to run at exit.
type wireFunc func(ctx context.Context, cfg Config, log zerolog.Logger, db *postgres.DB,
	mux *http.ServeMux) ([]api.Option, func(), error)

// openDB opens the pool; on Azure the password is an Entra token for the managed identity.
func openDB(ctx context.Context, cfg Config) (*postgres.DB, error) {
	opts := postgres.Options{URL: cfg.DatabaseURL, MaxConns: cfg.DBMaxConns,
		StatementTimeout: cfg.StatementTimeout}
	if cfg.DatabaseEntra {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure credential: %w", err)
		}
		opts.Password = func(ctx context.Context) (string, error) {
			tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{
				Scopes: []string{"https://ossrdbms-aad.database.windows.net/.default"}})
			return tok.Token, err
		}
	}
	return postgres.Open(ctx, opts)
}

// verifyAudit walks the audit chain and fails if any row was edited or removed.
func verifyAudit(ctx context.Context, cfg Config, log zerolog.Logger) error {
	conn, err := postgres.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	finding, checked, err := postgres.VerifyAudit(ctx, conn)
	if err != nil {
		return err
	}
	if finding != nil {
		log.Error().Int64("seq", finding.Seq).Str("reason", finding.Reason).
			Int64("checked", checked).Msg("audit chain broken")
		return fmt.Errorf("audit chain broken at row %d (%s)", finding.Seq, finding.Reason)
	}
	log.Info().Int64("checked", checked).Msg("audit chain intact")
	return nil
}
