package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/audit"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// The binary is built once per test run, as `make app` builds it, and started the way
// the Functions host starts it (functions-contract.md §1.3, §8.A).

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary builds the handler into a temporary directory (once) and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "pt-binary-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "patient-tracker")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// logBuffer collects a process's output safely.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is the binary running as the custom handler.
type proc struct {
	t       *testing.T
	cmd     *exec.Cmd
	port    int
	stdout  *logBuffer
	stderr  *logBuffer
	done    chan struct{}
	exitErr error
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// hostEnv is the environment the Functions host gives the handler, plus app settings.
func hostEnv(t *testing.T, port int, appRoot string, settings map[string]string) []string {
	worker := uuid.NewString()
	env := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"),
		"FUNCTIONS_CUSTOMHANDLER_PORT":      fmt.Sprint(port),
		"FUNCTIONS_HTTPWORKER_PORT":         fmt.Sprint(port),
		"FUNCTIONS_CUSTOMHANDLER_WORKER_ID": worker, "FUNCTIONS_HTTPWORKER_ID": worker,
		"FUNCTIONS_APP_ROOT_PATH": appRoot,
		"PT_ENVIRONMENT":          "test",
		"PT_LOG_LEVEL":            "info",
	}
	for k, v := range settings {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// launch starts the binary in an app root with no arguments, as the host does.
func launch(t *testing.T, settings map[string]string, args ...string) *proc {
	t.Helper()
	appRoot := t.TempDir()
	p := &proc{t: t, port: freePort(t), stdout: &logBuffer{}, stderr: &logBuffer{},
		done: make(chan struct{})}
	p.cmd = exec.Command(binary(t), args...)
	p.cmd.Dir = appRoot
	p.cmd.Env = hostEnv(t, p.port, appRoot, settings)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exitErr = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to exit, failing the test after the bound.
func (p *proc) wait(bound time.Duration) error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.exitErr
	case <-time.After(bound):
		p.t.Fatalf("the process did not exit within %s", bound)
		return nil
	}
}

func (p *proc) url(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", p.port, path)
}

// client has a timeout that only stops hangs.
var client = &http.Client{Timeout: 30 * time.Second}

// waitReady polls GET / every 25 ms, as the host does, until any HTTP answer comes back.
func (p *proc) waitReady() time.Duration {
	p.t.Helper()
	start := time.Now()
	probe := &http.Client{Timeout: 2 * time.Second}
	for time.Since(start) < 30*time.Second {
		if p.exited() {
			p.t.Fatalf("the handler exited before it was ready: %v", p.exitErr)
		}
		if res, err := probe.Get(p.url("/")); err == nil {
			res.Body.Close()
			return time.Since(start)
		}
		time.Sleep(25 * time.Millisecond)
	}
	p.t.Fatal("the handler was not ready within the host's 30 s InitializationTimeout")
	return 0
}

// get sends a request and reads the whole answer.
func (p *proc) get(path, user string) (int, http.Header, []byte) {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.url(path), nil)
	if user != "" {
		req.Header.Set("X-Ms-Client-Principal", principal(user))
	}
	res, err := client.Do(req)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func principal(user string) string {
	b, _ := json.Marshal(map[string]any{"identityProvider": "aad", "userId": user,
		"userDetails": user + "@clinic.test", "userRoles": []string{"anonymous", "authenticated"}})
	return base64.StdEncoding.EncodeToString(b)
}

// seedStaffRow adds an active staff member bound to the aad user id.
func seedStaffRow(t *testing.T, dbURL, user, role string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), `INSERT INTO staff (id, email, display_name, role,
	    active, identity_provider, identity_user_id, bound_at, created_at, updated_at)
	  VALUES ($1, $2, $3, $4, true, 'aad', $5, now(), now(), now())`,
		uuid.New(), user+"@clinic.test", user, role, user)
	if err != nil {
		t.Fatal(err)
	}
}

// TestStartup_HostContract is §8.A: started as the host starts it, the handler answers
// GET / (any status), is still running afterwards and still answers later.
func TestStartup_HostContract(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	p := launch(t, map[string]string{"PT_DATABASE_URL": dbURL})
	took := p.waitReady()
	t.Logf("ready after %s (the contract's target is under 2 s; not asserted)", took)
	time.Sleep(200 * time.Millisecond)
	if p.exited() {
		t.Fatalf("the handler exited after answering GET /: %v", p.exitErr)
	}
	for _, path := range []string{"/", "/api/health", "/api/health/ready"} {
		if status, _, _ := p.get(path, ""); status != http.StatusOK {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	// Every stdout line is one JSON log record (the host logs each line as it comes).
	for _, line := range strings.Split(strings.TrimSpace(p.stdout.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("stdout line is not JSON: %q", line)
		}
	}
}

// TestStartup_DatabaseDown: with the database on a closed port the handler starts, keeps
// running, and answers readiness with a 503 problem.
func TestStartup_DatabaseDown(t *testing.T) {
	t.Parallel()
	closed := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable",
		freePort(t))
	p := launch(t, map[string]string{"PT_DATABASE_URL": closed,
		"PT_FIRST_ADMIN_EMAIL": "first@clinic.test"})
	p.waitReady()
	status, h, body := p.get("/api/health/ready", "")
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" ||
		!strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
		t.Errorf("ready: %d %v %s", status, h, body)
	}
	if bytes.Contains(body, []byte("127.0.0.1")) || bytes.Contains(body, []byte("dial")) {
		t.Errorf("the 503 leaks internals: %s", body)
	}
	if status, _, _ := p.get("/api/health", ""); status != http.StatusOK {
		t.Errorf("liveness: %d", status)
	}
	status, _, _ = p.get("/api/me", "u-admin")
	if status != http.StatusServiceUnavailable {
		t.Errorf("a signed-in call: %d, want 503", status)
	}
	time.Sleep(time.Second)
	if p.exited() {
		t.Fatalf("the handler exited while the database was down: %v", p.exitErr)
	}
}

// blackHole accepts connections and never answers, like a database host that hangs.
type blackHole struct{ ln net.Listener }

func newBlackHole(t *testing.T) *blackHole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackHole{ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_, _ = io.Copy(io.Discard, c) // returns when the client gives up
				_ = c.Close()
			}()
		}
	}()
	return b
}

// TestStartup_AnswersWhileDatabaseHangs: with a database host that accepts connections
// and never answers, the handler still becomes ready, answers and keeps running.
func TestStartup_AnswersWhileDatabaseHangs(t *testing.T) {
	t.Parallel()
	hole := newBlackHole(t)
	p := launch(t, map[string]string{"PT_DATABASE_URL": "postgres://postgres@" +
		hole.ln.Addr().String() + "/postgres?sslmode=disable",
		"PT_FIRST_ADMIN_EMAIL": "first@clinic.test"})
	p.waitReady()
	if status, _, _ := p.get("/api/health", ""); status != http.StatusOK {
		t.Errorf("liveness: %d", status)
	}
	if status, _, _ := p.get("/api/health/ready", ""); status != http.StatusServiceUnavailable {
		t.Errorf("readiness: %d, want 503", status)
	}
	if p.exited() {
		t.Fatalf("the handler exited: %v", p.exitErr)
	}
}

// TestStartup_FirstAdminOnceDatabaseAnswers: a database that is down at start does not
// lock a new deployment out: the first admin is added once it answers, without a restart.
func TestStartup_FirstAdminOnceDatabaseAnswers(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	port := freePort(t)
	p := launch(t, map[string]string{"PT_FIRST_ADMIN_EMAIL": "first@clinic.test",
		"PT_DATABASE_URL": strings.Replace(dbURL, "127.0.0.1:5432",
			fmt.Sprintf("127.0.0.1:%d", port), 1)})
	p.waitReady()
	time.Sleep(1500 * time.Millisecond) // let the first attempt fail against the closed port
	forward(t, port, "127.0.0.1:5432")
	deadline := time.Now().Add(90 * time.Second) // a hang guard, not a speed test
	for queryInt(t, dbURL, "SELECT count(*) FROM staff WHERE email = 'first@clinic.test' "+
		"AND role = 'admin'") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first admin was never added after the database came up")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// forward relays connections from a loopback port to target until the test ends.
func forward(t *testing.T, port int, target string) {
	t.Helper()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { _, _ = io.Copy(up, c) }()
				_, _ = io.Copy(c, up)
			}()
		}
	}()
}

// TestA14_DevAuthRefusedInProduction: the dev sign-in in production stops start-up with
// a non-zero exit (the host restarts it, and the deploy notices) naming the setting.
func TestA14_DevAuthRefusedInProduction(t *testing.T) {
	t.Parallel()
	p := launch(t, map[string]string{"PT_ENVIRONMENT": "production", "PT_DEV_AUTH": "1",
		"PT_DATABASE_URL":                  "postgres://postgres@127.0.0.1:1/postgres",
		"DocumentsStorage__blobServiceUri": "https://example.blob.core.windows.net"})
	err := p.wait(30 * time.Second)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("exit %v, want a non-zero code", err)
	}
	out := p.stdout.String() + p.stderr.String()
	if !strings.Contains(out, "PT_DEV_AUTH") {
		t.Errorf("the refusal does not name PT_DEV_AUTH:\n%s", out)
	}
}

// TestStartup_BadSettingNamesItself: each bad setting stops start-up, named.
func TestStartup_BadSettingNamesItself(t *testing.T) {
	t.Parallel()
	good := map[string]string{"PT_DATABASE_URL": "postgres://postgres@127.0.0.1:1/postgres"}
	for name, value := range map[string]string{
		"PT_CLINIC_TIMEZONE": "Mars/Olympus_Mons", "PT_LOG_LEVEL": "loud",
		"PT_DATABASE_URL": "mysql://x", "PT_ENVIRONMENT": "staging",
		"PT_DATABASE_MAX_CONNS": "0", "FUNCTIONS_CUSTOMHANDLER_PORT": "http",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			settings := map[string]string{name: value}
			for k, v := range good {
				if k != name {
					settings[k] = v
				}
			}
			p := launch(t, settings)
			err := p.wait(30 * time.Second)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit %v, want a non-zero code", err)
			}
			if out := p.stdout.String() + p.stderr.String(); !strings.Contains(out, name) {
				t.Errorf("the message does not name %s:\n%s", name, out)
			}
		})
	}
}

// TestStartup_SIGTERM: the host's SIGTERM ends the process gracefully with code 0.
func TestStartup_SIGTERM(t *testing.T) {
	t.Parallel()
	p := launch(t, map[string]string{"PT_DATABASE_URL": pgtest.NewDatabase(t)})
	p.waitReady()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("exit after SIGTERM: %v, want 0", err)
	}
	if !strings.Contains(p.stdout.String(), "shutting down") {
		t.Error("the shutdown is not logged")
	}
}

// TestR10_SIGTERMDuringWrite: SIGTERM while a create is inside its transaction. The
// process waits for the request, which completes whole (patient, audit row and outbox
// event together), and then exits 0.
func TestR10_SIGTERMDuringWrite(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	seedStaffRow(t, dbURL, "u-admin", "admin")
	p := launch(t, map[string]string{"PT_DATABASE_URL": dbURL})
	p.waitReady()

	ctx := context.Background()
	lock, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close(ctx)
	tx, err := lock.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		status int
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		body := `{"givenNames":"Term","familyName":"Signal","birthDate":"1980-01-02","sex":"male"}`
		req, _ := http.NewRequest("POST", p.url("/api/patients"), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Ms-Client-Principal", principal("u-admin"))
		res, err := client.Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		res.Body.Close()
		done <- answer{status: res.StatusCode}
	}()
	waitCount(t, dbURL, `SELECT count(*) FROM pg_stat_activity
	  WHERE application_name = 'patient-tracker' AND wait_event_type = 'Lock'`)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if p.exited() {
		t.Fatal("the process exited with a write in flight")
	}
	_ = tx.Rollback(ctx)
	a := <-done
	if a.err != nil || a.status != http.StatusCreated {
		t.Errorf("in-flight create: %d %v, want 201", a.status, a.err)
	}
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("exit: %v, want 0", err)
	}
	counts := [3]int{}
	for i, sql := range []string{"SELECT count(*) FROM patients",
		"SELECT count(*) FROM audit_log WHERE action = 'patient.create'",
		"SELECT count(*) FROM outbox"} {
		counts[i] = queryInt(t, dbURL, sql)
	}
	if counts != [3]int{1, 1, 1} && counts != [3]int{0, 0, 0} {
		t.Errorf("patients, audit rows, outbox events = %v: a partial write", counts)
	}
}

func queryInt(t *testing.T, dbURL, sql string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitCount(t *testing.T, dbURL, sql string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a hang guard
	for queryInt(t, dbURL, sql) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for: %s", sql)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestP5_Slowloris: headers trickled at one byte a second are cut off by the server's
// ReadHeaderTimeout; the handler keeps serving others.
func TestP5_Slowloris(t *testing.T) {
	t.Parallel()
	p := launch(t, map[string]string{"PT_DATABASE_URL": pgtest.NewDatabase(t)})
	p.waitReady()
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn)
		close(closed)
	}()
	header := "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 60)
	for i := 0; ; i++ {
		select {
		case <-closed:
			if status, _, _ := p.get("/api/health", ""); status != http.StatusOK {
				t.Errorf("after the slow client: %d", status)
			}
			return
		case <-time.After(time.Second):
		}
		if i >= len(header) {
			t.Fatalf("still open after %d s of trickled headers", i)
		}
		if _, err := conn.Write([]byte{header[i]}); err != nil {
			return // the server closed the connection
		}
	}
}

// TestE4_VerifyAuditCommand: `patient-tracker verify-audit` passes an intact chain and
// fails, naming the row, after a superuser edits one.
func TestE4_VerifyAuditCommand(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	db, err := postgres.Open(context.Background(), postgres.Options{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	actor := audit.Actor{Provider: "aad", UserID: "u-clin", Role: "clinician"}
	for range 5 {
		if err := db.Audit(context.Background(), actor.Event("patient.read", "patient",
			uuid.NewString(), nil, audit.Allowed)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	verify := func() (int, string) {
		p := launch(t, map[string]string{"PT_DATABASE_URL": dbURL}, "verify-audit")
		err := p.wait(60 * time.Second)
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		return code, p.stdout.String() + p.stderr.String()
	}
	if code, out := verify(); code != 0 || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("intact chain: exit %d\n%s", code, out)
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, sql := range []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
		"UPDATE audit_log SET outcome = 'denied' WHERE seq = 3",
		"ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"} {
		if _, err := conn.Exec(context.Background(), sql); err != nil {
			t.Fatal(err)
		}
	}
	code, out := verify()
	if code == 0 || !strings.Contains(out, "row 3") || !strings.Contains(out, "edited") {
		t.Errorf("edited row 3: exit %d\n%s", code, out)
	}
}

// TestE8_E10_BinaryInventory: no debugging or documentation routes are served or
// compiled in, and no answer names the server.
func TestE8_E10_BinaryInventory(t *testing.T) {
	t.Parallel()
	p := launch(t, map[string]string{"PT_DATABASE_URL": pgtest.NewDatabase(t)})
	p.waitReady()
	for _, path := range []string{"/debug/pprof/", "/debug/vars", "/swagger",
		"/api/_internal/x", "/admin/host/status", "/api/health"} {
		status, h, _ := p.get(path, "u-admin")
		if path != "/api/health" && (status != http.StatusNotFound ||
			h.Get("Content-Type") != "application/problem+json; charset=utf-8") {
			t.Errorf("GET %s: %d %s, want a 404 problem", path, status, h.Get("Content-Type"))
		}
		for _, k := range []string{"Server", "X-Powered-By", "Access-Control-Allow-Origin"} {
			if h.Get(k) != "" {
				t.Errorf("GET %s carries %s: %q", path, k, h.Get(k))
			}
		}
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"net/http/pprof", "expvar"} {
		for _, line := range strings.Split(string(out), "\n") {
			if line == pkg {
				t.Errorf("the binary links %s", pkg)
			}
		}
	}
}

// TestForwardedRequest is §8.C: a forwarded request keeps its invocation id as the
// request id, and a body sent with only a Content-Length is read.
func TestForwardedRequest(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	seedStaffRow(t, dbURL, "u-clin", "clinician")
	p := launch(t, map[string]string{"PT_DATABASE_URL": dbURL})
	p.waitReady()
	inv := uuid.NewString()
	body := `{"q":"nobody"}`
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /api/patients/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n"+
		"X-Azure-Functions-InvocationId: %s\r\nX-Azure-Functions-HostVersion: 4.1037.0.0\r\n"+
		"User-Agent: Mozilla/5.0 Azure-Functions-Host/4.1037.0.0\r\n"+
		"X-Ms-Client-Principal: %s\r\nConnection: close\r\n\r\n%s",
		len(body), inv, principal("u-clin"), body)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Request-Id") != inv {
		t.Errorf("search: %d, request id %q (want %s): %s", res.StatusCode,
			res.Header.Get("X-Request-Id"), inv, got)
	}
	// The outcome line is written just after the answer: wait for it (bounded).
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(p.stdout.String(),
		inv); time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the log does not carry the invocation id")
		}
	}
}
