package api_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"patienttracker/handler/postgres"
)

// pgBin is where the machine's PostgreSQL 15 programs live.
const pgBin = "/usr/lib/postgresql/15/bin"

// cluster is a private PostgreSQL cluster started for one test, never the machine's
// shared one, so the test may stop it.
type cluster struct {
	t    testing.TB
	dir  string
	port int
	cred *syscall.Credential
}

// startCluster initialises and starts a trust-auth cluster on a free loopback port, or
// skips the test loudly when PostgreSQL's programs are missing.
func startCluster(t testing.TB) *cluster {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("SKIPPED: needs PostgreSQL 15's initdb at %s for a private cluster", pgBin)
	}
	dir, err := os.MkdirTemp("", "pt-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &cluster{t: t, dir: dir, port: freePort(t)}
	if os.Geteuid() == 0 { // initdb refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("SKIPPED: running as root and there is no postgres user for initdb: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--no-sync", "--no-instructions")
	c.start()
	t.Cleanup(func() { _ = c.pgctl("stop", "-m", "immediate") })
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// url is the cluster's postgres database.
func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(pgBin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

func (c *cluster) run(name string, args ...string) {
	c.t.Helper()
	if out, err := c.command(name, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (c *cluster) pgctl(action string, args ...string) error {
	all := append([]string{"-D", c.data(), "-w", "-t", "60", action}, args...)
	out, err := c.command("pg_ctl", all...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w\n%s", action, err, out)
	}
	return nil
}

func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir)
	if err := c.pgctl("start", "-l", filepath.Join(c.dir, "log"), "-o", opts); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) stop() {
	c.t.Helper()
	if err := c.pgctl("stop", "-m", "fast"); err != nil {
		c.t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestR9_DatabaseDown stops a private cluster mid-run: readiness and every route that
// needs the database answer 503 problems without internals, liveness and sign-in checks
// still answer, and once the cluster is back the API recovers without a restart.
func TestR9_DatabaseDown(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := postgres.Migrate(ctx, c.url()); err != nil {
		t.Fatalf("migrate the private cluster: %v", err)
	}
	e := newEnvWith(t, envSetup{dbURL: c.url()})
	d := e.seedData()
	checkJSON(t, e.do(req{method: "GET", path: "/api/health/ready"}), http.StatusOK)

	c.stop()
	for _, r := range []req{
		{method: "GET", path: "/api/health/ready"},
		{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1},
		{user: "u-clin", method: "GET", path: "/api/me"},
		{user: "u-clin", method: "POST", path: "/api/patients/search",
			body: map[string]any{"q": "firstpatient"}},
		{user: "u-clin", method: "POST", path: "/api/patients",
			body: patientBody("familyName", "Whiledown")},
		{user: "u-admin", method: "GET", path: "/api/audit"},
	} {
		for range 2 { // the first use of a dead pooled connection, then a fresh connect
			res := e.do(r)
			e.checkProblem(res, http.StatusServiceUnavailable, "unavailable")
		}
	}
	checkJSON(t, e.do(req{method: "GET", path: "/api/health"}), http.StatusOK)
	e.checkProblem(e.do(req{method: "GET", path: "/api/me"}), http.StatusUnauthorized, "")

	c.start()
	deadline := time.Now().Add(60 * time.Second) // a hang guard, not a speed test
	for {
		res := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + d.P1})
		if res.status == http.StatusOK {
			break
		}
		e.checkProblem(res, http.StatusServiceUnavailable, "unavailable")
		if time.Now().After(deadline) {
			t.Fatal("the API did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	checkJSON(t, e.do(req{method: "GET", path: "/api/health/ready"}), http.StatusOK)
	checkJSON(t, e.do(req{user: "u-clin", method: "POST", path: "/api/patients",
		body: patientBody("familyName", "Afterwards")}), http.StatusCreated)
}
