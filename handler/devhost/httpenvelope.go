package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/funchost"
)

// serveEnvelope serves an HTTP function that is not forwarded: the request goes to the
// handler inside the envelope (contract §2.5), and the http output (e.g. Outputs.res)
// becomes the response. A failed invocation gives the caller a 500, as in Azure.
func (h *api) serveEnvelope(w http.ResponseWriter, r *http.Request, fn *function,
	params map[string]string) {
	var body []byte
	if r.ContentLength > 0 {
		var err error
		if body, err = io.ReadAll(io.LimitReader(r.Body, maxRequestBytes)); err != nil {
			writeProblem(w, http.StatusBadRequest, "The request body could not be read.")
			return
		}
	}
	seen := r.Clone(r.Context())
	h.auth.applyPrincipal(r, seen.Header)
	env := funchost.Envelope{FunctionName: fn.Name, Binding: fn.Trigger.Name,
		Now: time.Now(), RandGUID: uuid.NewString()}
	req, err := funchost.BuildHTTP(env, funchost.HTTPSource{Request: seen, Body: body,
		Params: params})
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "The request could not be encoded.")
		return
	}
	rep, err := h.invoker.invoke(r.Context(), fn.Name, req)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "The function invocation failed.")
		return
	}
	out := rep.Outputs[fn.httpOutput()]
	if fn.httpOutput() == "$return" {
		out = rep.ReturnValue
	}
	if err := writeHTTPOutput(w, out); err != nil {
		h.log.Error().Err(err).Str("function", fn.Name).Msg("http output rejected")
		writeProblem(w, http.StatusInternalServerError, "The function's http output is invalid.")
	}
}

// writeHTTPOutput writes an http output value the way the host does (contract §3.2):
// statusCode as text or number (default 200), string headers, a string body verbatim or
// an object body as indented JSON; a missing output gives 200 with `{}`.
func writeHTTPOutput(w http.ResponseWriter, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
		return nil
	}
	var out struct {
		StatusCode json.RawMessage            `json:"statusCode"`
		Headers    map[string]json.RawMessage `json:"headers"`
		Body       json.RawMessage            `json:"body"`
	}
	if raw[0] != '{' || json.Unmarshal(raw, &out) != nil {
		return fmt.Errorf("write http output: %w: not an object", errInvocationFailed)
	}
	status := http.StatusOK
	if code := string(bytes.Trim(out.StatusCode, `"`)); code != "" && code != "null" {
		n, err := strconv.Atoi(code)
		if err != nil || n < 100 || n > 999 {
			return fmt.Errorf("write http output: %w: bad statusCode", errInvocationFailed)
		}
		status = n
	}
	w.Header().Set("Content-Type", "text/plain")
	for k, v := range out.Headers {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		w.Header().Set(k, s)
	}
	w.WriteHeader(status)
	_, _ = w.Write(outputBody(out.Body))
	return nil
}

func outputBody(raw json.RawMessage) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return raw
	}
	return buf.Bytes()
}
