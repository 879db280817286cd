package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"patienttracker/handler/apperror"
)

// maxBodyBytes bounds every JSON body; documents go straight to Blob Storage instead.
const maxBodyBytes = 64 << 10

// readBody reads a JSON request body strictly: JSON content type (415), within the size
// limit, enforced while reading (413), and valid UTF-8 (400 invalid_utf8).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
		return nil, newHTTPError(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Send the body as application/json")
	}
	if r.ContentLength > maxBodyBytes {
		return nil, newHTTPError(http.StatusRequestEntityTooLarge, "body_too_large",
			"The request body is too large")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, newHTTPError(http.StatusRequestEntityTooLarge, "body_too_large",
			"The request body is too large")
	case err != nil:
		return nil, badRequest("malformed_request", "The request body could not be read", "")
	case !utf8.Valid(body):
		return nil, badRequest("invalid_utf8", "The request body is not valid UTF-8", "")
	}
	return body, nil
}

// decodeInto decodes body into dst, refusing unknown fields, wrong JSON types, trailing
// data and nulls (an optional field is cleared with "", never with null).
func decodeInto(body []byte, dst any) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return badRequest("type_mismatch", "The body must be a JSON object", "")
		}
		return badRequest("malformed_request", "The body is not valid JSON", "")
	}
	if top == nil { // the body was null
		return badRequest("type_mismatch", "The body must be a JSON object", "")
	}
	for k, v := range top {
		if string(bytes.TrimSpace(v)) == "null" {
			return badRequest("type_mismatch", "A field has the wrong JSON type", k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return badRequest("type_mismatch", "A field has the wrong JSON type", te.Field)
	}
	// encoding/json reports an unknown field only in its message; there is no typed error.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badRequest("unknown_field", "The body has a field this route does not define",
			strings.Trim(name, `"`))
	}
	return badRequest("malformed_request", "The body is not valid JSON", "")
}

func badRequest(code, title, field string) error {
	e := &apperror.Error{Kind: apperror.KindBadRequest, Code: code, Message: title}
	if field != "" {
		e.Fields = []apperror.FieldError{{Field: field, Code: code}}
	}
	return e
}
