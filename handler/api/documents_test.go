package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"patienttracker/handler/api"
)

func TestConfigPublishesLimitsToEveryRole(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	for _, user := range []string{"u-admin", "u-clin", "u-front", "u-analyst"} {
		res := d.do(req{user: user, method: "GET", path: "/api/config"})
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", user, res.status, res.body)
		}
		m := res.json(t)
		types := fmt.Sprint(m["allowedTypes"])
		if m["maxUploadBytes"] != float64(25<<20) || !strings.Contains(types, "image/heic") ||
			!strings.Contains(types, "application/pdf") {
			t.Errorf("%s: config %v", user, m)
		}
		if h := m["uploadHeaders"].(map[string]any); h["x-ms-blob-type"] != "BlockBlob" {
			t.Errorf("upload headers %v", h)
		}
	}
	if res := d.do(req{method: "GET", path: "/api/config"}); res.status != http.StatusUnauthorized {
		t.Errorf("no principal: %d", res.status)
	}
}

// TestU1ServerNamesTheBlob: a path in the file name never becomes a blob path.
func TestU1ServerNamesTheBlob(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	res := d.intent("u-front", p, "../../etc/passwd", "application/pdf", 1024)
	if res.status != http.StatusCreated {
		t.Fatalf("intent: %d %s", res.status, res.body)
	}
	m := res.json(t)
	doc := m["document"].(map[string]any)
	id := m["documentId"].(string)
	if doc["fileName"] != "passwd" || doc["status"] != "pending_upload" {
		t.Errorf("document %v", doc)
	}
	url := m["uploadUrl"].(string)
	if !strings.Contains(url, "/"+p+"/"+id+"?") || strings.Contains(url, "passwd") ||
		!strings.Contains(url, "sp=cw") {
		t.Errorf("upload URL %s", url)
	}
	if res.header.Get("Location") != "/api/documents/"+id || res.header.Get("ETag") != `"1"` {
		t.Errorf("headers %v", res.header)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.upload_sas'
	    AND object_id = $1`, id); n != 1 {
		t.Errorf("upload SAS audit rows = %d", n)
	}
}

// TestU2FileNames: control, bidi, empty and over-long names are refused; the rest are
// sanitised.
func TestU2FileNames(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	for _, name := range []string{"a\u0000.pdf", "invoice\u202Efdp.exe",
		"a\r\nSet-Cookie: x=1.pdf", strings.Repeat("n", 300), ""} {
		res := d.intent("u-clin", p, name, "application/pdf", 10)
		if res.status != http.StatusUnprocessableEntity || problemCode(t, res) != "validation_failed" {
			t.Errorf("%q: %d %s", name, res.status, res.body)
		}
		if bytes.Contains(res.body, []byte("Set-Cookie")) {
			t.Errorf("problem echoes the value: %s", res.body)
		}
	}
	for name, want := range map[string]string{"CON.pdf": "_CON.pdf", "..": "document"} {
		res := d.intent("u-clin", p, name, "application/pdf", 10)
		if res.status != http.StatusCreated {
			t.Fatalf("%q: %d %s", name, res.status, res.body)
		}
		if got := res.json(t)["document"].(map[string]any)["fileName"]; got != want {
			t.Errorf("%q stored as %q, want %q", name, got, want)
		}
	}
	if n := d.signer.uploads.Load(); n != 2 {
		t.Errorf("upload SAS minted %d times, want 2 (refusals mint none)", n)
	}
}

// TestU3U4TypesAndSizes: only published types, sizes within the limit; no SAS otherwise.
func TestU3U4TypesAndSizes(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	cases := []struct {
		ct   string
		size any
		code int
	}{
		{"text/html", 10, 422}, {"image/svg+xml", 10, 422}, {"application/x-msdownload", 10, 422},
		{"application/octet-stream", 10, 422}, {"application/pdf", 2147483648, 422},
		{"application/pdf", -1, 422}, {"application/pdf", 1.5, 400}, {"application/pdf", "10", 400},
	}
	for _, c := range cases {
		res := d.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + p + "/documents",
			body: map[string]any{"fileName": "a.pdf", "contentType": c.ct, "size": c.size}})
		if res.status != c.code {
			t.Errorf("%s %v: %d %s", c.ct, c.size, res.status, res.body)
		}
	}
	res := d.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + p + "/documents",
		body: map[string]any{"fileName": "a.pdf", "contentType": "application/pdf",
			"size": 2147483648}})
	if !bytes.Contains(res.body, []byte(`"too_large"`)) {
		t.Errorf("2 GB: %s", res.body)
	}
	if n := d.signer.uploads.Load(); n != 0 {
		t.Errorf("upload SAS minted %d times for refused requests", n)
	}
}

// TestZ4ParentComesFromThePathOnly and U21: the body cannot name a patient or a URL.
func TestZ4ParentComesFromThePathOnly(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p1 := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	p2 := d.createPatient("Bob", "Ray", "1970-03-04")["id"].(string)
	for _, extra := range []map[string]any{{"patientId": p2}, {"url": "http://169.254.169.254/"},
		{"blobName": p2 + "/x"}} {
		body := map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 1}
		for k, v := range extra {
			body[k] = v
		}
		res := d.do(req{user: "u-clin", method: "POST", path: "/api/patients/" + p1 +
			"/documents", body: body})
		if res.status != http.StatusBadRequest || problemCode(t, res) != "unknown_field" {
			t.Errorf("%v: %d %s", extra, res.status, res.body)
		}
	}
	for _, u := range []string{"http://169.254.169.254/metadata/identity/oauth2/token",
		"http://localhost:7071/admin/host/status", "file:///etc/passwd",
		"https://evilaccount.blob.core.windows.net/x"} {
		if res := d.intent("u-clin", p1, u, "application/pdf", 1); res.status != 422 {
			t.Errorf("U21 %s: %d", u, res.status)
		}
	}
	if n := d.count("SELECT count(*) FROM documents"); n != 0 || d.signer.uploads.Load() != 0 {
		t.Errorf("%d documents, %d SAS after refusals", n, d.signer.uploads.Load())
	}
}

func TestUploadToMissingOrArchivedPatient(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	for _, id := range []string{uuid.NewString(), "not-a-uuid"} {
		if res := d.intent("u-clin", id, "a.pdf", "application/pdf", 1); res.status != 404 {
			t.Errorf("%s: %d", id, res.status)
		}
	}
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	if res := d.do(req{user: "u-admin", method: "DELETE", path: "/api/patients/" + p,
		headers: map[string]string{"If-Match": `"1"`}}); res.status != 200 {
		t.Fatalf("archive patient: %d", res.status)
	}
	res := d.intent("u-clin", p, "a.pdf", "application/pdf", 1)
	if res.status != http.StatusConflict || problemCode(t, res) != "archived" {
		t.Errorf("archived patient: %d %s", res.status, res.body)
	}
}

// TestL4UploadRateLimitAndQuota: 429 with Retry-After past the per-minute limit; 422
// quota_exceeded once the daily quota is used.
func TestL4UploadRateLimitAndQuota(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t, func(c *api.DocumentsConfig) { c.UploadsPerMinute = 12 })
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	limited := 0
	for i := 0; i < 40; i++ {
		res := d.intent("u-front", p, "a.pdf", "application/pdf", 1)
		if res.status == http.StatusTooManyRequests {
			limited++
			if res.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Error("no 429 after 40 upload requests in one minute")
	}

	q := newDocEnv(t, func(c *api.DocumentsConfig) { c.DailyUploadQuota = 3 })
	p = q.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	for i := 0; i < 3; i++ {
		if res := q.intent("u-front", p, "a.pdf", "application/pdf", 1); res.status != 201 {
			t.Fatalf("upload %d: %d", i, res.status)
		}
	}
	res := q.intent("u-front", p, "a.pdf", "application/pdf", 1)
	if res.status != 422 || problemCode(t, res) != "quota_exceeded" {
		t.Errorf("over quota: %d %s", res.status, res.body)
	}
	if res := q.intent("u-clin", p, "a.pdf", "application/pdf", 1); res.status != 201 {
		t.Errorf("another staff member: %d", res.status)
	}
}

// TestZ12U22U23NoSASForRefusals: a random id is 404, an analyst 403, a document that
// is not ready 409 not_available; none of them mints a SAS.
func TestZ12U22U23NoSASForRefusals(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	pending := d.intent("u-front", p, "a.pdf", "application/pdf", 3).json(t)["documentId"].(string)

	random := d.do(req{user: "u-clin", method: "GET", path: "/api/documents/" +
		uuid.NewString() + "/content"})
	malformed := d.do(req{user: "u-clin", method: "GET", path: "/api/documents/x/content"})
	if random.status != 404 || malformed.status != 404 ||
		!bytes.Equal(dropRequestID(random.body), dropRequestID(malformed.body)) {
		t.Errorf("random %d %s / malformed %d %s", random.status, random.body,
			malformed.status, malformed.body)
	}
	for _, path := range []string{"/api/documents/" + pending + "/content",
		"/api/documents/" + pending, "/api/patients/" + p + "/documents"} {
		if res := d.do(req{user: "u-analyst", method: "GET", path: path}); res.status != 403 {
			t.Errorf("analyst %s: %d", path, res.status)
		}
	}
	res := d.do(req{user: "u-clin", method: "GET", path: "/api/documents/" + pending + "/content"})
	if res.status != http.StatusConflict || problemCode(t, res) != "not_available" {
		t.Errorf("pending: %d %s", res.status, res.body)
	}
	if n := d.signer.downloads.Load(); n != 0 {
		t.Errorf("read SAS minted %d times", n)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.download'`); n != 3 {
		t.Errorf("download attempts audited %d times, want 3", n)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'authz_denied'
	    AND actor_role = 'analyst'`); n != 3 {
		t.Errorf("analyst refusals audited %d times, want 3", n)
	}
	got := d.document(pending)
	if got["status"] != "pending_upload" || got["fileName"] != "a.pdf" {
		t.Errorf("pending document %v", got)
	}

	// U22: another patient's pending upload never shows under this patient's path.
	p2 := d.createPatient("Bob", "Ray", "1970-03-04")["id"].(string)
	other := d.intent("u-front", p2, "b.pdf", "application/pdf", 3).json(t)["documentId"]
	list := d.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + p + "/documents"})
	if bytes.Contains(list.body, []byte(other.(string))) {
		t.Errorf("P2's pending upload listed under P1: %s", list.body)
	}
}

func dropRequestID(b []byte) []byte {
	i := bytes.Index(b, []byte(`"requestId":"`))
	if i < 0 {
		return b
	}
	j := bytes.IndexByte(b[i+13:], '"')
	return append(append([]byte{}, b[:i]...), b[i+13+j:]...)
}

func TestArchiveDocument(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	id := d.intent("u-front", p, "a.pdf", "application/pdf", 3).json(t)["documentId"].(string)
	path := "/api/documents/" + id
	steps := []struct {
		user, ifMatch string
		want          int
	}{
		{"u-front", `"1"`, 403}, {"u-clin", "", 428}, {"u-clin", `"7"`, 412},
		{"u-clin", `"1"`, 200}, {"u-clin", `"2"`, 409},
	}
	for _, s := range steps {
		res := d.do(req{user: s.user, method: "DELETE", path: path,
			headers: map[string]string{"If-Match": s.ifMatch}})
		if res.status != s.want {
			t.Errorf("%s If-Match %s: %d, want %d: %s", s.user, s.ifMatch, res.status, s.want, res.body)
		}
	}
	list := d.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + p + "/documents"})
	if n := len(list.json(t)["items"].([]any)); n != 0 {
		t.Errorf("archived document listed: %s", list.body)
	}
	all := d.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + p +
		"/documents?archived=include"})
	if n := len(all.json(t)["items"].([]any)); n != 1 {
		t.Errorf("archived=include lists %d", n)
	}
}

func TestListDocumentsPages(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	for i := 0; i < 5; i++ {
		d.intent("u-front", p, fmt.Sprintf("d%d.pdf", i), "application/pdf", 3)
	}
	seen := map[string]bool{}
	path := "/api/patients/" + p + "/documents?limit=2"
	for pages := 0; path != ""; pages++ {
		res := d.do(req{user: "u-clin", method: "GET", path: path})
		if res.status != 200 || pages > 3 {
			t.Fatalf("page %d: %d %s", pages, res.status, res.body)
		}
		m := res.json(t)
		for _, it := range m["items"].([]any) {
			item := it.(map[string]any)
			seen[item["id"].(string)] = true
			if item["status"] != "pending_upload" || item["text"] != nil {
				t.Errorf("item %v", item)
			}
		}
		path = ""
		if c, ok := m["nextCursor"].(string); ok {
			path = "/api/patients/" + p + "/documents?limit=2&cursor=" + c
		}
	}
	if len(seen) != 5 {
		t.Errorf("walked %d documents, want 5", len(seen))
	}
	for _, q := range []string{"?cursor=AAAA", "?limit=x", "?archived=all"} {
		res := d.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + p + "/documents" + q})
		if res.status != 400 {
			t.Errorf("%s: %d", q, res.status)
		}
	}
}

// TestHostBodyOver100MB replays azure-functions-host #10519: a 101 MB body to an /api
// route is a 413 problem, read no further than the route's limit.
func TestHostBodyOver100MB(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	for _, chunked := range []bool{false, true} {
		body := &countingReader{r: io.LimitReader(zeros{}, 101<<20)}
		hr := httptest.NewRequest(http.MethodPost, "/api/patients/"+p+"/documents", body)
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("X-Ms-Client-Principal", principal("u-clin"))
		hr.ContentLength = 101 << 20
		if chunked {
			hr.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		d.srv.ServeHTTP(rec, hr)
		res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		if res.status != http.StatusRequestEntityTooLarge || problemCode(t, res) != "body_too_large" {
			t.Errorf("chunked=%v: %d %s", chunked, res.status, res.body)
		}
		if body.n > 1<<20 {
			t.Errorf("chunked=%v: read %d bytes of the body", chunked, body.n)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestDocumentResponsesMatchOpenAPI sends each documents route its usual requests and
// checks every answer against openapi.json.
func TestDocumentResponsesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	s := loadSpec(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	id := d.upload("u-front", p, "note.txt", "text/plain", []byte("Lab result: glucose normal"))
	d.process(p, id)
	pending := d.intent("u-front", p, "a.pdf", "application/pdf", 3).json(t)["documentId"].(string)
	reqs := []req{
		{user: "u-analyst", method: "GET", path: "/api/config"},
		{user: "u-front", method: "POST", path: "/api/patients/" + p + "/documents",
			body: map[string]any{"fileName": "b.pdf", "contentType": "application/pdf", "size": 9}},
		{user: "u-front", method: "POST", path: "/api/patients/" + p + "/documents",
			body: map[string]any{"fileName": "", "contentType": "text/html", "size": -1}},
		{user: "u-clin", method: "GET", path: "/api/patients/" + p + "/documents?limit=1"},
		{user: "u-clin", method: "GET", path: "/api/documents/" + id},
		{user: "u-clin", method: "GET", path: "/api/documents/" + pending},
		{user: "u-clin", method: "GET", path: "/api/documents/" + uuid.NewString()},
		{user: "u-clin", method: "GET", path: "/api/documents/" + id + "/content"},
		{user: "u-clin", method: "GET", path: "/api/documents/" + pending + "/content"},
		{user: "u-analyst", method: "GET", path: "/api/documents/" + id + "/content"},
		{user: "u-clin", method: "POST", path: "/api/documents/search",
			body: map[string]any{"q": "glucose", "patientId": p}},
		{user: "u-clin", method: "DELETE", path: "/api/documents/" + pending},
		{user: "u-clin", method: "DELETE", path: "/api/documents/" + pending,
			headers: map[string]string{"If-Match": `"1"`}},
	}
	for _, r := range reqs {
		res := d.do(r)
		pattern, ok := routePattern(d.srv.Routes(), r.method, r.path)
		if !ok {
			t.Fatalf("no route for %s %s", r.method, r.path)
		}
		s.check(t, r.method, pattern, res.status, res.header.Get("Content-Type"), res.body)
	}
}
