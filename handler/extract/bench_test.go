package extract_test

import (
	"context"
	"fmt"
	"testing"

	"patienttracker/handler/extract"
	"patienttracker/handler/extract/extracttest"
)

var sizes = []struct {
	name  string
	bytes int
}{{"1MB", 1 << 20}, {"10MB", 10 << 20}}

// BenchmarkCeiling measures sniffing and hashing alone: the ceiling each
// kind's Inspect throughput is compared with (make bench computes ratios).
func BenchmarkCeiling(b *testing.B) {
	for _, s := range sizes {
		b.Run(s.name, func(b *testing.B) {
			data := document(b, "text", s.bytes)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				extract.SniffAndHash(data)
			}
		})
	}
}

// BenchmarkInspect measures Inspect per document kind and size.
func BenchmarkInspect(b *testing.B) {
	for _, kind := range extracttest.Kinds {
		for _, s := range sizes {
			b.Run(fmt.Sprintf("%s/%s", kind, s.name), func(b *testing.B) {
				data := document(b, kind, s.bytes)
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					res, err := extract.Inspect(context.Background(), data, extract.Declared{},
						extract.Options{})
					if err != nil || res.Status != extract.StatusReady {
						b.Fatalf("%v %s %s %s", err, res.Status, res.Reason, res.Detail)
					}
				}
			})
		}
	}
}

// document generates a benchmark input; b.Loop leaves this setup out of
// the measurement.
func document(b *testing.B, kind string, size int) []byte {
	b.Helper()
	data, err := extracttest.Document(kind, size)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
