package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keyPaths lists every object key path in a JSON document ("Metadata.sys.UtcNow"),
// treating arrays and user metadata maps (whose keys are data) as leaves.
func keyPaths(prefix string, v any, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok || strings.HasSuffix(prefix, ".Metadata") {
		return
	}
	for k, child := range m {
		p := strings.TrimPrefix(prefix+"."+k, ".")
		*out = append(*out, p)
		keyPaths(p, child, out)
	}
}

// goldenKeys compares a sent envelope's key paths with a shared fixture's.
func goldenKeys(tb testing.TB, got any, fixture string) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(tb), "fixtures", fixture))
	if err != nil {
		tb.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(b, &want); err != nil {
		tb.Fatal(err)
	}
	var gotKeys, wantKeys []string
	keyPaths("", got, &gotKeys)
	keyPaths("", want, &wantKeys)
	sort.Strings(gotKeys)
	sort.Strings(wantKeys)
	if diff := cmp.Diff(gotKeys, wantKeys); diff != "" {
		tb.Errorf("key paths differ from %s (-got +want):\n%s", fixture, diff)
	}
	sys := got.(map[string]any)["Metadata"].(map[string]any)["sys"].(map[string]any)
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`).
		MatchString(sys["UtcNow"].(string)) || !guidRE.MatchString(sys["RandGuid"].(string)) {
		tb.Errorf("sys = %v", sys)
	}
}
