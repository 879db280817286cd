package main

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// notBuiltPage is served when the static export folder does not exist.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Patient Tracker (dev)</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>The web UI is not built</h1>
<p>The dev host found no static export to serve. Build it (<code>make web-build</code>)
or pass <code>-static</code>. The API is up at <a href="/api/health">/api/health</a>;
sign in at <a href="/.auth/login/aad">/.auth/login/aad</a>.</p></body></html>
`

// staticSite serves a static export with Static Web Apps' clean URLs: /patients is
// patients.html or patients/index.html; a miss gets 404.html with status 404.
type staticSite struct {
	root string
}

// ServeHTTP implements http.Handler.
func (s staticSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if st, err := os.Stat(s.root); err != nil || !st.IsDir() {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNotFound)
		}
		_, _ = w.Write([]byte(notBuiltPage))
		return
	}
	if file, ok := s.resolve(r.URL.Path); ok {
		http.ServeFile(w, r, file)
		return
	}
	s.notFound(w, r)
}

// resolve maps a URL path to a file under root, trying the path itself, then
// <path>.html, then <path>/index.html.
func (s staticSite) resolve(urlPath string) (string, bool) {
	clean := path.Clean("/" + urlPath)
	base := filepath.Join(s.root, filepath.FromSlash(clean))
	candidates := []string{base, base + ".html", filepath.Join(base, "index.html")}
	if strings.HasSuffix(clean, "/") {
		candidates = []string{filepath.Join(base, "index.html")}
	}
	for _, c := range candidates {
		if fileExists(c) {
			return c, true
		}
	}
	return "", false
}

func (s staticSite) notFound(w http.ResponseWriter, r *http.Request) {
	page := filepath.Join(s.root, "404.html")
	body, err := os.ReadFile(page)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
