// Package blobtest gives each test containers of its own in the real Azurite that
// handler/devenv/with-azurite.sh starts, and removes them when the test ends.
package blobtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"patienttracker/handler/blobstore"
)

// ConnectionString returns the Azurite connection string for the test blob endpoint
// ($PT_TEST_AZURITE_BLOB_URL), skipping the test loudly when it is not set.
func ConnectionString(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("PT_TEST_AZURITE_BLOB_URL")
	if u == "" {
		tb.Skip("SKIPPED: PT_TEST_AZURITE_BLOB_URL is not set; run the tests with " +
			"bash handler/devenv/with-azurite.sh go test ...")
	}
	return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
		"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" +
		"K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" + u + ";"
}

// Options adjust a test store.
type Options struct {
	// Now is the store's clock (time.Now when nil).
	Now func() time.Time
}

// NewStore returns a store on fresh, uniquely named documents and quarantine containers,
// created now and deleted with their blobs when the test ends.
func NewStore(tb testing.TB, o Options) *blobstore.Store {
	tb.Helper()
	suffix := randomHex(6)
	s, err := blobstore.New(blobstore.Config{ConnectionString: ConnectionString(tb),
		Container: "documents-" + suffix, QuarantineContainer: "quarantine-" + suffix,
		Now: o.Now})
	if err != nil {
		tb.Fatalf("new blob store: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureContainers(ctx); err != nil {
		tb.Fatalf("create test containers (is Azurite running?): %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.DeleteContainers(ctx); err != nil {
			tb.Errorf("delete test containers: %v", err)
		}
	})
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
