package funchost

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/rs/zerolog"
)

// MaxEnvelopeBytes caps an envelope body: a 100 MB blob grows by a third in base64.
const MaxEnvelopeBytes = 160 << 20

// Header names the host sets on every invocation (contract §2.2).
const (
	HeaderInvocationID = "X-Azure-Functions-InvocationId"
	HeaderHostVersion  = "X-Azure-Functions-HostVersion"
)

// Invocation is one envelope invocation as the handler receives it.
type Invocation struct {
	// FunctionName is the function (folder) name the host invoked.
	FunctionName string
	// ID is the host's invocation id, for correlating logs.
	ID string
	// Header holds the request headers the host sent.
	Header http.Header
	Request
}

// Func answers one invocation. Return an error wrapped with [Retryable] for a failure
// the host should retry (reply 500); any other error is answered 200 with a log line so
// it burns no retries (contract §3.4), and should be recorded by the function itself.
type Func func(ctx context.Context, inv *Invocation) (Result, error)

type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// Retryable marks err as a failure the host should retry. Nil stays nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return retryableError{err: err}
}

// IsRetryable reports whether err, or an error it wraps, was marked with [Retryable].
func IsRetryable(err error) bool {
	var r retryableError
	return errors.As(err, &r)
}

// Handle registers fn on mux for `POST /<name>`, the path the host invokes.
func Handle(mux *http.ServeMux, name string, fn Func) {
	mux.Handle("POST /"+name, Handler(name, fn))
}

// Handler adapts fn to the host's transport: it decodes the (chunked) envelope, calls
// fn with a context carrying a zerolog logger with function and invocation_id fields
// (derived from the request context's logger), and writes the reply. A body that is not
// a JSON object is answered 400, an oversized one 413; both as JSON objects.
func Handler(name string, fn Func) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inv := &Invocation{FunctionName: name, ID: r.Header.Get(HeaderInvocationID),
			Header: r.Header}
		logger := zerolog.Ctx(r.Context()).With().Str("function", name).
			Str("invocation_id", inv.ID).Logger()
		ctx := logger.WithContext(r.Context())

		if status, err := decodeEnvelope(w, r, &inv.Request); err != nil {
			logger.Warn().Err(err).Msg("envelope rejected")
			WriteResult(w, status, Result{Logs: []string{"envelope rejected: " + err.Error()}})
			return
		}

		res, err := fn(ctx, inv)
		writeOutcome(ctx, w, res, err)
	})
}

func writeOutcome(ctx context.Context, w http.ResponseWriter, res Result, err error) {
	logger := zerolog.Ctx(ctx)
	if err == nil {
		err = res.Check()
	}
	switch {
	case err == nil:
		WriteResult(w, http.StatusOK, res)
	case IsRetryable(err):
		logger.Error().Err(err).Msg("invocation failed, host will retry")
		res.Log("invocation failed; the host will retry")
		WriteResult(w, http.StatusInternalServerError, Result{Logs: res.Logs})
	default:
		logger.Error().Err(err).Msg("invocation failed, not retried")
		res.Log("invocation failed; not retried")
		WriteResult(w, http.StatusOK, Result{Logs: res.Logs})
	}
}

// decodeEnvelope reads the whole body (chunked or not) into req.
func decodeEnvelope(w http.ResponseWriter, r *http.Request, req *Request) (int, error) {
	body := bufio.NewReader(http.MaxBytesReader(w, r.Body, MaxEnvelopeBytes))
	if err := expectObject(body); err != nil {
		return http.StatusBadRequest, err
	}
	dec := json.NewDecoder(body)
	if err := dec.Decode(req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, fmt.Errorf("decode envelope: %w", err)
		}
		return http.StatusBadRequest, fmt.Errorf("decode envelope: %w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return http.StatusBadRequest, fmt.Errorf("decode envelope: %w: trailing data",
			ErrMalformed)
	}
	if req.Data == nil {
		req.Data = map[string]json.RawMessage{}
	}
	if req.Metadata == nil {
		req.Metadata = map[string]json.RawMessage{}
	}
	return 0, nil
}

// expectObject checks, without consuming it, that the body starts with a JSON object.
func expectObject(r *bufio.Reader) error {
	for {
		b, err := r.Peek(1)
		if err != nil {
			return fmt.Errorf("decode envelope: %w: empty body", ErrMalformed)
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = r.ReadByte()
		case '{':
			return nil
		default:
			return fmt.Errorf("decode envelope: %w: not a JSON object", ErrMalformed)
		}
	}
}
