package funchost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// postChunked sends body to url the way the host does: chunked, with the host's headers.
func postChunked(tb testing.TB, url string, body []byte) (*http.Response, map[string]any) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(HeaderInvocationID, "5f0e6a63-2d43-4f5b-8c0e-8d1f0b8d7f11")
	req.Header.Set(HeaderHostVersion, "4.1037.0.0")
	req.Header.Set("User-Agent", "Azure-Functions-Host/4.1037.0.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		tb.Errorf("reply Content-Type = %q", resp.Header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		tb.Fatalf("reply %q is not a JSON object: %v", raw, err)
	}
	if logs, ok := doc["Logs"]; ok {
		list, isList := logs.([]any)
		for _, l := range list {
			if _, isString := l.(string); !isString {
				isList = false
			}
		}
		if !isList {
			tb.Errorf("Logs = %v, want an array of strings", logs)
		}
	}
	return resp, doc
}

func TestHandlerEveryFixture(t *testing.T) {
	t.Parallel()
	decoders := map[string]func(inv *Invocation) error{
		"timer.request.json": func(inv *Invocation) error {
			_, err := inv.DecodeTimer("timer")
			return err
		},
		"blob.request.json": func(inv *Invocation) error {
			_, err := inv.DecodeBlob("document", docTemplate)
			return err
		},
		"servicebus.request.json": func(inv *Invocation) error {
			_, err := inv.DecodeServiceBus("visitEvent")
			return err
		},
		"http-nonforwarded.request.json": func(inv *Invocation) error {
			_, err := inv.DecodeHTTP("req")
			return err
		},
	}
	for name, decode := range decoders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var gotID string
			srv := httptest.NewServer(Handler("Fn", func(_ context.Context,
				inv *Invocation) (Result, error) {
				gotID = inv.ID
				return Result{Logs: []string{"ok"}}, decode(inv)
			}))
			defer srv.Close()
			resp, doc := postChunked(t, srv.URL, fixtureBytes(t, name))
			if resp.StatusCode != 200 || gotID == "" {
				t.Errorf("status %d, invocation id %q, reply %v", resp.StatusCode, gotID, doc)
			}
			if outputs, _ := doc["Outputs"].(map[string]any); len(outputs) != 0 {
				t.Errorf("Outputs = %v, want {}", doc["Outputs"])
			}
		})
	}
}

func TestHandlerOutcomes(t *testing.T) {
	t.Parallel()
	boom := errors.New("store document: connection refused")
	tests := []struct {
		name       string
		body       string
		err        error
		res        Result
		wantStatus int
	}{
		{name: "OK", body: `{"Data":{},"Metadata":{}}`, wantStatus: 200},
		{name: "RetryableIs500", body: `{"Data":{}}`, err: Retryable(boom), wantStatus: 500},
		{name: "PermanentIs200", body: `{"Data":{}}`, err: boom, wantStatus: 200},
		{name: "Base64OutputRejected", body: `{}`, wantStatus: 200,
			res: Result{Outputs: map[string]any{"out": "Done"}}},
		{name: "NotJSONIs400", body: `not json`, wantStatus: 400},
		{name: "EmptyIs400", body: ``, wantStatus: 400},
		{name: "NullIs400", body: `null`, wantStatus: 400},
		{name: "ArrayIs400", body: `[]`, wantStatus: 400},
		{name: "TruncatedIs400", body: `{"Data":{"a":`, wantStatus: 400},
		{name: "TrailingIs400", body: `{} {}`, wantStatus: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(Handler("Fn", func(context.Context,
				*Invocation) (Result, error) {
				return tc.res, tc.err
			}))
			defer srv.Close()
			resp, doc := postChunked(t, srv.URL, []byte(tc.body))
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d (%v)", resp.StatusCode, tc.wantStatus, doc)
			}
			if tc.name == "Base64OutputRejected" {
				if outputs, _ := doc["Outputs"].(map[string]any); len(outputs) != 0 {
					t.Errorf("Outputs = %v, want the rejected output dropped", outputs)
				}
			}
		})
	}
}

func TestHandleRegistersPostRoute(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	Handle(mux, "VisitTrends", func(context.Context, *Invocation) (Result, error) {
		return Result{}, nil
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, _ := postChunked(t, srv.URL+"/VisitTrends", fixtureBytes(t, "timer.request.json"))
	if resp.StatusCode != 200 {
		t.Errorf("POST /VisitTrends = %d", resp.StatusCode)
	}
	get, err := http.Get(srv.URL + "/VisitTrends")
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /VisitTrends = %d, want 405", get.StatusCode)
	}
}
