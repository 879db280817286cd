package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"patienttracker/handler/api"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/blobstore/blobtest"
	"patienttracker/handler/funchost"
	"patienttracker/handler/importer"
)

// realData returns ../shared/testdata/real/<sub>, or skips loudly when it is absent.
func realData(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv("PT_SHARED_DIR")
	if root == "" {
		root = "../../../shared"
	}
	dir := filepath.Join(root, "testdata", "real", sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("SKIPPED: ../shared not found (%s); set PT_SHARED_DIR", dir)
	}
	return dir
}

// importEnv is an API env with imports on a container of its own in Azurite, and the
// RunImports function behind funchost's handler, as the binary registers it.
type importEnv struct {
	*env
	timer http.Handler
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	container := "imports-" + hex.EncodeToString(suffix)
	store, err := blobstore.New(blobstore.Config{
		ConnectionString: blobtest.ConnectionString(t), Container: container,
		QuarantineContainer: container})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := store.EnsureContainers(ctx); err != nil {
		t.Fatalf("create container (is Azurite running?): %v", err)
	}
	t.Cleanup(func() { _ = store.DeleteContainers(context.Background()) })
	blobs := importer.NewBlobs(store, 64<<20)
	e := newEnvWith(t, envSetup{apiOpts: []api.Option{api.WithImports(api.ImportsConfig{
		Signer: blobs, ExportsPerMinute: 6})}})
	runner := &importer.Runner{DB: e.db, Now: e.clock.Now, Location: time.UTC}
	svc := &importer.Service{Runner: runner, Blobs: blobs}
	return &importEnv{env: e, timer: funchost.Handler(importer.FunctionName, svc.Timer())}
}

// upload asks for an upload URL as u-admin and PUTs b to it, as a browser would.
func (e *importEnv) upload(name, contentType string, b []byte) string {
	e.t.Helper()
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/imports/uploads",
		body: map[string]any{"fileName": name, "contentType": contentType, "size": len(b)}})
	if res.status != http.StatusCreated {
		e.t.Fatalf("upload request: %d %s", res.status, res.body)
	}
	m := res.json(e.t)
	put, _ := http.NewRequest(http.MethodPut, m["uploadUrl"].(string), bytes.NewReader(b))
	put.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err := http.DefaultClient.Do(put)
	if err != nil {
		e.t.Fatalf("put blob: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("put blob: %d", resp.StatusCode)
	}
	return m["uploadId"].(string)
}

// fireTimer sends a RunImports timer envelope built as the host builds it.
func (e *importEnv) fireTimer() {
	e.t.Helper()
	env := funchost.Envelope{FunctionName: importer.FunctionName, Binding: "timer",
		Now: e.clock.Now(), RandGUID: uuid.NewString()}
	inv, err := funchost.BuildTimer(env, funchost.TimerInfo{
		Schedule: funchost.TimerSchedule{AdjustForDST: true}})
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := json.Marshal(inv)
	hr := httptest.NewRequest(http.MethodPost, "/"+importer.FunctionName,
		bytes.NewReader(body))
	hr.Header.Set(funchost.HeaderInvocationID, uuid.NewString())
	rec := httptest.NewRecorder()
	e.timer.ServeHTTP(rec, hr)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("timer reply %d: %s", rec.Code, rec.Body.String())
	}
}

func (e *importEnv) job(id string) map[string]any {
	e.t.Helper()
	res := e.do(req{user: "u-admin", method: "GET", path: "/api/imports/" + id})
	if res.status != http.StatusOK {
		e.t.Fatalf("get import: %d %s", res.status, res.body)
	}
	return res.json(e.t)
}

// TestImportFlow is the whole import path on Azurite: upload through the SAS, queue a
// Synthea job, run it from a timer envelope, read its progress; then a generic CSV with
// bad rows and its report as JSON and CSV.
func TestImportFlow(t *testing.T) {
	dir := realData(t, "synthea-csv")
	e := newImportEnv(t)
	patients, _ := os.ReadFile(filepath.Join(dir, "patients.csv"))
	encounters, _ := os.ReadFile(filepath.Join(dir, "encounters.csv"))
	pID := e.upload("patients.csv", "text/csv", patients)
	eID := e.upload("encounters.csv", "text/csv", encounters)

	res := e.do(req{user: "u-admin", method: "POST", path: "/api/imports",
		body: map[string]any{"kind": "synthea_csv", "files": []map[string]any{
			{"uploadId": eID, "role": "encounters"}, {"uploadId": pID, "role": "patients"}}}})
	if res.status != http.StatusAccepted {
		t.Fatalf("create import: %d %s", res.status, res.body)
	}
	id := res.json(t)["id"].(string)
	if st := e.job(id)["status"]; st != "queued" {
		t.Fatalf("status before the timer = %v", st)
	}
	e.fireTimer()
	job := e.job(id)
	want := map[string]any{"rowsRead": 631.0, "rowsLoaded": 631.0, "rowsRejected": 0.0,
		"rowsWarned": 2.0, "patientsCreated": 27.0, "patientsMatched": 0.0,
		"visitsCreated": 604.0, "visitsMatched": 0.0}
	if diff := cmp.Diff(job["progress"], any(want)); job["status"] != "succeeded" || diff != "" {
		t.Fatalf("job %v progress (-got +want):\n%s", job["status"], diff)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'import.run'"); n != 1 {
		t.Errorf("import.run audit rows = %d", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE type = $1`,
		"org.patienttracker.import.completed"); n != 1 {
		t.Errorf("summary events = %d", n)
	}

	t.Run("BL05", func(t *testing.T) { testBL05(t, e.env) })
	t.Run("BL04", func(t *testing.T) { testBL04(t, e.env, encounters) })
	t.Run("ReportOfBadRows", func(t *testing.T) { testImportReport(t, e) })
}

func testImportReport(t *testing.T, e *importEnv) {
	csvBody := "id,first,last,dob,sex\n" +
		"X1,Ann,Lee,1980-01-02,F\n" +
		"X2,Bob,Lee,2999-01-01,M\n" + // future birth date
		"X3,,Lee,1980-01-02,F\n" // no given name
	up := e.upload("old.csv", "text/csv", []byte(csvBody))
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/imports",
		body: map[string]any{"kind": "patient_csv",
			"files": []map[string]any{{"uploadId": up, "role": "patients"}},
			"mapping": map[string]any{"sourceId": "id", "givenNames": "first",
				"familyName": "last", "birthDate": "dob", "sex": "sex"}}})
	if res.status != http.StatusAccepted {
		t.Fatalf("create import: %d %s", res.status, res.body)
	}
	id := res.json(t)["id"].(string)
	e.fireTimer()
	job := e.job(id)
	if p := job["progress"].(map[string]any); p["rowsRejected"] != 2.0 || p["rowsLoaded"] != 1.0 {
		t.Fatalf("progress %v", p)
	}
	res = e.do(req{user: "u-admin", method: "GET", path: "/api/imports/" + id + "/rejections"})
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(res.body, &page); err != nil || res.status != 200 {
		t.Fatalf("report: %d %s", res.status, res.body)
	}
	got := fmt.Sprint(page.Items)
	want := "[map[code:future_date field:birthDate file:0 line:3 role:patients " +
		"severity:rejected] map[code:required field:givenNames file:0 line:4 " +
		"role:patients severity:rejected]]"
	if got != want {
		t.Errorf("report JSON\n got %s\nwant %s", got, want)
	}
	res = e.do(req{user: "u-admin", method: "GET",
		path: "/api/imports/" + id + "/rejections?format=csv"})
	rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
	if err != nil || res.status != 200 {
		t.Fatalf("report CSV: %d %v", res.status, err)
	}
	wantRows := [][]string{{"file", "role", "line", "entry", "severity", "code", "field"},
		{"0", "patients", "3", "", "rejected", "future_date", "birthDate"},
		{"0", "patients", "4", "", "rejected", "required", "givenNames"}}
	if diff := cmp.Diff(rows, wantRows); diff != "" {
		t.Errorf("report CSV (-got +want):\n%s", diff)
	}
	if bytes.Contains(res.body, []byte("2999")) || bytes.Contains(res.body, []byte("Bob")) {
		t.Errorf("the report repeats values from the file")
	}
}

// TestImportRequestsU21 sends URLs where the API takes the ids it issued.
func TestImportRequestsU21(t *testing.T) {
	e := sharedEnv(t)
	for _, u := range []string{
		"http://169.254.169.254/metadata/identity/oauth2/token?resource=https://storage.azure.com/",
		"http://localhost:7071/admin/host/status", "file:///etc/passwd",
		"https://evilaccount.blob.core.windows.net/x",
		"https://ouraccount.blob.core.windows.net.evil.test/x",
		"urn:uuid:" + uuid.NewString(),
	} {
		res := e.do(req{user: "u-admin", method: "POST", path: "/api/imports",
			body: map[string]any{"kind": "fhir_bundle",
				"files": []map[string]any{{"uploadId": u, "role": "bundle"}}}})
		if res.status != http.StatusUnprocessableEntity ||
			!bytes.Contains(res.body, []byte(`"files[0].uploadId"`)) {
			t.Errorf("uploadId %q: %d %s", u, res.status, res.body)
		}
		if bytes.Contains(res.body, []byte("169.254")) || bytes.Contains(res.body, []byte("evil")) {
			t.Errorf("the problem repeats the URL")
		}
	}
	res := e.do(req{user: "u-admin", method: "POST", path: "/api/imports",
		body: map[string]any{"kind": "fhir_bundle", "files": []map[string]any{
			{"uploadId": uuid.NewString(), "role": "bundle"}}}})
	if res.status != http.StatusUnprocessableEntity {
		t.Errorf("an id this API never issued: %d %s", res.status, res.body)
	}
	res = e.do(req{user: "u-admin", method: "POST", path: "/api/imports",
		body: map[string]any{"kind": "fhir_bundle", "url": "https://x.test/b.json",
			"files": []map[string]any{}}})
	if res.status != http.StatusBadRequest {
		t.Errorf("a url field: %d %s", res.status, res.body)
	}
	for _, user := range []string{"u-clin", "u-front", "u-analyst"} {
		res := e.do(req{user: user, method: "POST", path: "/api/imports/uploads",
			body: map[string]any{"fileName": "a.csv", "contentType": "text/csv", "size": 10}})
		if res.status != http.StatusForbidden {
			t.Errorf("%s upload request: %d", user, res.status)
		}
	}
}
