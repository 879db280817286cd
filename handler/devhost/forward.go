package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// Host identity sent with every request to the handler (contract §2.2, §8.B).
const (
	hostVersion   = "4.1037.0.0"
	hostUserAgent = "Azure-Functions-Host/" + hostVersion
	// maxRequestBytes is FUNCTIONS_REQUEST_BODY_SIZE_LIMIT's default (100 MB).
	maxRequestBytes = 104857600
)

type ctxKey int

const (
	targetKey ctxKey = iota
)

// api serves HTTP functions: forwarded raw for HTTP-only functions when host.json
// enables forwarding (contract §3.5), else through the envelope (§2.5).
type api struct {
	app     *app
	routes  []httpRoute
	sup     *supervisor
	auth    *auth
	invoker *invoker
	proxy   *httputil.ReverseProxy
	log     zerolog.Logger
}

func newAPI(a *app, sup *supervisor, au *auth, inv *invoker, log zerolog.Logger) *api {
	h := &api{app: a, routes: newRoutes(a), sup: sup, auth: au, invoker: inv, log: log}
	h.proxy = &httputil.ReverseProxy{
		Rewrite:       h.rewrite,
		Transport:     &http.Transport{Proxy: nil, DisableCompression: true},
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			h.log.Error().Err(err).Str("path", r.URL.Path).Msg("forward to handler failed")
			writeProblem(w, http.StatusBadGateway, "The handler did not answer.")
		},
	}
	return h
}

// isAPI reports whether the dev host, rather than the static site, owns path.
func (h *api) isAPI(path string) bool {
	if h.app.RoutePrefix == "" {
		_, _, ok := findRoute(h.routes, "", path)
		return ok
	}
	p := "/" + h.app.RoutePrefix
	return path == p || strings.HasPrefix(path, p+"/")
}

// ServeHTTP implements http.Handler.
func (h *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, params, ok := findRoute(h.routes, r.Method, r.URL.Path)
	if !ok {
		writeProblem(w, http.StatusNotFound, "No function matches this route and method.")
		return
	}
	if r.ContentLength > maxRequestBytes {
		writeProblem(w, http.StatusRequestEntityTooLarge, "The request body exceeds 100 MB.")
		return
	}
	base, err := h.sup.target(r.Context())
	if err != nil {
		h.log.Error().Err(err).Msg("handler unavailable")
		writeProblem(w, http.StatusServiceUnavailable, "The handler is not running.")
		return
	}
	if h.app.Forwarding && rt.fn.httpOnly() {
		target, _ := url.Parse(base)
		h.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), targetKey, target)))
		return
	}
	h.serveEnvelope(w, r, rt.fn, params)
}

// rewrite builds the forwarded request exactly as the host does (contract §3.5).
func (h *api) rewrite(pr *httputil.ProxyRequest) {
	target := pr.In.Context().Value(targetKey).(*url.URL)
	pr.Out.URL.Scheme, pr.Out.URL.Host = target.Scheme, target.Host
	pr.Out.URL.Path, pr.Out.URL.RawPath = pr.In.URL.Path, pr.In.URL.RawPath
	pr.Out.URL.RawQuery = mergedRawQuery(pr.In.URL.RawQuery)
	pr.Out.Host = pr.In.Host
	// ReverseProxy drops these before Rewrite; the host passes the caller's through.
	for k, v := range pr.In.Header {
		if k == "Forwarded" || strings.HasPrefix(k, "X-Forwarded-") {
			pr.Out.Header[k] = v
		}
	}
	addHostHeaders(pr.Out.Header, pr.In.Header.Get("User-Agent"))
	h.auth.applyPrincipal(pr.In, pr.Out.Header)
	// Only a body announced with Content-Length > 0 is forwarded; chunked uploads
	// arrive empty, as they do through the real host.
	if pr.In.ContentLength <= 0 {
		pr.Out.Body, pr.Out.ContentLength = nil, 0
		pr.Out.Header.Del("Transfer-Encoding")
	}
}

// addHostHeaders adds the invocation id and host version, and appends the host's
// product token to the caller's User-Agent.
func addHostHeaders(h http.Header, userAgent string) {
	h.Set(funchost.HeaderInvocationID, uuid.NewString())
	h.Set(funchost.HeaderHostVersion, hostVersion)
	if userAgent = strings.TrimSpace(userAgent); userAgent != "" {
		h.Set("User-Agent", userAgent+" "+hostUserAgent)
	} else {
		h.Set("User-Agent", hostUserAgent)
	}
}

// mergedRawQuery rebuilds a query string the host's way: keys in order of first
// appearance, repeated keys merged into one comma-joined value, then re-encoded.
func mergedRawQuery(raw string) string {
	keys, values := funchost.OrderedQuery(raw)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(queryEscape(k) + "=" + queryEscape(strings.Join(values[k], ",")))
	}
	return b.String()
}

// queryEscape encodes like .NET's UrlEncoder: spaces as %20, not +.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// writeProblem writes an application/problem+json error from the dev host itself.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank",
		"title": http.StatusText(status), "status": status, "detail": detail,
		"code": "devhost"})
}
