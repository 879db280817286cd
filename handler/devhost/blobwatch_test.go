package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/google/uuid"

	"patienttracker/handler/funchost"
)

// azuriteURL returns the test Azurite blob endpoint, skipping loudly without one.
func azuriteURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("PT_TEST_AZURITE_BLOB_URL")
	if u == "" {
		tb.Skip("SKIPPED: PT_TEST_AZURITE_BLOB_URL is not set; run " +
			"`bash handler/devenv/with-azurite.sh go test ./handler/devhost/...`")
	}
	return u
}

// testContainer creates a container of its own on Azurite, removed at cleanup.
func testContainer(tb testing.TB, client *azblob.Client, name string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := client.CreateContainer(ctx, name, nil); err != nil {
		tb.Fatalf("create container %s: %v", name, err)
	}
	tb.Cleanup(func() { _, _ = client.DeleteContainer(context.Background(), name, nil) })
}

func fixturePNG(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(tb), "fixtures", "blob.request.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var req funchost.Request
	if err := json.Unmarshal(b, &req); err != nil {
		tb.Fatal(err)
	}
	png, err := funchost.DecodeBytes(req.Data["document"])
	if err != nil {
		tb.Fatal(err)
	}
	return png
}

func TestBlobWatcherSendsHostEnvelopes(t *testing.T) {
	t.Parallel()
	blobURL := azuriteURL(t)
	png := fixturePNG(t)
	client, err := newBlobClient(blobURL, azuriteAccount, azuriteKey)
	if err != nil {
		t.Fatal(err)
	}
	name := "docs" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	testContainer(t, client, name)
	testContainer(t, client, name+"-fail")
	d := startDevhost(t, runOptions{blobContainer: name, extraArgs: []string{
		"-azurite-blob-url", blobURL, "-blob-poll-interval", "100ms"}})

	patient, doc := uuid.NewString(), uuid.NewString()
	ctx := context.Background()
	contentType := "image/png"
	_, err = client.UploadBuffer(ctx, name, patient+"/"+doc, png, &azblob.UploadBufferOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: &contentType},
		Metadata:    map[string]*string{"uploadedBy": ptr("clinician-42")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.UploadBuffer(ctx, name, "ignored-no-second-segment", []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}

	rec := d.waitRecords(t, "invocations.jsonl", 1, forFunction("ProcessDocument"))[0]
	assertEnvelopeTransport(t, rec)
	goldenKeys(t, rec["body"], "blob.request.json")
	checkBlobEnvelope(t, rec["body"], png, blobURL+"/"+name+"/"+patient+"/"+doc, patient, doc)

	// The same blob and ETag is delivered once; the admin endpoint delivers it again.
	resp, _ := do(t, newRequest(t, "POST", d.URL+"/admin/functions/ProcessDocument",
		strings.NewReader(`{"input":"`+name+"/"+patient+"/"+doc+`"}`)))
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("admin run = %d, want 202", resp.StatusCode)
	}
	d.waitRecords(t, "invocations.jsonl", 2, forFunction("ProcessDocument"))
	time.Sleep(300 * time.Millisecond) // three more polls must not deliver it again
	n := 0
	for _, r := range d.records(t, "invocations.jsonl") {
		if r["function"] == "ProcessDocument" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("ProcessDocument invoked %d times, want 2 (one poll, one admin run)", n)
	}
}

func TestBlobWatcherRetriesThenPoisons(t *testing.T) {
	t.Parallel()
	blobURL := azuriteURL(t)
	client, err := newBlobClient(blobURL, azuriteAccount, azuriteKey)
	if err != nil {
		t.Fatal(err)
	}
	name := "docs" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	testContainer(t, client, name)
	testContainer(t, client, name+"-fail")
	d := startDevhost(t, runOptions{blobContainer: name, extraArgs: []string{
		"-azurite-blob-url", blobURL, "-blob-poll-interval", "50ms"}})

	_, err = client.UploadBuffer(context.Background(), name+"-fail", "p/d", []byte{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.waitRecords(t, "invocations.jsonl", 5, forFunction("FailingDocument"))
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(d.output(), "blob poisoned") {
		if time.Now().After(deadline) {
			t.Fatalf("no poison log line:\n%s", d.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // later polls must leave the poisoned blob alone
	got := d.records(t, "invocations.jsonl")
	n := 0
	for _, r := range got {
		if r["function"] == "FailingDocument" {
			n++
			body := r["body"].(map[string]any)
			if body["Data"].(map[string]any)["document"] != "" {
				t.Errorf("zero-byte blob sent as %v", body["Data"])
			}
		}
	}
	if n != 5 {
		t.Errorf("FailingDocument invoked %d times, want 5 (poisonBlobThreshold)", n)
	}
}

// checkBlobEnvelope checks the encodings of a blob envelope the watcher sent.
func checkBlobEnvelope(tb testing.TB, body any, content []byte, uri, patient, doc string) {
	tb.Helper()
	raw, _ := json.Marshal(body)
	var req funchost.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		tb.Fatal(err)
	}
	if got := string(req.Metadata["Uri"]); got != string(funchost.EncodeText(uri)) {
		tb.Errorf("Uri = %s, want double-encoded %q", got, uri)
	}
	if string(req.Metadata["patientId"]) != string(funchost.EncodeText(patient)) {
		tb.Errorf("patientId = %s, want double-encoded", req.Metadata["patientId"])
	}
	b, err := req.DecodeBlob("document", "x/{patientId}/{documentId}")
	if err != nil {
		tb.Fatal(err)
	}
	sum := md5.Sum(content)
	if !bytes.Equal(b.Content, content) || !bytes.Equal(b.Properties.ContentHash, sum[:]) ||
		b.Properties.ContentLength != int64(len(content)) ||
		b.Properties.ContentType != "image/png" || b.Params["documentId"] != doc ||
		// The Go SDK lower-cases user metadata names when listing.
		b.Metadata["uploadedby"] != "clinician-42" {
		tb.Errorf("blob = %d bytes, properties %+v, params %v, metadata %v", len(b.Content),
			b.Properties, b.Params, b.Metadata)
	}
	props := body.(map[string]any)["Metadata"].(map[string]any)["Properties"].(map[string]any)
	for _, k := range []string{"LastModified", "CreatedOn"} {
		if s, _ := props[k].(string); !strings.HasSuffix(s, "+00:00") || strings.Contains(s, ".") {
			tb.Errorf("Properties.%s = %q, want seconds with +00:00", k, s)
		}
	}
	if props["CopyCompletedOn"] != "0001-01-01T00:00:00+00:00" {
		tb.Errorf("Properties.CopyCompletedOn = %v", props["CopyCompletedOn"])
	}
	if etag, ok := props["ETag"].(map[string]any); !ok || len(etag) != 0 {
		tb.Errorf("Properties.ETag = %v, want {}", props["ETag"])
	}
}

func ptr[T any](v T) *T { return &v }
