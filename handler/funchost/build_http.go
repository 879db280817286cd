package funchost

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// HTTPSource describes an incoming HTTP request for [BuildHTTP].
type HTTPSource struct {
	// Request is the caller's request; only its method, Host, URL and headers are read.
	Request *http.Request
	// Body is the request body, read by the caller; it is sent only when the request
	// had Content-Length > 0, like the host.
	Body []byte
	// Params are the route parameters.
	Params map[string]string
}

// anonymousIdentity is the identity of a local call without a function key.
var anonymousIdentity = json.RawMessage(`{"AuthenticationType":null,"IsAuthenticated":false,` +
	`"Actor":null,"BootstrapContext":null,"Claims":[],"Label":null,"Name":null,` +
	`"NameClaimType":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",` +
	`"RoleClaimType":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}`)

// BuildHTTP builds the envelope of an HTTP trigger that is not forwarded (contract
// §2.5): Data.<binding> is the request object; Metadata holds Query (last value wins),
// Headers (comma-joined), each query and route parameter double-encoded, the top-level
// properties of a JSON body, and sys.
func BuildHTTP(env Envelope, src HTTPSource) (Request, error) {
	req, err := env.newRequest()
	if err != nil {
		return req, err
	}
	r := src.Request
	keys, values := OrderedQuery(r.URL.RawQuery)

	data := map[string]any{
		"Url":        "http://" + r.Host + r.URL.RequestURI(),
		"Method":     r.Method,
		"Query":      mergedQuery(keys, values, strings.Join),
		"Headers":    map[string][]string(r.Header),
		"Identities": []json.RawMessage{anonymousIdentity},
	}
	if len(src.Params) > 0 {
		data["Params"] = src.Params
	}
	hasBody := r.ContentLength > 0 && len(src.Body) > 0
	if hasBody {
		data["Body"] = bodyText(src.Body, r.Header.Get("Content-Type"))
	}
	if req.Data[env.Binding], err = json.Marshal(data); err != nil {
		return req, fmt.Errorf("build http: %w", err)
	}

	if err := httpMetadata(req.Metadata, r, keys, values, src.Params); err != nil {
		return req, err
	}
	if hasBody && strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "json") {
		leakJSONObject(req.Metadata, src.Body)
	}
	return req, nil
}

func httpMetadata(meta map[string]json.RawMessage, r *http.Request, keys []string,
	values map[string][]string, params map[string]string) error {
	for _, k := range keys {
		if !strings.EqualFold(k, "code") {
			vs := values[k]
			setFold(meta, k, EncodeText(vs[len(vs)-1]))
		}
	}
	for k, v := range params {
		setFold(meta, k, EncodeText(v))
	}
	last := func(vs []string, _ string) string { return vs[len(vs)-1] }
	query, err := json.Marshal(mergedQuery(keys, values, last))
	if err != nil {
		return fmt.Errorf("build http query: %w", err)
	}
	headers := map[string]string{}
	for k, vs := range r.Header {
		headers[k] = strings.Join(vs, ",")
	}
	headersJSON, err := json.Marshal(headers)
	if err != nil {
		return fmt.Errorf("build http headers: %w", err)
	}
	setFold(meta, "Query", query)
	setFold(meta, "Headers", headersJSON)
	return nil
}

func bodyText(body []byte, contentType string) string {
	if IsBase64MediaType(contentType) {
		return base64.StdEncoding.EncodeToString(body)
	}
	return string(body)
}

func mergedQuery(keys []string, values map[string][]string,
	join func([]string, string) string) map[string]string {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = join(values[k], ",")
	}
	return out
}

// OrderedQuery parses a raw query string, keeping the keys in order of first appearance
// (url.ParseQuery loses the order). Pairs that fail to unescape are kept raw.
func OrderedQuery(raw string) (keys []string, values map[string][]string) {
	values = map[string][]string{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = append(values[k], v)
	}
	return keys, values
}
