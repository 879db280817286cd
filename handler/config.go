package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Config is every setting the binary reads, once, at start. A bad setting stops start-up
// with a message naming it.
type Config struct {
	Port             int            // FUNCTIONS_CUSTOMHANDLER_PORT, set by the Functions host
	Environment      string         // PT_ENVIRONMENT: development, test or production
	DatabaseURL      string         // PT_DATABASE_URL
	DatabaseEntra    bool           // PT_DATABASE_ENTRA_AUTH: password is an Entra token
	DevAuth          bool           // PT_DEV_AUTH: accept the dev host's "dev" provider
	FirstAdminEmail  string         // PT_FIRST_ADMIN_EMAIL
	ClinicTimeZone   *time.Location // PT_CLINIC_TIMEZONE (IANA)
	LogLevel         zerolog.Level  // PT_LOG_LEVEL
	DBMaxConns       int32          // PT_DATABASE_MAX_CONNS
	StatementTimeout time.Duration  // PT_STATEMENT_TIMEOUT
	SearchPerMinute  int            // PT_SEARCH_PER_MINUTE (0 = unlimited)
	ReadsPerMinute   int            // PT_READS_PER_MINUTE (0 = unlimited)

	// Each feature reads its own settings in its wire_*.go file.
	Documents DocumentsConfig
	Analytics AnalyticsConfig
	Imports   ImportsConfig
}

// loadConfig reads the configuration from getenv. Only the serving command needs a port.
func loadConfig(getenv func(string) string, needPort bool) (Config, error) {
	var errs []error
	bad := func(name, why string) { errs = append(errs, fmt.Errorf("%s: %s", name, why)) }
	c := Config{
		Environment:     orDefault(getenv("PT_ENVIRONMENT"), "production"),
		DatabaseURL:     getenv("PT_DATABASE_URL"),
		FirstAdminEmail: strings.TrimSpace(getenv("PT_FIRST_ADMIN_EMAIL")),
	}
	if needPort {
		p, err := strconv.Atoi(getenv("FUNCTIONS_CUSTOMHANDLER_PORT"))
		if err != nil || p < 1 || p > 65535 {
			bad("FUNCTIONS_CUSTOMHANDLER_PORT", "must be a TCP port number (the host sets it)")
		}
		c.Port = p
	}
	switch c.Environment {
	case "development", "test", "production":
	default:
		bad("PT_ENVIRONMENT", "must be development, test or production")
	}
	if u, err := url.Parse(c.DatabaseURL); c.DatabaseURL == "" || err != nil ||
		(u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("PT_DATABASE_URL", "must be a postgres:// URL")
	}
	c.DatabaseEntra = parseBool(getenv, "PT_DATABASE_ENTRA_AUTH", bad)
	c.DevAuth = parseBool(getenv, "PT_DEV_AUTH", bad)
	if c.DevAuth && c.Environment == "production" {
		bad("PT_DEV_AUTH", "the dev sign-in is refused in production")
	}
	tz, err := time.LoadLocation(orDefault(getenv("PT_CLINIC_TIMEZONE"), "UTC"))
	if err != nil {
		bad("PT_CLINIC_TIMEZONE", "must be an IANA time zone such as Europe/Paris")
	}
	c.ClinicTimeZone = tz
	c.LogLevel, err = zerolog.ParseLevel(orDefault(getenv("PT_LOG_LEVEL"), "info"))
	if err != nil {
		bad("PT_LOG_LEVEL", "must be debug, info, warn or error")
	}
	c.DBMaxConns = int32(parseInt(getenv, "PT_DATABASE_MAX_CONNS", 10, 1, 1000, bad))
	c.StatementTimeout = time.Duration(parseInt(getenv, "PT_STATEMENT_TIMEOUT_MS", 5000,
		100, 600000, bad)) * time.Millisecond
	c.SearchPerMinute = parseInt(getenv, "PT_SEARCH_PER_MINUTE", 300, 0, 1<<30, bad)
	c.ReadsPerMinute = parseInt(getenv, "PT_READS_PER_MINUTE", 600, 0, 1<<30, bad)
	c.Documents = loadDocumentsConfig(getenv, bad)
	c.Analytics = loadAnalyticsConfig(getenv, bad)
	c.Imports = loadImportsConfig(getenv, bad)
	return c, errors.Join(errs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func parseBool(getenv func(string) string, name string, bad func(string, string)) bool {
	switch strings.ToLower(getenv(name)) {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	}
	bad(name, "must be true or false")
	return false
}

func parseInt(getenv func(string) string, name string, def, lo, hi int,
	bad func(string, string)) int {
	v := getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		bad(name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// allowedProviders are the identity providers the API accepts.
func (c Config) allowedProviders() []string {
	if c.DevAuth {
		return []string{"aad", "dev"}
	}
	return []string{"aad"}
}

// logFields masks the database URL's password for the start-up log line.
func (c Config) logFields(e *zerolog.Event) *zerolog.Event {
	masked := c.DatabaseURL
	if u, err := url.Parse(c.DatabaseURL); err == nil {
		masked = u.Redacted()
	}
	return e.Str("environment", c.Environment).Str("database", masked).
		Bool("database_entra", c.DatabaseEntra).Bool("dev_auth", c.DevAuth).
		Str("clinic_tz", c.ClinicTimeZone.String())
}
