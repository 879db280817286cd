package funchost

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ErrBase64Output marks an output that the host would silently base64-decode (a bare
// string that happens to be valid base64, such as "Done" or "1234"; contract §3.2).
var ErrBase64Output = errors.New("output string is valid base64")

// Result is the reply to an envelope invocation. Outputs keys must equal output binding
// names exactly; Logs become function log lines in Application Insights (no PHI).
type Result struct {
	Outputs     map[string]any `json:"Outputs"`
	Logs        []string       `json:"Logs"`
	ReturnValue any            `json:"ReturnValue"`
}

// Log appends a line to r.Logs.
func (r *Result) Log(format string, args ...any) {
	r.Logs = append(r.Logs, fmt.Sprintf(format, args...))
}

// SetOutput sets the output binding name to value.
func (r *Result) SetOutput(name string, value any) {
	if r.Outputs == nil {
		r.Outputs = map[string]any{}
	}
	r.Outputs[name] = value
}

// HTTPOutput is the value of an `http` output binding (e.g. Outputs.res) for an HTTP
// function that is not forwarded. The host writes Body verbatim as UTF-8 text; binary
// bodies are impossible (issue #8622).
type HTTPOutput struct {
	StatusCode string            `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

// NewHTTPOutput builds an HTTPOutput. The status is sent as text, as in the host's tests.
func NewHTTPOutput(status int, headers map[string]string, body string) HTTPOutput {
	if headers == nil {
		headers = map[string]string{}
	}
	return HTTPOutput{StatusCode: strconv.Itoa(status), Headers: headers, Body: body}
}

// Binary is an output value meant as bytes. It marshals as base64, which the host
// decodes for outputs without dataType, and it passes [Result.Check].
type Binary []byte

// MarshalJSON implements json.Marshaler.
func (b Binary) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// Check rejects output values (and ReturnValue) that are bare strings holding valid
// base64, because the host would decode them to bytes and mangle text such as "Done".
// Wrap deliberate bytes in [Binary]; send text as an object or JSON text instead.
func (r *Result) Check() error {
	for name, v := range r.Outputs {
		if looksBase64(v) {
			return fmt.Errorf("check output %s: %w", name, ErrBase64Output)
		}
	}
	if looksBase64(r.ReturnValue) {
		return fmt.Errorf("check return value: %w", ErrBase64Output)
	}
	return nil
}

func looksBase64(v any) bool {
	switch s := v.(type) {
	case string:
		return IsBase64Text(s)
	case *string:
		return s != nil && IsBase64Text(*s)
	case json.RawMessage:
		var str string
		return json.Unmarshal(s, &str) == nil && IsBase64Text(str)
	}
	return false
}

// IsBase64Text reports whether .NET's Convert.FromBase64String would accept s: after
// dropping white space, a non-empty multiple of 4 characters from the standard
// alphabet with correct padding.
func IsBase64Text(s string) bool {
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	if compact == "" || len(compact)%4 != 0 {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(compact)
	return err == nil
}

// WriteResult writes res as the reply to the host with the given status: always
// `Content-Type: application/json; charset=utf-8` and always a JSON object with
// Outputs and Logs present (never empty, never null, which would hang the host).
func WriteResult(w http.ResponseWriter, status int, res Result) {
	if res.Outputs == nil {
		res.Outputs = map[string]any{}
	}
	if res.Logs == nil {
		res.Logs = []string{}
	}
	body, err := json.Marshal(res)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"Outputs":{},"Logs":["reply could not be encoded"],"ReturnValue":null}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
