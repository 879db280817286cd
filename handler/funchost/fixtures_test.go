package funchost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// sharedDir returns the shared folder (PT_SHARED_DIR, else ../../../shared from this
// package), skipping the test loudly when it is missing.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PT_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "fixtures")); err != nil {
		tb.Skipf("SKIPPED: ../shared not found (set PT_SHARED_DIR): %v", err)
	}
	return dir
}

// fixtureBytes reads shared/fixtures/<name> in place.
func fixtureBytes(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(tb), "fixtures", name))
	if err != nil {
		tb.Fatalf("read fixture %s: %v", name, err)
	}
	return b
}

// fixtureRequest decodes a request fixture, letting edit change its generic form first.
func fixtureRequest(tb testing.TB, name string, edit func(doc map[string]any)) Request {
	tb.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fixtureBytes(tb, name), &doc); err != nil {
		tb.Fatalf("parse fixture %s: %v", name, err)
	}
	if edit != nil {
		edit(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatalf("marshal fixture %s: %v", name, err)
	}
	var req Request
	if err := json.Unmarshal(b, &req); err != nil {
		tb.Fatalf("decode fixture %s: %v", name, err)
	}
	return req
}

// obj returns doc[key] as an object, failing when it is not one.
func obj(tb testing.TB, doc map[string]any, keys ...string) map[string]any {
	tb.Helper()
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			tb.Fatalf("fixture key %s is not an object", k)
		}
		cur = next
	}
	return cur
}

var (
	utcNowFormat = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)
	guidFormat   = regexp.MustCompile(
		`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// normaliseSys checks the formats of sys.UtcNow and sys.RandGuid in a generic envelope
// and blanks their values so two envelopes can be compared.
func normaliseSys(tb testing.TB, doc map[string]any) {
	tb.Helper()
	sys := obj(tb, doc, "Metadata", "sys")
	if s, _ := sys["UtcNow"].(string); !utcNowFormat.MatchString(s) {
		tb.Errorf("sys.UtcNow = %q, want 7 fractional digits and Z", s)
	}
	if s, _ := sys["RandGuid"].(string); !guidFormat.MatchString(s) {
		tb.Errorf("sys.RandGuid = %q, want a lower-case guid", s)
	}
	sys["UtcNow"], sys["RandGuid"] = "", ""
}

// generic round-trips v through JSON into maps and slices.
func generic(tb testing.TB, v any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatalf("unmarshal: %v", err)
	}
	return doc
}
