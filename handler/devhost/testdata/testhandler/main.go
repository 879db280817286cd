// Command testhandler is a tiny custom handler for the dev host's tests. It records how
// it was started and every envelope invocation under $TESTHANDLER_DIR, echoes forwarded
// /api requests back as JSON, and exits on request, so tests can observe the dev host
// from the handler's side.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"patienttracker/handler/funchost"
)

var (
	pings  atomic.Int64
	fileMu sync.Mutex
)

func main() {
	dir := os.Getenv("TESTHANDLER_DIR")
	cwd, _ := os.Getwd()
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "FUNCTIONS_") || strings.HasPrefix(k, "PT_TEST_MARK") {
			env[k] = v
		}
	}
	record(dir, "starts.jsonl", map[string]any{"pid": os.Getpid(), "args": os.Args[1:],
		"cwd": cwd, "env": env})
	fmt.Println("testhandler stdout line")
	fmt.Fprintln(os.Stderr, "testhandler stderr line")
	if ms := os.Getenv("TESTHANDLER_LISTEN_DELAY_MS"); ms != "" {
		d, _ := time.ParseDuration(ms + "ms")
		time.Sleep(d)
	}

	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"),
		Handler: routes(dir)}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if os.Getenv("TESTHANDLER_IGNORE_TERM") != "" {
		stop()
		signal.Ignore(syscall.SIGTERM)
		ctx = context.Background()
	}
	go func() {
		<-ctx.Done()
		record(dir, "stops.jsonl", map[string]any{"pid": os.Getpid()})
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "testhandler:", err)
		os.Exit(1)
	}
}

func routes(dir string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		pings.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/api/echo/", echo)
	mux.HandleFunc("/api/items/{id}", echo)
	mux.HandleFunc("/api/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("/api/binary", func(w http.ResponseWriter, _ *http.Request) {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("/api/crash", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.(http.Flusher).Flush()
		go func() { time.Sleep(50 * time.Millisecond); os.Exit(3) }()
	})
	mux.HandleFunc("POST /{name}", func(w http.ResponseWriter, r *http.Request) {
		envelope(dir, w, r)
	})
	return mux
}

// echo answers with the request as the handler saw it.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.Path, "rawQuery": r.URL.RawQuery,
		"query": r.URL.Query(), "host": r.Host, "headers": r.Header, "body": body,
		"contentLength": r.ContentLength, "transferEncoding": r.TransferEncoding,
		"pings": pings.Load(),
	})
}

// envelope records an invocation and answers it through funchost.Handler; functions
// whose name starts with "Failing" fail retryably.
func envelope(dir string, w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	body, _ := io.ReadAll(r.Body)
	record(dir, "invocations.jsonl", map[string]any{"function": name, "headers": r.Header,
		"contentLength": r.ContentLength, "transferEncoding": r.TransferEncoding,
		"body": json.RawMessage(body)})
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	funchost.Handler(name, func(_ context.Context, inv *funchost.Invocation) (
		funchost.Result, error) {
		var res funchost.Result
		res.Log("handled %s", name)
		if strings.HasPrefix(name, "Failing") {
			return res, funchost.Retryable(fmt.Errorf("fail on purpose"))
		}
		if name == "EnvHTTP" {
			req, err := inv.DecodeHTTP("req")
			if err != nil {
				return res, err
			}
			out, _ := json.Marshal(map[string]any{"query": req.Query, "params": req.Params,
				"body": string(req.Body), "principal": req.Header.Get("X-Ms-Client-Principal")})
			res.SetOutput("res", funchost.NewHTTPOutput(201, map[string]string{
				"Content-Type": "application/json", "Location": "/api/envhttp/new"},
				string(out)))
		}
		return res, nil
	}).ServeHTTP(w, r)
}

func record(dir, file string, v any) {
	if dir == "" {
		return
	}
	b, _ := json.Marshal(v)
	fileMu.Lock()
	defer fileMu.Unlock()
	f, err := os.OpenFile(dir+"/"+file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(b, '\n'))
}
