package main

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// env is a getenv over a map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// validSettings are the least a test deployment needs.
func validSettings() map[string]string {
	return map[string]string{"FUNCTIONS_CUSTOMHANDLER_PORT": "7071",
		"PT_ENVIRONMENT": "test", "PT_DATABASE_URL": "postgres://pt@127.0.0.1:5432/pt"}
}

func TestLoadConfig_Defaults(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(envOf(validSettings()), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 7071 || c.Environment != "test" || c.DevAuth || c.DatabaseEntra ||
		c.ClinicTimeZone.String() != "UTC" || c.LogLevel != zerolog.InfoLevel ||
		c.DBMaxConns != 10 || c.StatementTimeout != 5*time.Second ||
		c.SearchPerMinute != 300 || c.ReadsPerMinute != 600 {
		t.Errorf("defaults: %+v", c)
	}
	if got := c.allowedProviders(); len(got) != 1 || got[0] != "aad" {
		t.Errorf("providers %v, want only aad", got)
	}
}

// TestLoadConfig_BadSettingNamesItself: every bad setting is reported, by name, all at
// once; the message never repeats a secret.
func TestLoadConfig_BadSettingNamesItself(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value string }{
		{"FUNCTIONS_CUSTOMHANDLER_PORT", ""},
		{"FUNCTIONS_CUSTOMHANDLER_PORT", "70000"},
		{"PT_ENVIRONMENT", "staging"},
		{"PT_DATABASE_URL", ""},
		{"PT_DATABASE_URL", "mysql://root:hunter2@db/x"},
		{"PT_DATABASE_ENTRA_AUTH", "yes"},
		{"PT_DEV_AUTH", "on"},
		{"PT_CLINIC_TIMEZONE", "Mars/Olympus_Mons"},
		{"PT_LOG_LEVEL", "loud"},
		{"PT_DATABASE_MAX_CONNS", "0"},
		{"PT_DATABASE_MAX_CONNS", "ten"},
		{"PT_STATEMENT_TIMEOUT_MS", "5"},
		{"PT_SEARCH_PER_MINUTE", "-1"},
		{"PT_READS_PER_MINUTE", "many"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			s := validSettings()
			s[tt.name] = tt.value
			_, err := loadConfig(envOf(s), true)
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Fatalf("error %v does not name %s", err, tt.name)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the message repeats a secret: %v", err)
			}
		})
	}
	s := validSettings()
	s["PT_LOG_LEVEL"], s["PT_CLINIC_TIMEZONE"] = "loud", "Nowhere"
	_, err := loadConfig(envOf(s), true)
	if err == nil || !strings.Contains(err.Error(), "PT_LOG_LEVEL") ||
		!strings.Contains(err.Error(), "PT_CLINIC_TIMEZONE") {
		t.Errorf("both bad settings should be named at once: %v", err)
	}
}

// TestA14_DevAuthOnlyOutsideProduction: the dev sign-in is refused in production, and
// production is what an unset PT_ENVIRONMENT means.
func TestA14_DevAuthOnlyOutsideProduction(t *testing.T) {
	t.Parallel()
	for _, environment := range []string{"production", ""} {
		s := validSettings()
		s["PT_ENVIRONMENT"], s["PT_DEV_AUTH"] = environment, "1"
		_, err := loadConfig(envOf(s), true)
		if err == nil || !strings.Contains(err.Error(), "PT_DEV_AUTH") {
			t.Errorf("PT_ENVIRONMENT=%q with PT_DEV_AUTH=1: %v", environment, err)
		}
	}
	for _, environment := range []string{"development", "test"} {
		s := validSettings()
		s["PT_ENVIRONMENT"], s["PT_DEV_AUTH"] = environment, "true"
		c, err := loadConfig(envOf(s), true)
		if err != nil || len(c.allowedProviders()) != 2 {
			t.Errorf("PT_ENVIRONMENT=%s with dev auth: %v %v", environment, err,
				c.allowedProviders())
		}
	}
}

func TestLoadConfig_PortOnlyForServing(t *testing.T) {
	t.Parallel()
	s := validSettings()
	delete(s, "FUNCTIONS_CUSTOMHANDLER_PORT")
	if _, err := loadConfig(envOf(s), false); err != nil {
		t.Errorf("a subcommand needs no port: %v", err)
	}
}

func TestLogFields_MasksPassword(t *testing.T) {
	t.Parallel()
	s := validSettings()
	s["PT_DATABASE_URL"] = "postgres://pt:hunter2@db.example:5432/pt"
	c, err := loadConfig(envOf(s), true)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	log := zerolog.New(&b)
	c.logFields(log.Info()).Msg("x")
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "db.example") {
		t.Errorf("start-up log line %s", b.String())
	}
}
