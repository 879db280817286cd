package api_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// bodyCounter counts the bytes the server reads from a request body.
type bodyCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *bodyCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// bodyRoutes are the routes that read a JSON body, with what they need besides it.
func bodyRoutes(d data, e *env) []req {
	v1 := map[string]string{"If-Match": `"1"`}
	return []req{
		{user: "u-admin", method: "POST", path: "/api/patients"},
		{user: "u-admin", method: "POST", path: "/api/patients/search"},
		{user: "u-admin", method: "PATCH", path: "/api/patients/" + d.P1, headers: v1},
		{user: "u-admin", method: "POST", path: "/api/patients/" + d.P1 + "/visits"},
		{user: "u-admin", method: "PATCH", path: "/api/visits/" + d.V1, headers: v1},
		{user: "u-admin", method: "POST", path: "/api/staff"},
		{user: "u-admin", method: "PATCH", path: "/api/staff/" + e.staffID["u-clin"].String()},
	}
}

// TestP1_OversizedBody: 10 MB is refused with 413 after at most the 64 KB limit has been
// read, whether or not the client announced the length.
func TestP1_OversizedBody(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	big := `{"givenNames":"` + strings.Repeat("a", 10<<20) + `"}`
	for _, r := range bodyRoutes(d, e) {
		for _, announced := range []bool{true, false} {
			body := &bodyCounter{r: strings.NewReader(big)}
			hr := e.newRequest(r)
			hr.Body = io.NopCloser(body)
			hr.Header.Set("Content-Type", "application/json")
			hr.ContentLength = -1
			if announced {
				hr.ContentLength = int64(len(big))
			}
			res := e.serve(hr)
			e.checkProblem(res, http.StatusRequestEntityTooLarge, "body_too_large")
			if n := body.n.Load(); n > 64<<10+4096 {
				t.Errorf("%s %s (length announced %v): read %d bytes before refusing",
					r.method, r.path, announced, n)
			}
		}
	}
}

func TestP2_DeepNesting(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: deep})
	e.checkProblem(res, http.StatusRequestEntityTooLarge, "body_too_large")
	// Within the limit, deep nesting is an ordinary malformed body.
	deep = strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	res = e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: deep})
	e.checkProblem(res, http.StatusBadRequest, "")
}

func TestP3_ContentType(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	for _, r := range bodyRoutes(d, e) {
		for _, ct := range []string{"text/plain", "", "application/x-www-form-urlencoded",
			"application/jsonx", "multipart/form-data; boundary=x"} {
			r.body = `{}`
			hr := e.newRequest(r)
			hr.Header.Del("Content-Type")
			if ct != "" {
				hr.Header.Set("Content-Type", ct)
			}
			res := e.serve(hr)
			e.checkProblem(res, http.StatusUnsupportedMediaType, "unsupported_media_type")
		}
	}
	res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: `{}`,
		headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}})
	checkJSON(t, res, http.StatusOK)
}

// mainLikeServer serves h on loopback with the timeouts the binary uses.
func mainLikeServer(t *testing.T, h http.Handler) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() { _ = srv.Close(); <-done }
}

// TestP4_HugeContentLengthThenStall announces 2 GB, sends 10 bytes and stalls: the limit
// answers 413 from the announced length and the connection is closed, leaving no
// goroutine behind. Not parallel: the leak check needs a quiet process.
func TestP4_HugeContentLengthThenStall(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	e := newEnv(t)
	addr, stop := mainLikeServer(t, e.srv)
	defer stop()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed test
	_, err = io.WriteString(conn, "POST /api/patients HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/json\r\nContent-Length: 2147483648\r\n"+
		"X-Ms-Client-Principal: "+principal("u-clin")+"\r\n\r\n{\"givenNa")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	checkProblemBody(t, result{status: res.StatusCode, header: res.Header, body: body},
		http.StatusRequestEntityTooLarge, "body_too_large", nil)
	if !res.Close {
		t.Error("the server keeps a connection whose 2 GB body it will not read")
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Error("the connection is still open")
	}
}

func TestP6_MethodNotAllowed(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	methods := map[string][]string{}
	for _, rt := range e.srv.Routes() {
		methods[rt[1]] = append(methods[rt[1]], rt[0])
	}
	for pattern, allowed := range methods {
		path := concrete(pattern, "7f1d3b4e-8f77-4d0c-9a53-2b5d8f0c6a11")
		for _, m := range []string{"TRACE", "PUT", "CONNECT", "OPTIONS", "PATCH", "DELETE",
			"GET", "POST"} {
			if hasString(allowed, m) {
				continue
			}
			res := e.do(req{user: "u-admin", method: m, path: path})
			e.checkProblem(res, http.StatusMethodNotAllowed, "method_not_allowed")
			for _, a := range allowed {
				if !strings.Contains(res.header.Get("Allow"), a) {
					t.Errorf("%s %s: Allow %q lacks %s", m, pattern, res.header.Get("Allow"), a)
				}
			}
		}
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestP7_LongURL(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, path := range []string{"/api/patients/" + strings.Repeat("a", 5000),
		"/api/audit?patientId=" + strings.Repeat("b", 5000), "/" + strings.Repeat("c", 5000)} {
		before := e.do(req{user: "u-admin", method: "GET", path: path})
		e.checkProblem(before, http.StatusRequestURITooLong, "uri_too_long")
	}
	// Through a real listener the answer is the same, never a 500.
	addr, stop := mainLikeServer(t, e.srv)
	defer stop()
	hr, _ := http.NewRequest("GET", "http://"+addr+"/api/patients/"+strings.Repeat("a", 5000), nil)
	hr.Header.Set("X-Ms-Client-Principal", principal("u-clin"))
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestURITooLong {
		t.Errorf("over a listener: %d", res.StatusCode)
	}
}

func TestP10_NotQuiteJSON(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	for _, body := range []string{`{"givenNames":"Ann"/*c*/}`, `{'givenNames':'Ann'}`,
		`{"givenNames":NaN}`, `{"givenNames":"Ann",}`, `{"a":1}{"b":2}`, `{"q":"x"`,
		`{"givenNames":Infinity}`, "\ufeff{}", ``} {
		for _, path := range []string{"/api/patients", "/api/patients/search"} {
			res := e.do(req{user: "u-clin", method: "POST", path: path, body: body,
				headers: map[string]string{"Content-Type": "application/json"}})
			e.checkProblem(res, http.StatusBadRequest, "malformed_request")
		}
	}
}

// TestE7_E10_NoCORSNoVersions: an evil Origin earns no CORS header and no response names
// a server or its version, on success and on error.
func TestE7_E10_NoCORSNoVersions(t *testing.T) {
	t.Parallel()
	e := sharedEnv(t)
	d := e.seedData()
	evil := map[string]string{"Origin": "https://evil.test"}
	for _, r := range []req{
		{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1, headers: evil},
		{user: "u-clin", method: "GET", path: "/api/me", headers: evil},
		{method: "GET", path: "/api/health", headers: evil},
		{user: "u-clin", method: "GET", path: "/api/audit", headers: evil},
		{method: "OPTIONS", path: "/api/patients", headers: map[string]string{
			"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}},
	} {
		res := e.do(r)
		checkNoLeakHeaders(t, res.header)
		if res.status == http.StatusNoContent || (r.method == "OPTIONS" && res.status < 400) {
			t.Errorf("preflight answered %d", res.status)
		}
		for _, s := range []string{"go1.", "pgx", "PostgreSQL 1"} {
			if strings.Contains(string(res.body), s) {
				t.Errorf("%s %s names %q", r.method, r.path, s)
			}
		}
	}
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	checkNoLeakHeaders(t, res.Header)
}
