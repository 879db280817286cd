// Command devhost is the local stand-in for the Azure Functions host and Static Web
// Apps, used by `make run` and the end-to-end tests. It reads host.json and every
// <Name>/function.json in the app root, starts the custom handler as the host does,
// forwards /api requests to it, signs dev users in the way Static Web Apps does,
// serves the static UI, fires timers, and turns new Azurite blobs into blob-trigger
// invocations. It refuses to run in Azure. See usage (-h) for the flags.
//
// Test hook: with -allow-test-user-header, a request header `X-Devhost-User: <userId>`
// signs the request in as that dev user without a cookie; the header is never
// forwarded. Never pass that flag outside tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "devhost:", err)
		}
		os.Exit(1)
	}
}

// run is the whole program; it returns when ctx ends (after stopping the handler) or
// when the handler cannot be kept running.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	if cfg.envFile != "" {
		values, err := readEnvFile(cfg.envFile)
		if err != nil {
			return err
		}
		environ = mergeEnv(environ, values)
	}
	env := envMap(environ)
	if err := refuseProduction(env); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.logFormat)
	a, err := loadApp(cfg.appRoot, func(k string) string { return env[k] })
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "Patient Tracker dev host: %s\n", displayURL(ln.Addr()))
	return serve(ctx, cfg, a, environ, ln, stdout, stderr, log)
}

func serve(ctx context.Context, cfg config, a *app, environ []string, ln net.Listener,
	stdout, stderr io.Writer, log zerolog.Logger) error {
	workCtx, cancelWork := context.WithCancel(context.Background())
	defer cancelWork()
	var wg sync.WaitGroup
	sup := newSupervisor(a, environ, stdout, stderr, cfg, log)
	supErr := make(chan error, 1)
	go func() { supErr <- sup.run(workCtx) }()

	d, err := newDevhost(workCtx, cfg, a, envMap(environ), sup, &wg, log)
	if err != nil {
		return err
	}
	d.start(workCtx, &wg)
	srv := &http.Server{Handler: d.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	var runErr error
	select {
	case <-ctx.Done():
		log.Info().Msg("stopping")
	case runErr = <-supErr:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	cancelWork()
	wg.Wait()
	if runErr == nil {
		runErr = <-supErr
	}
	return runErr
}

func newLogger(w io.Writer, format string) zerolog.Logger {
	if format == "json" {
		return zerolog.New(w).With().Timestamp().Str("service", "devhost").Logger()
	}
	cw := zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05", NoColor: true}
	return zerolog.New(cw).With().Timestamp().Logger()
}

// displayURL turns a loopback or wildcard listener address into http://localhost:port.
func displayURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	if tcp.IP.IsLoopback() || tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d", tcp.Port)
	}
	return "http://" + tcp.String()
}
