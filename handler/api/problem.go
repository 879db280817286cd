package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"patienttracker/handler/apperror"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string                `json:"type"`
	Title     string                `json:"title"`
	Status    int                   `json:"status"`
	Code      string                `json:"code"`
	Detail    string                `json:"detail,omitempty"`
	RequestID string                `json:"requestId"`
	Errors    []apperror.FieldError `json:"errors,omitempty"`
}

// kindStatus is the one table from application error kinds to HTTP statuses.
var kindStatus = map[apperror.Kind]int{
	apperror.KindInternal:     http.StatusInternalServerError,
	apperror.KindInvalid:      http.StatusUnprocessableEntity,
	apperror.KindBadRequest:   http.StatusBadRequest,
	apperror.KindNotFound:     http.StatusNotFound,
	apperror.KindConflict:     http.StatusConflict,
	apperror.KindPrecondition: http.StatusPreconditionFailed,
	apperror.KindUnavailable:  http.StatusServiceUnavailable,
}

// httpError is an error that carries its own status (401, 403, 405, 413, 415, 428, 429).
type httpError struct {
	status int
	code   string
	title  string
	fields []apperror.FieldError
	header http.Header
}

func (e *httpError) Error() string { return e.code }

func newHTTPError(status int, code, title string) *httpError {
	return &httpError{status: status, code: code, title: title}
}

// writeError answers with a problem for err. Internal errors are logged here, once, and
// the caller learns only the request id.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{RequestID: requestID(r.Context())}
	h := w.Header()
	if he, ok := err.(*httpError); ok {
		p.Status, p.Code, p.Title, p.Errors = he.status, he.code, he.title, he.fields
		for k, v := range he.header {
			h[k] = v
		}
	} else if ae, ok := apperror.As(err); ok && ae.Kind != apperror.KindInternal {
		p.Status, p.Code, p.Title, p.Errors = kindStatus[ae.Kind], ae.Code, ae.Message, ae.Fields
		if ae.Kind == apperror.KindUnavailable {
			h.Set("Retry-After", "5")
			zerolog.Ctx(r.Context()).Warn().Err(err).Msg("dependency unavailable")
		}
	} else {
		p.Status, p.Code, p.Title = http.StatusInternalServerError, "internal", "Internal error"
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("unexpected error")
	}
	p.Type = "urn:pt:error:" + p.Code
	if st, ok := r.Context().Value(keyCaller).(*requestState); ok {
		st.code = p.Code // the outcome line logs why, never what was sent
	}
	h.Set("Content-Type", "application/problem+json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	body, _ := json.Marshal(p)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
