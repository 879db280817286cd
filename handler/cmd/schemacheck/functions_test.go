package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func httpBindings(route, auth string) []binding {
	return []binding{
		{Type: "httpTrigger", Direction: "in", Name: "req", AuthLevel: auth,
			Methods: []string{"get"}, Route: route},
		{Type: "http", Direction: "out", Name: "res"},
	}
}

func TestCheckFunction(t *testing.T) {
	blob := binding{Type: "blobTrigger", Direction: "in", Name: "doc", Source: "EventGrid",
		DataType: "binary", Path: "documents/{patientId}/{documentId}",
		Connection: "DocumentsStorage"}
	timer := binding{Type: "timerTrigger", Direction: "in", Name: "t", Schedule: "0 0 2 * * *"}
	with := func(b binding, f func(*binding)) []binding { f(&b); return []binding{b} }

	tests := []struct {
		name     string
		fn       string
		bindings []binding
		want     string // substring of the first problem; "" for none
	}{
		{"http ok", "Patients", httpBindings("patients/{*rest}", "anonymous"), ""},
		{"blob ok", "ProcessDocument", []binding{blob}, ""},
		{"timer ok", "Cleanup", []binding{timer}, ""},
		{"admin route", "Bad", httpBindings("admin/functions", "anonymous"), "collides"},
		{"runtime route", "Bad", httpBindings("/Runtime/webhooks", "anonymous"), "collides"},
		{"function key", "Bad", httpBindings("me", "function"), "authLevel"},
		{"no route", "Bad", httpBindings("", "anonymous"), "without a route"},
		{"blob polling", "Doc", with(blob, func(b *binding) { b.Source = "LogsAndContainerScan" }),
			"want EventGrid"},
		{"blob as string", "Doc", with(blob, func(b *binding) { b.DataType = "string" }),
			"want binary"},
		{"five-field cron", "Nightly", with(timer, func(b *binding) { b.Schedule = "0 2 * * *" }),
			"want 6"},
		{"unknown trigger", "Q", []binding{{Type: "cosmosDBTrigger", Direction: "in", Name: "x"}},
			"not one we use"},
		{"two triggers", "Two", []binding{timer, timer}, "want exactly 1"},
		{"bad folder name", "9lives", []binding{timer}, "not a valid function name"},
		{"no http output", "Me", httpBindings("me", "anonymous")[:1], "http output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckFunction(tt.fn, tt.bindings)
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected problems: %v", got)
				}
				return
			}
			if len(got) == 0 || !strings.Contains(strings.Join(got, "; "), tt.want) {
				t.Fatalf("problems %v, want one containing %q", got, tt.want)
			}
		})
	}
}

// TestRepositoryFunctions checks the real functions/ folder of the repository.
func TestRepositoryFunctions(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "functions")
	n, err := CheckFunctions(dir)
	if err != nil {
		t.Fatalf("functions/: %v", err)
	}
	if n == 0 {
		t.Fatal("no functions checked")
	}
}

func TestDuplicateRoutes(t *testing.T) {
	dir := t.TempDir()
	body := `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req",` +
		`"authLevel":"anonymous","methods":["get"],"route":"me"},` +
		`{"type":"http","direction":"out","name":"res"}]}`
	for _, fn := range []string{"Me", "Me2"} {
		if err := os.MkdirAll(filepath.Join(dir, fn), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn, "function.json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := CheckFunctions(dir); err == nil || !strings.Contains(err.Error(), "used by") {
		t.Fatalf("CheckFunctions = %v, want a duplicate route error", err)
	}
}
