package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/audit"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/blobstore/blobtest"
	"patienttracker/handler/document"
	"patienttracker/handler/document/doctest"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// procEnv is a database and a store of a test's own, with helpers that play the
// browser (upload request, PUT with the SAS) and the host (the envelope).
type procEnv struct {
	t     testing.TB
	db    *postgres.DB
	store *blobstore.Store
}

func newProcEnv(t testing.TB) *procEnv {
	t.Helper()
	store := blobtest.NewStore(t, blobtest.Options{})
	db, err := postgres.Open(context.Background(), postgres.Options{URL: pgtest.NewDatabase(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return &procEnv{t: t, db: db, store: store}
}

func (e *procEnv) patient() uuid.UUID {
	e.t.Helper()
	p := &patient.Patient{GivenNames: "Ann", FamilyName: "Lee", Sex: patient.Sex("female"),
		BirthDate:   patient.DateOf(time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC)),
		Identifiers: []patient.Identifier{}}
	if _, err := e.db.CreatePatient(context.Background(), audit.System("test", ""), p); err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

// upload records an upload request and PUTs data with its SAS; it returns the blob name.
func (e *procEnv) upload(patientID uuid.UUID, name, ct string, data []byte) (uuid.UUID, string) {
	e.t.Helper()
	ctx := context.Background()
	d := &document.Document{ID: uuid.New(), PatientID: patientID, FileName: name,
		DeclaredType: ct, DeclaredSize: int64(len(data))}
	blob := document.BlobName(patientID, d.ID)
	sas, err := e.store.UploadURL(ctx, blob, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.CreateDocument(ctx, audit.System("test", ""), d, sas.ExpiresAt); err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, sas.URL, bytes.NewReader(data))
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("PUT: %v %v", err, resp)
	}
	resp.Body.Close()
	return d.ID, blob
}

// envelope builds the host's invocation for a blob with funchost's builder.
func (e *procEnv) envelope(blob string) funchost.Request {
	e.t.Helper()
	c, err := azblob.NewClientFromConnectionString(blobtest.ConnectionString(e.t), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	container := e.store.Container()
	dl, err := c.DownloadStream(context.Background(), container, blob, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	content, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	props := funchost.NewHostBlobProperties(int64(len(content)), *dl.ContentType,
		dl.ContentMD5, *dl.LastModified, *dl.LastModified)
	req, err := funchost.BuildBlob(funchost.Envelope{FunctionName: jobs.ProcessDocumentName,
		Binding: jobs.ProcessDocumentBinding, Now: time.Now(), RandGUID: uuid.NewString()},
		funchost.BlobSource{PathTemplate: jobs.ProcessDocumentPath, Path: "documents/" + blob,
			URI: e.store.URL(blob), Content: content, Properties: props})
	if err != nil {
		e.t.Fatal(err)
	}
	return req
}

// invoke sends an envelope to p through the host transport; it returns the status.
func (e *procEnv) invoke(p *jobs.DocumentProcessor, req funchost.Request) int {
	e.t.Helper()
	body, _ := json.Marshal(req)
	hr := httptest.NewRequest(http.MethodPost, "/ProcessDocument", bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	log := zerolog.New(zerolog.NewTestWriter(e.t)).Level(zerolog.ErrorLevel)
	hr = hr.WithContext(log.WithContext(hr.Context()))
	rec := httptest.NewRecorder()
	funchost.Handler(jobs.ProcessDocumentName, p.Handle).ServeHTTP(rec, hr)
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		!bytes.HasPrefix(rec.Body.Bytes(), []byte("{")) {
		e.t.Fatalf("reply %q %s", rec.Header().Get("Content-Type"), rec.Body.Bytes())
	}
	return rec.Code
}

func (e *procEnv) document(id uuid.UUID) *document.Document {
	e.t.Helper()
	d, err := e.db.FindDocument(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func pdf(seed uint64) []byte {
	return doctest.TextPDF(rand.New(rand.NewPCG(seed, 1)), 1, "Referral letter", 20)
}

// TestU20TransientFaultsAreRetriedThenFail: with the database down the reply is 500
// (the host retries); with storage failing on every try the document ends failed
// (processing_error) on the fifth, still answered 500 so the host poisons the blob,
// and other blobs are unaffected.
func TestU20TransientFaultsAreRetriedThenFail(t *testing.T) {
	t.Parallel()
	e := newProcEnv(t)
	p := e.patient()
	id, blob := e.upload(p, "a.pdf", "application/pdf", pdf(1))
	env := e.envelope(blob)

	down, err := postgres.Open(context.Background(), postgres.Options{
		URL: "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"})
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	if s := e.invoke(&jobs.DocumentProcessor{DB: down, Store: e.store}, env); s != 500 {
		t.Errorf("database down: %d, want 500", s)
	}

	dead, err := blobstore.New(blobstore.Config{Container: "documents", QuarantineContainer: "q",
		ConnectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
			"AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1"})
	if err != nil {
		t.Fatal(err)
	}
	broken := &jobs.DocumentProcessor{DB: e.db, Store: dead}
	for try := 1; try <= jobs.DefaultMaxAttempts; try++ {
		if s := e.invoke(broken, env); s != 500 {
			t.Fatalf("storage down, try %d: %d, want 500", try, s)
		}
		if d := e.document(id); try < jobs.DefaultMaxAttempts && d.Status != "processing" {
			t.Errorf("try %d: status %s", try, d.Status)
		}
	}
	if d := e.document(id); d.Status != document.StatusFailed ||
		d.Reason != document.ReasonProcessingError {
		t.Errorf("after the last try: %s %s", d.Status, d.Reason)
	}
	good := &jobs.DocumentProcessor{DB: e.db, Store: e.store}
	if s := e.invoke(good, env); s != 200 {
		t.Errorf("a delivery after giving up: %d", s)
	}
	other, otherBlob := e.upload(p, "b.pdf", "application/pdf", pdf(2))
	if s := e.invoke(good, e.envelope(otherBlob)); s != 200 ||
		e.document(other).Status != document.StatusReady {
		t.Errorf("another blob: %d %s", s, e.document(other).Status)
	}
}

// TestU11MalwareVerdict: with scanning on, Defender's tag decides: Malicious is
// quarantined (reason malware) and never served, no verdict yet is retried, a clean
// one proceeds. [staging] for the real Defender; the tag is written by hand here.
func TestU11MalwareVerdict(t *testing.T) {
	t.Parallel()
	e := newProcEnv(t)
	p := e.patient()
	proc := &jobs.DocumentProcessor{DB: e.db, Store: e.store, MalwareScanning: true}
	c, err := azblob.NewClientFromConnectionString(blobtest.ConnectionString(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	tag := func(blob, verdict string) {
		bc := c.ServiceClient().NewContainerClient(e.store.Container()).NewBlobClient(blob)
		if _, err := bc.SetTags(context.Background(),
			map[string]string{blobstore.ScanResultTag: verdict}, nil); err != nil {
			t.Fatal(err)
		}
	}
	bad, badBlob := e.upload(p, "test.pdf", "application/pdf", pdf(3))
	if s := e.invoke(proc, e.envelope(badBlob)); s != 500 {
		t.Errorf("no verdict yet: %d, want 500 (retry)", s)
	}
	tag(badBlob, blobstore.ScanMalicious)
	env := e.envelope(badBlob)
	if s := e.invoke(proc, env); s != 200 {
		t.Errorf("malicious: %d", s)
	}
	if d := e.document(bad); d.Status != document.StatusQuarantined ||
		d.Reason != document.ReasonMalware {
		t.Errorf("malicious: %s %s", d.Status, d.Reason)
	}
	if _, err := e.store.Download(context.Background(), badBlob, 1<<20); err == nil {
		t.Error("malicious blob still in the documents container")
	}

	good, goodBlob := e.upload(p, "ok.pdf", "application/pdf", pdf(4))
	tag(goodBlob, blobstore.ScanClean)
	if s := e.invoke(proc, e.envelope(goodBlob)); s != 200 ||
		e.document(good).Status != document.StatusReady {
		t.Errorf("clean: %d %s", s, e.document(good).Status)
	}
}

// TestMalformedEnvelopeIsNotRetried: an envelope that cannot be decoded is a bug of
// the sender, answered 200 with a log line so it burns no retries.
func TestMalformedEnvelopeIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newProcEnv(t)
	proc := &jobs.DocumentProcessor{DB: e.db, Store: e.store}
	req := funchost.Request{Data: map[string]json.RawMessage{"document": json.RawMessage(`"%%%"`)},
		Metadata: map[string]json.RawMessage{}}
	if s := e.invoke(proc, req); s != 200 {
		t.Errorf("malformed envelope: %d", s)
	}
}
