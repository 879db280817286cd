package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// errInvocationFailed marks a reply the host treats as a failed invocation.
var errInvocationFailed = errors.New("invocation failed")

// reply is the handler's answer to an envelope invocation.
type reply struct {
	Outputs     map[string]json.RawMessage `json:"Outputs"`
	Logs        []string                   `json:"Logs"`
	ReturnValue json.RawMessage            `json:"ReturnValue"`
}

// invoker sends envelope invocations to the handler as the host does (contract §2.2).
type invoker struct {
	sup    *supervisor
	client *http.Client
	log    zerolog.Logger
}

func newInvoker(sup *supervisor, log zerolog.Logger) *invoker {
	return &invoker{sup: sup, log: log,
		client: &http.Client{Transport: &http.Transport{Proxy: nil}}}
}

// invoke POSTs req to /<fn>, chunked, and checks the reply like the host: a non-2xx
// status, a non-JSON content type or a body that is not a JSON object fails the
// invocation (errInvocationFailed). Reply log lines are logged as the function's.
func (iv *invoker) invoke(ctx context.Context, fn string, req funchost.Request) (reply,
	error) {
	var rep reply
	base, err := iv.sup.target(ctx)
	if err != nil {
		return rep, fmt.Errorf("invoke %s: %w", fn, err)
	}
	id := uuid.NewString()
	log := iv.log.With().Str("function", fn).Str("invocation_id", id).Logger()

	// A pipe has no length, so the body goes out chunked, as the host sends it.
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(json.NewEncoder(pw).Encode(req)) }()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+fn, pr)
	if err != nil {
		pr.Close()
		return rep, fmt.Errorf("invoke %s: %w", fn, err)
	}
	httpReq.Header.Set("Content-Type", "application/json; charset=utf-8")
	httpReq.Header.Set(funchost.HeaderInvocationID, id)
	httpReq.Header.Set(funchost.HeaderHostVersion, hostVersion)
	httpReq.Header.Set("User-Agent", hostUserAgent)

	resp, err := iv.client.Do(httpReq)
	if err != nil {
		return rep, fmt.Errorf("invoke %s: %w", fn, err)
	}
	defer resp.Body.Close()
	rep, err = readReply(resp)
	for _, line := range rep.Logs {
		log.Info().Str("log", line).Msg("function log")
	}
	if err != nil {
		log.Error().Err(err).Int("status", resp.StatusCode).Msg("invocation failed")
		return rep, fmt.Errorf("invoke %s: %w", fn, err)
	}
	log.Info().Int("status", resp.StatusCode).Msg("invocation succeeded")
	return rep, nil
}

func readReply(resp *http.Response) (reply, error) {
	var rep reply
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return rep, fmt.Errorf("read reply: %w", err)
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	isJSON := strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/json")
	trimmed := bytes.TrimSpace(body)
	isObject := len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &rep) == nil
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return rep, fmt.Errorf("%w: status %d", errInvocationFailed, resp.StatusCode)
	case !isJSON:
		return rep, fmt.Errorf("%w: reply content type %q is not JSON", errInvocationFailed,
			ct)
	case !isObject:
		// The real host hangs on an empty or null body; failing loudly is more useful.
		return rep, fmt.Errorf("%w: reply is not a JSON object", errInvocationFailed)
	}
	return rep, nil
}
