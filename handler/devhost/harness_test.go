package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binaries built once by TestMain.
var (
	devhostBin     string
	testhandlerBin string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "devhost-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	devhostBin = filepath.Join(dir, "devhost")
	testhandlerBin = filepath.Join(dir, "testhandler")
	for bin, pkg := range map[string]string{devhostBin: ".",
		testhandlerBin: "./testdata/testhandler"} {
		out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sharedDir returns the shared folder, skipping the test loudly when it is missing.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PT_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "fixtures")); err != nil {
		tb.Skipf("SKIPPED: ../shared not found (set PT_SHARED_DIR): %v", err)
	}
	return dir
}

// testFunctions is the app the tests run: forwarded HTTP functions, a non-forwarded
// HTTP function, a timer that runs on start-up and a blob function per container.
func testFunctions(blobContainer string) map[string]string {
	httpFn := func(route string, methods string) string {
		return `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req",` +
			`"authLevel":"anonymous","methods":[` + methods + `],"route":"` + route + `"},` +
			`{"type":"http","direction":"out","name":"res"}]}`
	}
	all := `"get","post","put","patch","delete"`
	fns := map[string]string{
		"Echo":     httpFn("echo/{*rest}", all),
		"Items":    httpFn("items/{id}", `"get"`),
		"Redirect": httpFn("redirect", all),
		"Binary":   httpFn("binary", all),
		"Crash":    httpFn("crash", all),
		"EnvHTTP": `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req",` +
			`"methods":["post"],"route":"envhttp/{kind}"},` +
			`{"type":"http","direction":"out","name":"res"},` +
			`{"type":"queue","direction":"out","name":"msg","queueName":"q"}]}`,
		"VisitTrends": `{"bindings":[{"type":"timerTrigger","direction":"in",` +
			`"name":"timer","schedule":"0 0 2 * * *","runOnStartup":true}]}`,
	}
	if blobContainer != "" {
		blobFn := func(container string) string {
			return `{"bindings":[{"type":"blobTrigger","direction":"in","name":"document",` +
				`"path":"` + container + `/{patientId}/{documentId}","dataType":"binary",` +
				`"source":"EventGrid","connection":"DocumentsStorage"}]}`
		}
		fns["ProcessDocument"] = blobFn(blobContainer)
		fns["FailingDocument"] = blobFn(blobContainer + "-fail")
	}
	return fns
}

// devhostRun is a running dev host process with its app root and handler records.
type devhostRun struct {
	URL     string
	AppRoot string
	Records string
	cmd     *exec.Cmd
	done    chan struct{}
	mu      sync.Mutex
	out     bytes.Buffer
}

type runOptions struct {
	blobContainer string
	extraArgs     []string
	extraEnv      []string
	noTestHeader  bool
}

// startDevhost builds an app root in a temp dir and starts the dev host on it.
func startDevhost(tb testing.TB, opt runOptions) *devhostRun {
	tb.Helper()
	root, records := tb.TempDir(), tb.TempDir()
	writeFile(tb, filepath.Join(root, "host.json"), `{"version":"2.0",`+
		`"extensions":{"http":{"routePrefix":"api"},"blobs":{"poisonBlobThreshold":5}},`+
		`"customHandler":{"description":{"defaultExecutablePath":"testhandler",`+
		`"workingDirectory":"","arguments":[]},"enableForwardingHttpRequest":true}}`)
	for name, doc := range testFunctions(opt.blobContainer) {
		writeFile(tb, filepath.Join(root, name, "function.json"), doc)
	}
	bin, err := os.ReadFile(testhandlerBin)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "testhandler"), bin, 0o755); err != nil {
		tb.Fatal(err)
	}

	args := []string{"-app-root", root, "-listen", "127.0.0.1:0", "-static",
		filepath.Join(root, "no-static"), "-stop-grace", "3s", "-log-format", "json"}
	if !opt.noTestHeader {
		args = append(args, "-allow-test-user-header")
	}
	d := &devhostRun{AppRoot: root, Records: records, done: make(chan struct{})}
	d.cmd = exec.Command(devhostBin, append(args, opt.extraArgs...)...)
	d.cmd.Env = append(os.Environ(), "TESTHANDLER_DIR="+records, "PT_TEST_MARK=passed")
	d.cmd.Env = append(d.cmd.Env, opt.extraEnv...)
	d.URL = d.start(tb)
	tb.Cleanup(func() { d.stop(tb) })
	return d
}

var urlLine = regexp.MustCompile(`Patient Tracker dev host: (http://localhost:\d+)`)

// start runs the process and waits for the line that announces its URL.
func (d *devhostRun) start(tb testing.TB) string {
	tb.Helper()
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	d.cmd.Stderr = &lockedWriter{d: d}
	if err := d.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			d.mu.Lock()
			d.out.WriteString(line + "\n")
			d.mu.Unlock()
			if m := urlLine.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		_ = d.cmd.Wait()
		close(d.done)
	}()
	select {
	case u := <-found:
		return u
	case <-d.done:
		tb.Fatalf("devhost exited before listening:\n%s", d.output())
	case <-time.After(30 * time.Second):
		tb.Fatalf("devhost did not announce its URL:\n%s", d.output())
	}
	return ""
}

// stop sends SIGTERM and waits for the dev host to exit.
func (d *devhostRun) stop(tb testing.TB) {
	tb.Helper()
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		_ = d.cmd.Process.Kill()
		tb.Errorf("devhost did not stop on SIGTERM:\n%s", d.output())
	}
}

func (d *devhostRun) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

type lockedWriter struct{ d *devhostRun }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.out.Write(p)
}

// records reads the handler's JSON-lines record file.
func (d *devhostRun) records(tb testing.TB, file string) []map[string]any {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(d.Records, file))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	// The handler may be writing as we read: only complete lines count.
	complete := string(b[:bytes.LastIndexByte(b, '\n')+1])
	var out []map[string]any
	for line := range strings.SplitSeq(complete, "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			tb.Fatalf("record %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// waitRecords polls a record file until match finds want records or the deadline.
func (d *devhostRun) waitRecords(tb testing.TB, file string, want int,
	match func(map[string]any) bool) []map[string]any {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got []map[string]any
		for _, r := range d.records(tb, file) {
			if match == nil || match(r) {
				got = append(got, r)
			}
		}
		if len(got) >= want {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: %d matching records after 30s, want %d\n%s", file, len(got), want,
				d.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func forFunction(name string) func(map[string]any) bool {
	return func(r map[string]any) bool { return r["function"] == name }
}

// noRedirects is a client that returns redirects instead of following them.
var noRedirects = &http.Client{Timeout: 60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request and returns the response with its body read.
func do(tb testing.TB, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, body
}

func newRequest(tb testing.TB, method, url string, body io.Reader) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
