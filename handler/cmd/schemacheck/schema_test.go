package main

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedSchemas returns ../shared/schemas (via PT_SHARED_DIR) or skips loudly.
func sharedSchemas(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PT_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared")
	}
	schemas := filepath.Join(dir, "schemas")
	if _, err := os.Stat(filepath.Join(schemas, "host.json")); err != nil {
		tb.Skip("SKIPPED: ../shared not found (set PT_SHARED_DIR); schema checks not run")
	}
	return schemas
}

func TestHostJSONMatchesSchema(t *testing.T) {
	schemas := sharedSchemas(t)
	host := filepath.Join("..", "..", "..", "host.json")
	if err := ValidateFile(filepath.Join(schemas, "host.json"), host); err != nil {
		t.Fatal(err)
	}
}

func TestLocalSettingsExampleMatchesSchema(t *testing.T) {
	schemas := sharedSchemas(t)
	example := filepath.Join("..", "..", "..", "local.settings.example.json")
	if _, err := os.Stat(example); err != nil {
		t.Skip("SKIPPED: local.settings.example.json not in the repository yet")
	}
	if err := ValidateFile(filepath.Join(schemas, "local.settings.json"), example); err != nil {
		t.Fatal(err)
	}
}

func TestSchemaRejectsBadHostJSON(t *testing.T) {
	schemas := sharedSchemas(t)
	bad := filepath.Join(t.TempDir(), "host.json")
	doc := `{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"x"},` +
		`"unknownKey":true}}`
	if err := os.WriteFile(bad, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ValidateFile(filepath.Join(schemas, "host.json"), bad); err == nil {
		t.Fatal("a customHandler with an unknown key validated")
	}
}
