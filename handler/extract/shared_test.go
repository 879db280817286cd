package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// sharedDir returns the shared test material: $PT_SHARED_DIR, or the
// ../shared folder next to the repository, found by walking up from this
// package. It skips the test loudly when neither exists.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("PT_SHARED_DIR"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	for dir := filepath.Dir(file); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "..", "shared")
		if _, err := os.Stat(filepath.Join(cand, "testdata", "real", "manifest.json")); err == nil {
			return cand
		}
	}
	tb.Skip("SKIPPED: ../shared not found (set PT_SHARED_DIR); real-file tests did not run")
	return ""
}

// manifestFile is one entry of testdata/real/manifest.json.
type manifestFile struct {
	Path                 string  `json:"path"`
	SizeBytes            int64   `json:"sizeBytes"`
	SHA256               string  `json:"sha256"`
	MediaType            *string `json:"mediaType"`
	ExtensionMatchesType bool    `json:"extensionMatchesType"`
	ExpectedStatus       *string `json:"expectedStatus"`
	Pages                *int    `json:"pages"`
	Encrypted            *bool   `json:"encrypted"`
	OpensWithoutPassword *bool   `json:"opensWithoutPassword"`
	HasTextLayer         *bool   `json:"hasTextLayer"`
	TextSample           string  `json:"textSample"`
	Title                string  `json:"title"`
	Author               string  `json:"author"`
	Creator              string  `json:"creator"`
	Width                *int    `json:"width"`
	Height               *int    `json:"height"`
	ExifOrientation      *int    `json:"exifOrientation"`
	UprightWidth         *int    `json:"uprightWidth"`
	UprightHeight        *int    `json:"uprightHeight"`
	Encoding             string  `json:"encoding"`
	HasBOM               *bool   `json:"hasBOM"`
	NULBytes             *int    `json:"nulBytes"`
}

// loadManifest reads the manifest of the real test files.
func loadManifest(tb testing.TB) (string, []manifestFile) {
	tb.Helper()
	dir := filepath.Join(sharedDir(tb), "testdata", "real")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		tb.Fatalf("read manifest: %v", err)
	}
	var m struct {
		Files []manifestFile `json:"files"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("parse manifest: %v", err)
	}
	return dir, m.Files
}

// readReal reads one real test file by its manifest path.
func readReal(tb testing.TB, name string) []byte {
	tb.Helper()
	dir := filepath.Join(sharedDir(tb), "testdata", "real")
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	return b
}
