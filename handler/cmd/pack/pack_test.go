package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (slash path -> mode) under a new temporary folder.
func writeTree(tb testing.TB, files map[string]os.FileMode) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, mode := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), mode); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func TestVerifyZip(t *testing.T) {
	good := map[string]os.FileMode{
		"host.json":              0o644,
		"Health/function.json":   0o644,
		"Patients/function.json": 0o644,
		"patient-tracker":        0o755,
	}
	tests := []struct {
		name    string
		change  func(map[string]os.FileMode)
		wantErr string
	}{
		{name: "good package", change: func(map[string]os.FileMode) {}},
		{
			name:    "function folder missing",
			change:  func(m map[string]os.FileMode) { delete(m, "Patients/function.json") },
			wantErr: "function Patients missing",
		},
		{
			name:    "binary not executable",
			change:  func(m map[string]os.FileMode) { m["patient-tracker"] = 0o644 },
			wantErr: "mode 0644, want 0755",
		},
		{
			name:    "binary missing",
			change:  func(m map[string]os.FileMode) { delete(m, "patient-tracker") },
			wantErr: "handler binary patient-tracker missing",
		},
		{
			name:    "host.json missing",
			change:  func(m map[string]os.FileMode) { delete(m, "host.json") },
			wantErr: "host.json missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := make(map[string]os.FileMode, len(good))
			for k, v := range good {
				files[k] = v
			}
			tt.change(files)
			dir := writeTree(t, files)
			dest := filepath.Join(t.TempDir(), "p.zip")
			if _, err := WriteZip(dir, dest); err != nil {
				t.Fatalf("WriteZip: %v", err)
			}

			err := VerifyZip(dest, []string{"Health", "Patients"}, "patient-tracker")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("VerifyZip: unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("VerifyZip error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWriteZipLeavesOutLocalSettings(t *testing.T) {
	dir := writeTree(t, map[string]os.FileMode{
		"host.json":            0o644,
		"local.settings.json":  0o600,
		"Health/function.json": 0o644,
		"patient-tracker":      0o755,
	})
	dest := filepath.Join(t.TempDir(), "p.zip")

	n, err := WriteZip(dir, dest)
	if err != nil {
		t.Fatalf("WriteZip: %v", err)
	}
	if n != 3 {
		t.Fatalf("WriteZip wrote %d entries, want 3", n)
	}
	if err := VerifyZip(dest, []string{"Health"}, "patient-tracker"); err != nil {
		t.Fatalf("VerifyZip: %v", err)
	}
}

func TestWriteZipIsReproducible(t *testing.T) {
	dir := writeTree(t, map[string]os.FileMode{
		"host.json":            0o644,
		"Health/function.json": 0o644,
		"patient-tracker":      0o755,
	})
	a, b := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
	for _, dest := range []string{a, b} {
		if _, err := WriteZip(dir, dest); err != nil {
			t.Fatalf("WriteZip: %v", err)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if string(da) != string(db) {
		t.Fatal("two zips of the same folder differ")
	}
}
