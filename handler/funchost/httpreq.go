package funchost

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// HTTPRequest is Data.<name> of an HTTP trigger that is not forwarded (contract §2.5).
// Read it, never Metadata: body keys overwrite Metadata entries.
type HTTPRequest struct {
	URL    string
	Method string
	// Query holds one value per key; a repeated key arrives comma-joined ("a,b").
	Query map[string]string
	// Header is canonicalised, so Header.Get finds names sent in any case.
	Header http.Header
	// Params holds the route parameters (empty when the route produced none).
	Params     map[string]string
	Identities []Identity
	// Body holds the raw bytes for application/octet-stream and multipart/* (which the
	// host sends as base64) and the UTF-8 text for any other type. HasBody is false when
	// the request had no Content-Length > 0 (a chunked request arrives without a body).
	Body    []byte
	HasBody bool
}

// Identity is one serialised .NET ClaimsIdentity.
type Identity struct {
	AuthenticationType *string `json:"AuthenticationType"`
	IsAuthenticated    bool    `json:"IsAuthenticated"`
	Name               *string `json:"Name"`
	Claims             []Claim `json:"Claims"`
}

// Claim is one claim of an Identity.
type Claim struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

type wireHTTPRequest struct {
	URL        string                     `json:"Url"`
	Method     string                     `json:"Method"`
	Query      json.RawMessage            `json:"Query"`
	Headers    map[string]json.RawMessage `json:"Headers"`
	Params     map[string]string          `json:"Params"`
	Identities json.RawMessage            `json:"Identities"`
	Body       *string                    `json:"Body"`
}

// DecodeHTTP decodes the HTTP trigger binding called name.
func (r *Request) DecodeHTTP(name string) (HTTPRequest, error) {
	var req HTTPRequest
	raw, ok := r.DataValue(name)
	if !ok {
		return req, fmt.Errorf("decode http %s: %w", name, ErrMissing)
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return req, fmt.Errorf("decode http %s: %w", name, err)
	}
	var w wireHTTPRequest
	if err := json.Unmarshal(obj, &w); err != nil {
		return req, fmt.Errorf("decode http %s: %w: %w", name, ErrMalformed, err)
	}
	if req, err = w.decode(); err != nil {
		return req, fmt.Errorf("decode http %s: %w", name, err)
	}
	return req, nil
}

func (w *wireHTTPRequest) decode() (HTTPRequest, error) {
	req := HTTPRequest{URL: w.URL, Method: w.Method, Params: w.Params, Header: http.Header{}}
	if req.Params == nil {
		req.Params = map[string]string{}
	}
	var err error
	if req.Query, err = decodeQuery(w.Query); err != nil {
		return req, err
	}
	if err := decodeHeaders(w.Headers, req.Header); err != nil {
		return req, err
	}
	if req.Identities, err = decodeIdentities(w.Identities); err != nil {
		return req, err
	}
	if w.Body != nil {
		req.HasBody = true
		if req.Body, err = decodeBody(*w.Body, req.Header.Get("Content-Type")); err != nil {
			return req, err
		}
	}
	return req, nil
}

// decodeQuery accepts an object (current hosts) or a JSON string holding one (2020 and
// earlier, and the docs' example).
func decodeQuery(raw json.RawMessage) (map[string]string, error) {
	q := map[string]string{}
	if len(raw) == 0 || isNull(raw) {
		return q, nil
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(obj, &values); err != nil {
		return nil, fmt.Errorf("query: %w: %w", ErrMalformed, err)
	}
	for k, v := range values {
		if q[k], err = joinValues(v); err != nil {
			return nil, fmt.Errorf("query %s: %w", k, err)
		}
	}
	return q, nil
}

func decodeHeaders(raw map[string]json.RawMessage, into http.Header) error {
	for name, v := range raw {
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			s, err := joinValues(v)
			if err != nil {
				return fmt.Errorf("header %s: %w", name, err)
			}
			list = []string{s}
		}
		for _, s := range list {
			into.Add(name, s)
		}
	}
	return nil
}

// joinValues reads a string, or an array of strings joined with commas.
func joinValues(raw json.RawMessage) (string, error) {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ","), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: not a string", ErrMalformed)
	}
	return s, nil
}

// decodeIdentities accepts an array or a JSON string holding one.
func decodeIdentities(raw json.RawMessage) ([]Identity, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	doc, err := DecodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}
	var ids []Identity
	if doc[0] == '{' {
		var one Identity
		err = json.Unmarshal(doc, &one)
		ids = []Identity{one}
	} else {
		err = json.Unmarshal(doc, &ids)
	}
	if err != nil {
		return nil, fmt.Errorf("identities: %w: %w", ErrMalformed, err)
	}
	return ids, nil
}

func decodeBody(body, contentType string) ([]byte, error) {
	if !IsBase64MediaType(contentType) {
		return []byte(body), nil
	}
	b, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("body: %w: %w", ErrMalformed, err)
	}
	return b, nil
}

// IsBase64MediaType reports whether the host sends a request body of this Content-Type
// as base64: application/octet-stream and multipart/* (host Utility.IsMediaTypeOctetOrMultipart).
func IsBase64MediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	}
	return mt == "application/octet-stream" || strings.HasPrefix(mt, "multipart/")
}
