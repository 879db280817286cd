package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
)

// Static Web Apps header and cookie names.
const (
	principalHeader = "X-Ms-Client-Principal"
	// testUserHeader lets end-to-end tests act as a dev user without cookies. It is
	// honoured only with -allow-test-user-header and never forwarded.
	testUserHeader = "X-Devhost-User"
	sessionCookie  = "StaticWebAppsAuthCookie"
	devProvider    = "dev"
)

// forgedHeaders are dropped from every /api request, as Static Web Apps does, so a
// caller cannot sign itself in.
var forgedHeaders = []string{principalHeader, "X-Ms-Client-Principal-Id",
	"X-Ms-Client-Principal-Name", "X-Ms-Client-Principal-Idp", testUserHeader}

// devUser is a user the dev sign-in page offers.
type devUser struct {
	ID    string
	Email string
}

// defaultDevUsers matches the demo seed's staff rows.
const defaultDevUsers = "dev-admin=admin@clinic.test,dev-clinician=clinician@clinic.test," +
	"dev-frontdesk=frontdesk@clinic.test,dev-analyst=analyst@clinic.test"

// parseDevUsers reads "id=email,id=email".
func parseDevUsers(s string) ([]devUser, error) {
	var users []devUser
	for item := range strings.SplitSeq(s, ",") {
		id, email, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || id == "" || email == "" {
			return nil, fmt.Errorf("parse dev users: %q is not id=email", item)
		}
		users = append(users, devUser{ID: id, Email: email})
	}
	return users, nil
}

// clientPrincipal is the JSON Static Web Apps encodes into x-ms-client-principal.
type clientPrincipal struct {
	IdentityProvider string   `json:"identityProvider"`
	UserID           string   `json:"userId"`
	UserDetails      string   `json:"userDetails"`
	UserRoles        []string `json:"userRoles"`
}

func principalOf(u devUser) clientPrincipal {
	return clientPrincipal{IdentityProvider: devProvider, UserID: u.ID, UserDetails: u.Email,
		UserRoles: []string{"anonymous", "authenticated"}}
}

// auth emulates Static Web Apps sign-in with dev users and server-side sessions.
type auth struct {
	users           []devUser
	allowTestHeader bool

	mu       sync.Mutex
	sessions map[string]string // session id -> user id
}

func newAuth(users []devUser, allowTestHeader bool) *auth {
	return &auth{users: users, allowTestHeader: allowTestHeader, sessions: map[string]string{}}
}

func (a *auth) user(id string) (devUser, bool) {
	for _, u := range a.users {
		if u.ID == id {
			return u, true
		}
	}
	return devUser{}, false
}

// current returns the signed-in user of r: the X-Devhost-User header when allowed,
// else the session cookie.
func (a *auth) current(r *http.Request) (devUser, bool) {
	if a.allowTestHeader {
		if id := r.Header.Get(testUserHeader); id != "" {
			return a.user(id)
		}
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return devUser{}, false
	}
	a.mu.Lock()
	id, ok := a.sessions[c.Value]
	a.mu.Unlock()
	if !ok {
		return devUser{}, false
	}
	return a.user(id)
}

// applyPrincipal strips caller-supplied identity headers from out and, when in has a
// signed-in user, adds x-ms-client-principal (standard base64 of the JSON) as SWA does.
func (a *auth) applyPrincipal(in *http.Request, out http.Header) {
	for _, h := range forgedHeaders {
		out.Del(h)
	}
	u, ok := a.current(in)
	if !ok {
		return
	}
	b, _ := json.Marshal(principalOf(u))
	out.Set(principalHeader, base64.StdEncoding.EncodeToString(b))
}

// register adds the /.auth endpoints to mux.
func (a *auth) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /.auth/login/{provider}", a.handleLoginPage)
	mux.HandleFunc("POST /.auth/login/{provider}", a.handleLogin)
	mux.HandleFunc("GET /.auth/me", a.handleMe)
	mux.HandleFunc("GET /.auth/logout", a.handleLogout)
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dev sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}
button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem}</style>
</head><body><h1>Sign in (local development)</h1>
<p>Pick a dev user. This page exists only in the local dev host.</p>
{{range .Users}}<form method="post">
<input type="hidden" name="user" value="{{.ID}}">
<input type="hidden" name="post_login_redirect_uri" value="{{$.Redirect}}">
<button type="submit">{{.ID}} ({{.Email}})</button></form>
{{end}}</body></html>`))

func (a *auth) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if !knownProvider(r.PathValue("provider")) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = loginPage.Execute(w, map[string]any{"Users": a.users,
		"Redirect": localRedirect(r.URL.Query().Get("post_login_redirect_uri"))})
}

func (a *auth) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !knownProvider(r.PathValue("provider")) {
		http.NotFound(w, r)
		return
	}
	u, ok := a.user(r.FormValue("user"))
	if !ok {
		http.Error(w, "unknown dev user", http.StatusBadRequest)
		return
	}
	id := newSessionID()
	a.mu.Lock()
	a.sessions[id] = u.ID
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	redirect := r.FormValue("post_login_redirect_uri")
	if redirect == "" {
		redirect = r.URL.Query().Get("post_login_redirect_uri")
	}
	http.Redirect(w, r, localRedirect(redirect), http.StatusFound)
}

func (a *auth) handleMe(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientPrincipal *clientPrincipal `json:"clientPrincipal"`
	}
	if u, ok := a.current(r); ok {
		p := principalOf(u)
		body.ClientPrincipal = &p
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func (a *auth) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localRedirect(r.URL.Query().Get("post_logout_redirect_uri")),
		http.StatusFound)
}

func knownProvider(p string) bool { return p == "aad" || p == devProvider }

// localRedirect keeps only same-origin paths ("/x", not "//host" or "/\host"); anything
// else becomes "/".
func localRedirect(uri string) string {
	if !strings.HasPrefix(uri, "/") || strings.HasPrefix(uri, "//") ||
		strings.HasPrefix(uri, "/\\") || strings.ContainsAny(uri, "\r\n") {
		return "/"
	}
	return uri
}

func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
