package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// productionMarkers are environment variables the Functions and App Service platform
// sets; their presence means the dev host is running in Azure.
var productionMarkers = []string{"WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME"}

// refuseProduction returns an error when env looks like Azure or a production
// configuration: the dev host signs anyone in and must never run there.
func refuseProduction(env map[string]string) error {
	for _, k := range productionMarkers {
		if env[k] != "" {
			return fmt.Errorf("refusing to start: %s is set, so this looks like Azure; "+
				"the dev host signs users in without a password", k)
		}
	}
	if strings.EqualFold(strings.TrimSpace(env["PT_ENVIRONMENT"]), "production") {
		return errors.New("refusing to start: PT_ENVIRONMENT=production")
	}
	return nil
}

// readEnvFile reads app settings from a local.settings.json (its Values) or from a
// dotenv-style file of KEY=VALUE lines (blank lines and # comments ignored, values may
// be quoted).
func readEnvFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read env file: %w", err)
	}
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		var doc struct {
			Values map[string]string `json:"Values"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("parse env file %s: %w", path, err)
		}
		return doc.Values, nil
	}
	values := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("parse env file %s: line %d is not KEY=VALUE", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		values[strings.TrimSpace(k)] = v
	}
	return values, nil
}

// mergeEnv returns base (KEY=VALUE entries) with overrides applied: existing keys are
// replaced in place and new keys appended, so no key appears twice.
func mergeEnv(base []string, overrides map[string]string) []string {
	out := make([]string, 0, len(base)+len(overrides))
	done := map[string]bool{}
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if v, ok := overrides[k]; ok {
			if !done[k] {
				out = append(out, k+"="+v)
				done[k] = true
			}
			continue
		}
		out = append(out, kv)
	}
	for k, v := range overrides {
		if !done[k] {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// envMap turns KEY=VALUE entries into a map (later entries win).
func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
