package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"patienttracker/handler/api"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/blobstore/blobtest"
	"patienttracker/handler/document"
	"patienttracker/handler/extract"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
)

// countingSigner is the real store, counting the SAS URLs it mints, so tests can
// assert that a refused request minted none (Z12, U4, U23).
type countingSigner struct {
	*blobstore.Store
	uploads, downloads atomic.Int64
}

func (c *countingSigner) UploadURL(ctx context.Context, name string, ttl time.Duration) (
	blobstore.SignedURL, error) {
	c.uploads.Add(1)
	return c.Store.UploadURL(ctx, name, ttl)
}

func (c *countingSigner) DownloadURL(ctx context.Context, name string, ttl time.Duration,
	cd, ct string) (blobstore.SignedURL, error) {
	c.downloads.Add(1)
	return c.Store.DownloadURL(ctx, name, ttl, cd, ct)
}

// docEnv is an API env whose documents routes use a real store on Azurite, with the
// ProcessDocument function behind the Functions host's transport.
type docEnv struct {
	*env
	store  *blobstore.Store
	signer *countingSigner
	proc   *jobs.DocumentProcessor
	host   http.Handler
}

func newDocEnv(t testing.TB, opts ...func(*api.DocumentsConfig)) *docEnv {
	t.Helper()
	store := blobtest.NewStore(t, blobtest.Options{})
	e := newEnv(t)
	signer := &countingSigner{Store: store}
	cfg := api.DocumentsConfig{Signer: signer, Limits: document.NewLimits(0)}
	for _, o := range opts {
		o(&cfg)
	}
	e.srv = api.New(e.db, api.Config{AllowedProviders: []string{"aad"},
		ClinicLocation: time.UTC}, zerolog.Nop(), e.clock.Now, api.WithDocuments(cfg))
	proc := &jobs.DocumentProcessor{DB: e.db, Store: store,
		Limits: extract.Limits{MaxBytes: cfg.Limits.MaxUploadBytes}}
	return &docEnv{env: e, store: store, signer: signer, proc: proc,
		host: funchost.Handler(jobs.ProcessDocumentName, proc.Handle)}
}

// with returns a view of the env whose helpers report to t (a subtest).
func (d *docEnv) with(t testing.TB) *docEnv {
	e := *d.env
	e.t = t
	c := *d
	c.env = &e
	return &c
}

// intent asks for an upload as user and returns the response's JSON.
func (d *docEnv) intent(user, patientID, fileName, contentType string, size int) result {
	d.t.Helper()
	return d.do(req{user: user, method: "POST", path: "/api/patients/" + patientID +
		"/documents", body: map[string]any{"fileName": fileName, "contentType": contentType,
		"size": size}})
}

// upload runs the browser's part: the upload request, then a PUT of data with the SAS
// and the headers the response names. It returns the document id.
func (d *docEnv) upload(user, patientID, fileName, contentType string, data []byte) string {
	d.t.Helper()
	res := d.intent(user, patientID, fileName, contentType, len(data))
	if res.status != http.StatusCreated {
		d.t.Fatalf("upload request %s: %d %s", fileName, res.status, res.body)
	}
	var out struct {
		DocumentID    string            `json:"documentId"`
		UploadURL     string            `json:"uploadUrl"`
		UploadHeaders map[string]string `json:"uploadHeaders"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		d.t.Fatal(err)
	}
	if status := putBlob(d.t, out.UploadURL, data, out.UploadHeaders); status != http.StatusCreated {
		d.t.Fatalf("PUT %s with the SAS: %d", fileName, status)
	}
	return out.DocumentID
}

func putBlob(t testing.TB, url string, data []byte, headers map[string]string) int {
	t.Helper()
	hr, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// rawBlobs is a shared-key client on the test Azurite.
func (d *docEnv) rawBlobs() *azblob.Client {
	d.t.Helper()
	c, err := azblob.NewClientFromConnectionString(blobtest.ConnectionString(d.t), nil)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// envelope builds the ProcessDocument invocation for the blob of a document exactly as
// the host (and the dev host) do: funchost's builder over the blob's bytes and
// properties.
func (d *docEnv) envelope(patientID, documentID string) funchost.Request {
	d.t.Helper()
	name := patientID + "/" + documentID
	parts, err := azblob.ParseURL(d.store.URL(name))
	if err != nil {
		d.t.Fatal(err)
	}
	dl, err := d.rawBlobs().DownloadStream(context.Background(), parts.ContainerName, name, nil)
	if err != nil {
		d.t.Fatalf("download %s: %v", name, err)
	}
	content, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	if err != nil {
		d.t.Fatal(err)
	}
	ct := ""
	if dl.ContentType != nil {
		ct = *dl.ContentType
	}
	props := funchost.NewHostBlobProperties(int64(len(content)), ct, dl.ContentMD5,
		*dl.LastModified, *dl.LastModified)
	req, err := funchost.BuildBlob(funchost.Envelope{FunctionName: jobs.ProcessDocumentName,
		Binding: jobs.ProcessDocumentBinding, Now: time.Now(), RandGUID: uuid.NewString()},
		funchost.BlobSource{PathTemplate: jobs.ProcessDocumentPath,
			Path: "documents/" + name, URI: d.store.URL(name), Content: content,
			Properties: props})
	if err != nil {
		d.t.Fatalf("build envelope: %v", err)
	}
	return req
}

// invoke sends an envelope to ProcessDocument as the host does (chunked JSON) and
// returns the reply's status and body.
func (d *docEnv) invoke(req funchost.Request) (int, map[string]any) {
	d.t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(json.NewEncoder(pw).Encode(req)) }()
	hr := httptest.NewRequest(http.MethodPost, "/"+jobs.ProcessDocumentName, pr)
	hr.Header.Set("Content-Type", "application/json; charset=utf-8")
	hr.Header.Set(funchost.HeaderInvocationID, uuid.NewString())
	log := zerolog.New(zerolog.NewTestWriter(d.t)).Level(zerolog.WarnLevel)
	hr = hr.WithContext(log.WithContext(hr.Context()))
	rec := httptest.NewRecorder()
	d.host.ServeHTTP(rec, hr)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		d.t.Fatalf("reply content type %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		d.t.Fatalf("reply is not a JSON object: %s", rec.Body.Bytes())
	}
	return rec.Code, body
}

// process fires ProcessDocument for a document's blob and requires a 200.
func (d *docEnv) process(patientID, documentID string) {
	d.t.Helper()
	if status, body := d.invoke(d.envelope(patientID, documentID)); status != http.StatusOK {
		d.t.Fatalf("ProcessDocument: %d %v", status, body)
	}
}

// document reads a document through the API as u-clin.
func (d *docEnv) document(id string) map[string]any {
	d.t.Helper()
	res := d.do(req{user: "u-clin", method: "GET", path: "/api/documents/" + id})
	if res.status != http.StatusOK {
		d.t.Fatalf("GET document: %d %s", res.status, res.body)
	}
	return res.json(d.t)
}

// download follows the content route's redirect to the SAS URL and returns the
// storage response and its bytes.
func (d *docEnv) download(user, id string) (result, *http.Response, []byte) {
	d.t.Helper()
	res := d.do(req{user: user, method: "GET", path: "/api/documents/" + id + "/content"})
	if res.status != http.StatusFound {
		return res, nil, nil
	}
	resp, err := http.Get(res.header.Get("Location"))
	if err != nil {
		d.t.Fatalf("GET the read SAS: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return res, resp, b
}

// blobExists reports whether a blob is still in the documents container.
func (d *docEnv) blobExists(patientID, documentID string) bool {
	d.t.Helper()
	_, err := d.store.Download(context.Background(), patientID+"/"+documentID, 1<<30)
	return err == nil
}

// count runs a counting query on the env's database.
func (d *docEnv) count(query string, args ...any) int {
	d.t.Helper()
	conn, err := pgx.Connect(context.Background(), d.dbURL)
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		d.t.Fatalf("count: %v", err)
	}
	return n
}

// problemCode returns a problem body's code.
func problemCode(t testing.TB, r result) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d content type %q: %s", r.status, ct, r.body)
	}
	code, _ := r.json(t)["code"].(string)
	return code
}

// blobProperties returns the listing of a document's blob (zero when it is gone).
func (d *docEnv) blobProperties(patientID, documentID string) blobstore.BlobInfo {
	d.t.Helper()
	name := patientID + "/" + documentID
	var out blobstore.BlobInfo
	err := d.store.List(context.Background(), name, func(b blobstore.BlobInfo) error {
		if b.Name == name {
			out = b
		}
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}
