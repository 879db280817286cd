package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// echoed is the test handler's echo of a forwarded request.
type echoed struct {
	Method           string              `json:"method"`
	Path             string              `json:"path"`
	RawQuery         string              `json:"rawQuery"`
	Query            map[string][]string `json:"query"`
	Host             string              `json:"host"`
	Headers          http.Header         `json:"headers"`
	Body             []byte              `json:"body"`
	ContentLength    int64               `json:"contentLength"`
	TransferEncoding []string            `json:"transferEncoding"`
	Pings            int                 `json:"pings"`
}

func getEcho(tb testing.TB, req *http.Request) echoed {
	tb.Helper()
	resp, body := do(tb, req)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s = %d: %s", req.Method, req.URL, resp.StatusCode, body)
	}
	var e echoed
	if err := json.Unmarshal(body, &e); err != nil {
		tb.Fatalf("echo %s: %v", body, err)
	}
	return e
}

func TestStartsHandlerLikeTheHost(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{extraEnv: []string{"TESTHANDLER_LISTEN_DELAY_MS=300"}})
	// The first request waits for the handler, which listens only after 300 ms.
	e := getEcho(t, newRequest(t, "GET", d.URL+"/api/echo/ready", nil))
	if e.Pings < 1 {
		t.Errorf("handler saw %d GET / pings before serving, want at least 1", e.Pings)
	}

	starts := d.records(t, "starts.jsonl")
	if len(starts) != 1 {
		t.Fatalf("handler started %d times, want 1", len(starts))
	}
	s := starts[0]
	if args, _ := s["args"].([]any); len(args) != 0 {
		t.Errorf("handler args = %v, want none", args)
	}
	if s["cwd"] != d.AppRoot {
		t.Errorf("handler cwd = %v, want the app root %s", s["cwd"], d.AppRoot)
	}
	env, _ := s["env"].(map[string]any)
	port, _ := env["FUNCTIONS_CUSTOMHANDLER_PORT"].(string)
	id, _ := env["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"].(string)
	switch {
	case port == "" || env["FUNCTIONS_HTTPWORKER_PORT"] != port:
		t.Errorf("ports: %v", env)
	case !guidRE.MatchString(id) || env["FUNCTIONS_HTTPWORKER_ID"] != id:
		t.Errorf("worker ids: %v", env)
	case env["FUNCTIONS_APP_ROOT_PATH"] != d.AppRoot:
		t.Errorf("FUNCTIONS_APP_ROOT_PATH = %v", env["FUNCTIONS_APP_ROOT_PATH"])
	case env["PT_TEST_MARK"] != "passed":
		t.Errorf("the dev host's own environment did not reach the handler: %v", env)
	}
	out := d.output()
	for _, line := range []string{"testhandler stdout line", "testhandler stderr line"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks relayed %q:\n%s", line, out)
		}
	}
}

func TestForwardsLikeTheHost(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})

	req := newRequest(t, "GET", d.URL+"/api/echo/a/b%20c?tag=a&x=1&tag=b&sp=a%20b", nil)
	req.Header.Set("User-Agent", "e2e/1.0")
	req.Header.Set("X-Custom", "kept")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	e := getEcho(t, req)
	if e.Method != "GET" || e.Path != "/api/echo/a/b c" {
		t.Errorf("method %s path %q", e.Method, e.Path)
	}
	if e.RawQuery != "tag=a%2Cb&x=1&sp=a%20b" || e.Query["tag"][0] != "a,b" {
		t.Errorf("query %q (%v), want repeated keys merged in order", e.RawQuery, e.Query)
	}
	if got := e.Headers.Get("User-Agent"); got != "e2e/1.0 Azure-Functions-Host/4.1037.0.0" {
		t.Errorf("User-Agent = %q", got)
	}
	if !guidRE.MatchString(e.Headers.Get("X-Azure-Functions-Invocationid")) ||
		e.Headers.Get("X-Azure-Functions-Hostversion") != "4.1037.0.0" {
		t.Errorf("host headers missing: %v", e.Headers)
	}
	if e.Headers.Get("X-Custom") != "kept" || e.Headers.Get("X-Forwarded-For") != "203.0.113.7" {
		t.Errorf("original headers lost: %v", e.Headers)
	}
	if e.Host != strings.TrimPrefix(d.URL, "http://") {
		t.Errorf("Host = %q, want the caller's %q", e.Host, d.URL)
	}

	sized := newRequest(t, "POST", d.URL+"/api/echo/upload", strings.NewReader("hello"))
	if e := getEcho(t, sized); string(e.Body) != "hello" || e.ContentLength != 5 {
		t.Errorf("sized body: %q (length %d)", e.Body, e.ContentLength)
	}
	chunked := newRequest(t, "POST", d.URL+"/api/echo/upload",
		io.MultiReader(strings.NewReader("dropped")))
	if e := getEcho(t, chunked); len(e.Body) != 0 || e.ContentLength != 0 {
		t.Errorf("chunked body arrived: %q (length %d), want empty", e.Body, e.ContentLength)
	}
}

func TestForwardsResponsesUnchanged(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	resp, body := do(t, newRequest(t, "GET", d.URL+"/api/binary", nil))
	if resp.StatusCode != 200 || len(body) != 256 || body[0] != 0 || body[255] != 255 {
		t.Errorf("binary: status %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = do(t, newRequest(t, "GET", d.URL+"/api/redirect", nil))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("redirect: %d %q, want 302 passed through", resp.StatusCode,
			resp.Header.Get("Location"))
	}
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/nothing-here", http.StatusNotFound},
		{"POST", "/api/items/7", http.StatusNotFound},
		{"GET", "/api/items/7/extra", http.StatusNotFound},
		{"GET", "/api/items/7", http.StatusOK},
	}
	for _, tc := range tests {
		resp, body := do(t, newRequest(t, tc.method, d.URL+tc.path, nil))
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s = %d, want %d: %s", tc.method, tc.path, resp.StatusCode, tc.want,
				body)
		}
	}
}

func TestRejectsBodiesOver100MB(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(d.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /api/echo/big HTTP/1.1\r\nHost: localhost\r\n"+
		"Content-Length: 104857601\r\n\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(conn, buf, 12)
	if !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 413") {
		t.Errorf("reply %q, want 413", buf[:n])
	}
}

func principalOfEcho(tb testing.TB, e echoed) *clientPrincipal {
	tb.Helper()
	h := e.Headers.Get(principalHeader)
	if h == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		tb.Fatalf("principal %q is not standard base64: %v", h, err)
	}
	var p clientPrincipal
	if err := json.Unmarshal(raw, &p); err != nil {
		tb.Fatal(err)
	}
	return &p
}

func TestInjectsPrincipalAndDropsForgedOnes(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	forged := base64.StdEncoding.EncodeToString([]byte(
		`{"identityProvider":"aad","userId":"evil","userDetails":"x","userRoles":["admin"]}`))
	tests := []struct {
		name, user, wantID string
	}{
		{name: "NoSessionNoPrincipal"},
		{name: "TestHeaderSignsIn", user: "dev-clinician", wantID: "dev-clinician"},
		{name: "UnknownUserNoPrincipal", user: "nobody"},
	}
	for _, tc := range tests {
		req := newRequest(t, "GET", d.URL+"/api/echo/me", nil)
		req.Header.Set("x-ms-client-principal", forged)
		req.Header.Set("X-MS-CLIENT-PRINCIPAL-ID", "evil")
		if tc.user != "" {
			req.Header.Set(testUserHeader, tc.user)
		}
		e := getEcho(t, req)
		p := principalOfEcho(t, e)
		switch {
		case tc.wantID == "" && p != nil:
			t.Errorf("%s: principal %+v forwarded, want none", tc.name, p)
		case tc.wantID != "" && (p == nil || p.UserID != tc.wantID ||
			p.IdentityProvider != "dev" || p.UserDetails != "clinician@clinic.test" ||
			strings.Join(p.UserRoles, ",") != "anonymous,authenticated"):
			t.Errorf("%s: principal %+v, want %s", tc.name, p, tc.wantID)
		}
		if e.Headers.Get(testUserHeader) != "" || e.Headers.Get("X-Ms-Client-Principal-Id") != "" {
			t.Errorf("%s: identity headers forwarded: %v", tc.name, e.Headers)
		}
	}
}

func TestTestUserHeaderNeedsTheFlag(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{noTestHeader: true})
	req := newRequest(t, "GET", d.URL+"/api/echo/me", nil)
	req.Header.Set(testUserHeader, "dev-admin")
	if p := principalOfEcho(t, getEcho(t, req)); p != nil {
		t.Errorf("principal %+v from X-Devhost-User without the flag", p)
	}
}

func TestSignInFlow(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	call := func(req *http.Request) (*http.Response, string) {
		t.Helper()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	me := func() string {
		_, body := call(newRequest(t, "GET", d.URL+"/.auth/me", nil))
		return strings.TrimSpace(body)
	}

	if got := me(); got != `{"clientPrincipal":null}` {
		t.Errorf("/.auth/me before sign-in = %s", got)
	}
	resp, page := call(newRequest(t, "GET",
		d.URL+"/.auth/login/aad?post_login_redirect_uri=/patients", nil))
	if resp.StatusCode != 200 || !strings.Contains(page, "dev-frontdesk") {
		t.Errorf("login page %d: %s", resp.StatusCode, page)
	}
	form := url.Values{"user": {"dev-admin"}, "post_login_redirect_uri": {"/patients?x=1"}}
	login := newRequest(t, "POST", d.URL+"/.auth/login/aad", strings.NewReader(form.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ = call(login)
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/patients?x=1" ||
		!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("login: %d to %q, cookie %q", resp.StatusCode, resp.Header.Get("Location"),
			cookie)
	}
	want := `{"clientPrincipal":{"identityProvider":"dev","userId":"dev-admin",` +
		`"userDetails":"admin@clinic.test","userRoles":["anonymous","authenticated"]}}`
	if got := me(); got != want {
		t.Errorf("/.auth/me = %s\nwant %s", got, want)
	}
	_, body := call(newRequest(t, "GET", d.URL+"/api/echo/me", nil))
	var e echoed
	_ = json.Unmarshal([]byte(body), &e)
	if p := principalOfEcho(t, e); p == nil || p.UserID != "dev-admin" {
		t.Errorf("principal with session cookie = %+v", p)
	}

	resp, _ = call(newRequest(t, "GET",
		d.URL+"/.auth/logout?post_logout_redirect_uri=https://evil.example/", nil))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Errorf("logout: %d to %q, want 302 to /", resp.StatusCode,
			resp.Header.Get("Location"))
	}
	if got := me(); got != `{"clientPrincipal":null}` {
		t.Errorf("/.auth/me after logout = %s", got)
	}
}

func TestNonForwardedHTTPUsesEnvelope(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	req := newRequest(t, "POST", d.URL+"/api/envhttp/visit?tag=a&tag=b",
		strings.NewReader(`{"reason":"follow-up"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(testUserHeader, "dev-admin")
	resp, body := do(t, req)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Location") != "/api/envhttp/new" {
		t.Fatalf("status %d Location %q: %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	var got struct {
		Query     map[string]string `json:"query"`
		Params    map[string]string `json:"params"`
		Body      string            `json:"body"`
		Principal string            `json:"principal"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Query["tag"] != "a,b" || got.Params["kind"] != "visit" ||
		got.Body != `{"reason":"follow-up"}` || got.Principal == "" {
		t.Errorf("handler saw %+v", got)
	}
}

func TestTimerRunsOnStartupAndOnDemand(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	first := d.waitRecords(t, "invocations.jsonl", 1, forFunction("VisitTrends"))[0]
	assertEnvelopeTransport(t, first)
	goldenKeys(t, first["body"], "timer.request.json")
	timer := first["body"].(map[string]any)["Data"].(map[string]any)["timer"].(map[string]any)
	status, _ := timer["ScheduleStatus"].(map[string]any)
	next, _ := status["Next"].(string)
	if status["Last"] != "0001-01-01T00:00:00+00:00" ||
		status["LastUpdated"] != "0001-01-01T00:00:00+00:00" ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\dT02:00:00\+00:00$`).MatchString(next) ||
		timer["IsPastDue"] != false {
		t.Errorf("first-run timer = %v", timer)
	}

	resp, _ := do(t, newRequest(t, "POST", d.URL+"/admin/functions/VisitTrends",
		strings.NewReader(`{"input":""}`)))
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("admin run = %d, want 202", resp.StatusCode)
	}
	d.waitRecords(t, "invocations.jsonl", 2, forFunction("VisitTrends"))
	resp, _ = do(t, newRequest(t, "POST", d.URL+"/admin/functions/NoSuchFunction", nil))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin run of an unknown function = %d, want 404", resp.StatusCode)
	}
}

// assertEnvelopeTransport checks an invocation arrived as the host sends it.
func assertEnvelopeTransport(tb testing.TB, rec map[string]any) {
	tb.Helper()
	h := http.Header{}
	for k, vs := range rec["headers"].(map[string]any) {
		for _, v := range vs.([]any) {
			h.Add(k, v.(string))
		}
	}
	te, _ := rec["transferEncoding"].([]any)
	switch {
	case h.Get("Content-Type") != "application/json; charset=utf-8":
		tb.Errorf("Content-Type = %q", h.Get("Content-Type"))
	case !guidRE.MatchString(h.Get("X-Azure-Functions-Invocationid")):
		tb.Errorf("invocation id = %q", h.Get("X-Azure-Functions-Invocationid"))
	case h.Get("X-Azure-Functions-Hostversion") != "4.1037.0.0":
		tb.Errorf("host version = %q", h.Get("X-Azure-Functions-Hostversion"))
	case h.Get("User-Agent") != "Azure-Functions-Host/4.1037.0.0":
		tb.Errorf("User-Agent = %q", h.Get("User-Agent"))
	case rec["contentLength"] != float64(-1) || len(te) != 1 || te[0] != "chunked":
		tb.Errorf("body not chunked: length %v, transfer encoding %v", rec["contentLength"], te)
	}
}

func TestRestartsHandlerAfterCrash(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	resp, _ := do(t, newRequest(t, "POST", d.URL+"/api/crash", nil))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("crash = %d", resp.StatusCode)
	}
	starts := d.waitRecords(t, "starts.jsonl", 2, nil)
	getEcho(t, newRequest(t, "GET", d.URL+"/api/echo/after-crash", nil))
	p1 := starts[0]["env"].(map[string]any)["FUNCTIONS_CUSTOMHANDLER_PORT"]
	p2 := starts[1]["env"].(map[string]any)["FUNCTIONS_CUSTOMHANDLER_PORT"]
	if p1 == p2 {
		t.Logf("restart reused port %v (allowed, but the host picks a fresh one)", p1)
	}
}

func TestStopsHandlerOnSIGTERM(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{})
	getEcho(t, newRequest(t, "GET", d.URL+"/api/echo/x", nil))
	pid := int(d.records(t, "starts.jsonl")[0]["pid"].(float64))
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("devhost still running 20s after SIGTERM:\n%s", d.output())
	}
	if code := d.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("devhost exit code %d, want 0:\n%s", code, d.output())
	}
	if len(d.records(t, "stops.jsonl")) != 1 {
		t.Errorf("handler did not receive SIGTERM")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("handler pid %d still running", pid)
	}
}

func TestKillsHandlerThatIgnoresSIGTERM(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{extraEnv: []string{"TESTHANDLER_IGNORE_TERM=1"},
		extraArgs: []string{"-stop-grace", "500ms"}})
	getEcho(t, newRequest(t, "GET", d.URL+"/api/echo/x", nil))
	pid := int(d.records(t, "starts.jsonl")[0]["pid"].(float64))
	if err := d.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("devhost still running 20s after SIGINT:\n%s", d.output())
	}
	if !strings.Contains(d.output(), "ignored SIGTERM") {
		t.Errorf("no kill log line:\n%s", d.output())
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("handler pid %d still running", pid)
	}
}

func TestGivesUpOnAHandlerThatNeverListens(t *testing.T) {
	t.Parallel()
	d := startDevhost(t, runOptions{extraEnv: []string{"TESTHANDLER_LISTEN_DELAY_MS=60000"},
		extraArgs: []string{"-ready-timeout", "300ms", "-stop-grace", "200ms"}})
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("devhost still running:\n%s", d.output())
	}
	if d.cmd.ProcessState.ExitCode() == 0 || !strings.Contains(d.output(), "failed 3 times") {
		t.Errorf("exit code %d, want non-zero after 3 failed starts:\n%s",
			d.cmd.ProcessState.ExitCode(), d.output())
	}
	if n := len(d.records(t, "starts.jsonl")); n != 3 {
		t.Errorf("handler started %d times, want 3", n)
	}
}

func TestRefusesToRunInAzure(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"WEBSITE_INSTANCE_ID=abc", "WEBSITE_SITE_NAME=pt-func",
		"PT_ENVIRONMENT=production"} {
		cmd := exec.Command(devhostBin, "-listen", "127.0.0.1:0", "-app-root", t.TempDir())
		cmd.Env = append(cmd.Environ(), env)
		out, err := cmd.CombinedOutput()
		if err == nil || !bytes.Contains(out, []byte("refusing to start")) {
			t.Errorf("with %s: err %v, output %s", env, err, out)
		}
	}
}
