package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
)

// Host timings (contract §1.4).
const (
	pingInterval     = 25 * time.Millisecond
	defaultReady     = 30 * time.Second
	errorWindow      = 30 * time.Minute
	errorThreshold   = 3
	invocationWait   = 4 * defaultReady
	restartExitCode  = 200
	maxRelayLineSize = 1 << 20
)

// errHandlerGone is returned by target once the handler exited with code 0, after
// which the host does not restart it.
var errHandlerGone = errors.New("handler exited with code 0 and is not restarted")

// supervisor runs the custom handler exactly as the Functions host does: in the app's
// working directory, with the app's arguments only, with the host's environment
// variables and a fresh free port each start; it waits for GET / to answer, relays the
// output lines, and restarts the handler when it exits with a non-zero code.
type supervisor struct {
	app    *app
	env    []string
	stdout io.Writer
	stderr io.Writer
	grace  time.Duration
	// readyTimeout is the host's InitializationTimeout.
	readyTimeout time.Duration
	log          zerolog.Logger

	mu    sync.Mutex
	base  string        // http://127.0.0.1:<port> while ready
	ready chan struct{} // closed when base is set
	gone  bool
}

func newSupervisor(a *app, env []string, stdout, stderr io.Writer, cfg config,
	log zerolog.Logger) *supervisor {
	return &supervisor{app: a, env: env, stdout: stdout, stderr: stderr, grace: cfg.stopGrace,
		readyTimeout: cfg.readyTimeout, log: log, ready: make(chan struct{})}
}

// target waits until the handler is ready and returns its base URL.
func (s *supervisor) target(ctx context.Context) (string, error) {
	timer := time.NewTimer(invocationWait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		base, ready, gone := s.base, s.ready, s.gone
		s.mu.Unlock()
		if gone {
			return "", errHandlerGone
		}
		if base != "" {
			return base, nil
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return "", fmt.Errorf("wait for handler: %w", ctx.Err())
		case <-timer.C:
			return "", errors.New("wait for handler: not ready in time")
		}
	}
}

func (s *supervisor) setReady(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = base
	close(s.ready)
}

func (s *supervisor) setDown(gone bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base != "" {
		s.ready = make(chan struct{})
	}
	s.base, s.gone = "", gone
}

// run starts the handler and keeps it running until ctx ends, then stops it (SIGTERM,
// then SIGKILL after the grace period) and returns nil. It returns an error when the
// handler cannot be started or fails errorThreshold times within errorWindow, which is
// when the real host shuts down.
func (s *supervisor) run(ctx context.Context) error {
	var failures []time.Time
	for {
		code, err := s.runOnce(ctx)
		if err != nil || ctx.Err() != nil {
			return err
		}
		switch code {
		case 0:
			s.log.Error().Msg("handler exited with code 0; the host does not restart it")
			s.setDown(true)
			<-ctx.Done()
			return nil
		case restartExitCode:
			s.log.Warn().Msg("handler asked for a restart (exit code 200)")
			continue
		}
		now := time.Now()
		failures = append(failures, now)
		for len(failures) > 0 && now.Sub(failures[0]) > errorWindow {
			failures = failures[1:]
		}
		if len(failures) >= errorThreshold {
			return fmt.Errorf("handler failed %d times within %s; the host would shut down",
				len(failures), errorWindow)
		}
		s.log.Warn().Int("exit_code", code).Msg("handler failed; restarting")
	}
}

// runOnce runs one handler process to its end and returns its exit code (-1 when it
// was killed for not becoming ready).
func (s *supervisor) runOnce(ctx context.Context) (int, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	cmd, relays := s.command(port)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start handler %s: %w", s.app.ExecPath, err)
	}
	s.log.Info().Int("pid", cmd.Process.Pid).Int("port", port).Msg("handler started")
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		for _, r := range relays {
			r.flush()
		}
		close(exited)
	}()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	readyAt, isReady := waitReady(ctx, base, exited, s.readyTimeout)
	if isReady {
		s.log.Info().Dur("after", readyAt).Msg("handler ready")
		s.setReady(base)
		select {
		case <-exited:
		case <-ctx.Done():
		}
	} else if ctx.Err() == nil {
		// Not ready within the timeout (or exited first): the host counts a worker
		// error and restarts the handler.
		s.log.Error().Msg("handler did not answer GET / in time or exited first")
	}
	s.setDown(false)
	select {
	case <-exited:
		return exitCode(waitErr), nil
	default:
		s.stop(cmd, exited)
		if ctx.Err() != nil {
			return 0, nil
		}
		return -1, nil
	}
}

func (s *supervisor) command(port int) (*exec.Cmd, []*lineRelay) {
	cmd := exec.Command(s.app.ExecPath, s.app.Args...)
	cmd.Dir = s.app.WorkDir
	id := uuid.NewString()
	cmd.Env = mergeEnv(s.env, map[string]string{
		"FUNCTIONS_CUSTOMHANDLER_PORT":      strconv.Itoa(port),
		"FUNCTIONS_CUSTOMHANDLER_WORKER_ID": id,
		"FUNCTIONS_HTTPWORKER_PORT":         strconv.Itoa(port),
		"FUNCTIONS_HTTPWORKER_ID":           id,
		"FUNCTIONS_APP_ROOT_PATH":           s.app.Root,
	})
	relays := []*lineRelay{{dst: s.stdout}, {dst: s.stderr}}
	cmd.Stdout, cmd.Stderr = relays[0], relays[1]
	// A process group of its own: a terminal's Ctrl-C reaches the dev host only, and
	// the stop signal reaches anything the handler started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, relays
}

// stop sends SIGTERM to the handler's process group, then SIGKILL after the grace
// period, and waits for the process to be reaped.
func (s *supervisor) stop(cmd *exec.Cmd, exited <-chan struct{}) {
	pid := cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
		s.log.Info().Msg("handler stopped")
	case <-time.After(s.grace):
		s.log.Warn().Dur("grace", s.grace).Msg("handler ignored SIGTERM; killing it")
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
}

// waitReady sends GET / every 25 ms until any HTTP response arrives (ready), the
// process exits, ctx ends or timeout passes.
func waitReady(ctx context.Context, base string, exited <-chan struct{},
	timeout time.Duration) (time.Duration, bool) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	start := time.Now()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(pingInterval)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		if err == nil {
			if resp, err := client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return time.Since(start), true
			}
		}
		select {
		case <-tick.C:
		case <-exited:
			return 0, false
		case <-ctx.Done():
			return 0, false
		case <-deadline.C:
			return 0, false
		}
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	return -1
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lineRelay writes whole lines to dst as they complete, so lines from the handler's
// stdout and stderr never interleave mid-line with the dev host's own output.
type lineRelay struct {
	dst io.Writer
	buf []byte
}

// Write implements io.Writer.
func (l *lineRelay) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		writeLocked(l.dst, l.buf[:i+1])
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > maxRelayLineSize {
		writeLocked(l.dst, append(l.buf, '\n'))
		l.buf = nil
	}
	return len(p), nil
}

// flush writes a last line that had no newline.
func (l *lineRelay) flush() {
	if len(l.buf) > 0 {
		writeLocked(l.dst, append(l.buf, '\n'))
		l.buf = nil
	}
}

var outputMu sync.Mutex

func writeLocked(w io.Writer, line []byte) {
	outputMu.Lock()
	defer outputMu.Unlock()
	_, _ = w.Write(line)
}
