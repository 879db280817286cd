package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// config holds the dev host's flags.
type config struct {
	appRoot             string
	listen              string
	staticDir           string
	envFile             string
	blobURL             string
	blobAccount         string
	blobKey             string
	devUsers            []devUser
	allowTestUserHeader bool
	stopGrace           time.Duration
	readyTimeout        time.Duration
	blobPollInterval    time.Duration
	logFormat           string
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("devhost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.appRoot, "app-root", ".build/app",
		"app root: host.json, one folder per function, the handler binary")
	fs.StringVar(&c.listen, "listen", "127.0.0.1:7071", "address to serve on")
	fs.StringVar(&c.staticDir, "static", "staticweb/out",
		"static export to serve at / (optional)")
	fs.StringVar(&c.envFile, "env-file", "",
		"app settings added to the environment: local.settings.json or KEY=VALUE lines")
	fs.StringVar(&c.blobURL, "azurite-blob-url", "",
		"blob endpoint for blob triggers, e.g. http://127.0.0.1:10000/devstoreaccount1 "+
			"(default: the binding's connection setting, if set)")
	fs.StringVar(&c.blobAccount, "azurite-account", azuriteAccount, "storage account name")
	fs.StringVar(&c.blobKey, "azurite-key", azuriteKey, "storage account key")
	users := fs.String("dev-users", defaultDevUsers, "dev users offered at sign-in: id=email,...")
	fs.BoolVar(&c.allowTestUserHeader, "allow-test-user-header", false,
		"accept X-Devhost-User: <userId> as a sign-in (tests only)")
	fs.DurationVar(&c.stopGrace, "stop-grace", 10*time.Second,
		"time between SIGTERM and SIGKILL when stopping the handler")
	fs.DurationVar(&c.readyTimeout, "ready-timeout", defaultReady,
		"how long the handler may take to answer GET / before it is restarted")
	fs.DurationVar(&c.blobPollInterval, "blob-poll-interval", 500*time.Millisecond,
		"how often blob containers are listed")
	fs.StringVar(&c.logFormat, "log-format", "console", "console or json")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	var err error
	if c.devUsers, err = parseDevUsers(*users); err != nil {
		return c, err
	}
	return c, nil
}
