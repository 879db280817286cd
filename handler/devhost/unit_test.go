package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRouteMatching(t *testing.T) {
	t.Parallel()
	a := &app{RoutePrefix: "api", Functions: []*function{
		{Name: "Patients", Trigger: binding{Type: "httpTrigger", Route: "patients/{*rest}"}},
		{Name: "Export", Trigger: binding{Type: "httpTrigger", Route: "patients/export",
			Methods: []string{"get"}}},
		{Name: "Item", Trigger: binding{Type: "httpTrigger", Route: "items/{id:int}/{sub?}"}},
		{Name: "Me", Trigger: binding{Type: "httpTrigger"}},
		{Name: "Nightly", Trigger: binding{Type: "timerTrigger"}},
	}}
	routes := newRoutes(a)
	tests := []struct {
		method, path, wantFn string
		wantParams           map[string]string
	}{
		{"GET", "/api/patients", "Patients", map[string]string{}},
		{"GET", "/api/patients/p-1/visits", "Patients", map[string]string{"rest": "p-1/visits"}},
		{"GET", "/api/PATIENTS/p-1", "Patients", map[string]string{"rest": "p-1"}},
		{"GET", "/api/patients/export", "Export", map[string]string{}},
		{"POST", "/api/patients/export", "Patients", map[string]string{"rest": "export"}},
		{"GET", "/api/items/7", "Item", map[string]string{"id": "7"}},
		{"GET", "/api/items/7/notes", "Item", map[string]string{"id": "7", "sub": "notes"}},
		{"GET", "/api/items/7/notes/x", "", nil},
		{"GET", "/api/items", "", nil},
		{"GET", "/api/me/", "Me", map[string]string{}},
		{"GET", "/api/Nightly", "", nil},
		{"GET", "/patients", "", nil},
	}
	for _, tc := range tests {
		rt, params, ok := findRoute(routes, tc.method, tc.path)
		if !ok {
			if tc.wantFn != "" {
				t.Errorf("%s %s: no route, want %s", tc.method, tc.path, tc.wantFn)
			}
			continue
		}
		if rt.fn.Name != tc.wantFn || !cmp.Equal(params, tc.wantParams) {
			t.Errorf("%s %s = %s %v, want %s %v", tc.method, tc.path, rt.fn.Name, params,
				tc.wantFn, tc.wantParams)
		}
	}
}

func TestMergedRawQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"tag=a&tag=b", "tag=a%2Cb"},
		{"b=2&a=1&b=3", "b=2%2C3&a=1"},
		{"q=a+b&r=%2F", "q=a%20b&r=%2F"},
		{"flag", "flag="},
	}
	for _, tc := range tests {
		if got := mergedRawQuery(tc.in); got != tc.want {
			t.Errorf("mergedRawQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoadApp(t *testing.T) {
	t.Parallel()
	host := `{"customHandler":{"description":{"defaultExecutablePath":"bin",` +
		`"arguments":["--x=%PT_X%"],"workingDirectory":"sub"}}}`
	fn := `{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer",` +
		`"schedule":"0 * * * * *"}]}`
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{name: "OK", files: map[string]string{"Nightly_1-a/function.json": fn}},
		{name: "ErrNameStartsWithDigit", files: map[string]string{"1Bad/function.json": fn},
			wantErr: "invalid name"},
		{name: "ErrNameHost", files: map[string]string{"Host/function.json": fn},
			wantErr: "invalid name"},
		{name: "ErrBindingName", files: map[string]string{"Fn/function.json": strings.Replace(
			fn, `"timer"`, `"my_timer"`, 1)}, wantErr: "invalid binding name"},
		{name: "ErrNoBindings", files: map[string]string{"Fn/function.json": `{"bindings":[]}`},
			wantErr: "no bindings"},
		{name: "ErrAdminRoute", files: map[string]string{"Fn/function.json": `{"bindings":[` +
			`{"type":"httpTrigger","direction":"in","name":"req","route":"admin/x"}]}`},
			wantErr: "admin or runtime"},
		{name: "ErrNoExecutable", files: map[string]string{"host.json": `{}`},
			wantErr: "defaultExecutablePath"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "host.json"), host)
			writeFile(t, filepath.Join(root, "bin"), "")
			for p, c := range tc.files {
				writeFile(t, filepath.Join(root, p), c)
			}
			a, err := loadApp(root, func(k string) string {
				return map[string]string{
					"PT_X": "y"}[k]
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("loadApp error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ExecPath != filepath.Join(root, "bin") || a.WorkDir != filepath.Join(root, "sub") ||
				!cmp.Equal(a.Args, []string{"--x=y"}) || a.RoutePrefix != "api" ||
				a.PoisonThreshold != 5 || len(a.Functions) != 1 {
				t.Errorf("app = %+v", a)
			}
		})
	}
}

func TestReadEnvFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dotenv := filepath.Join(dir, "dev.env")
	writeFile(t, dotenv, "# settings\nPT_A=1\nexport PT_B=\"two words\"\n\nPT_C='x=y'\n")
	got, err := readEnvFile(dotenv)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, map[string]string{"PT_A": "1", "PT_B": "two words",
		"PT_C": "x=y"}); diff != "" {
		t.Errorf("dotenv (-got +want):\n%s", diff)
	}
	settings := filepath.Join(dir, "local.settings.json")
	writeFile(t, settings, `{"IsEncrypted":false,"Values":{"DocumentsStorage":"x"}}`)
	if got, err := readEnvFile(settings); err != nil || got["DocumentsStorage"] != "x" {
		t.Errorf("local.settings.json = %v, %v", got, err)
	}
	bad := filepath.Join(dir, "bad.env")
	writeFile(t, bad, "NOVALUE\n")
	if _, err := readEnvFile(bad); err == nil {
		t.Error("readEnvFile accepted a line without =")
	}
	merged := mergeEnv([]string{"A=1", "B=2", "A=3"}, map[string]string{"A": "x", "C": "y"})
	if !cmp.Equal(merged, []string{"A=x", "B=2", "C=y"}) {
		t.Errorf("mergeEnv = %v", merged)
	}
}

func TestStaticSite(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for p, c := range map[string]string{"index.html": "home", "patients.html": "patients",
		"about/index.html": "about", "404.html": "missing", "_next/app.js": "js"} {
		writeFile(t, filepath.Join(root, p), c)
	}
	site := staticSite{root: root}
	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/", 200, "home"},
		{"/patients", 200, "patients"},
		{"/patients.html", 200, "patients"},
		{"/about", 200, "about"},
		{"/about/", 200, "about"},
		{"/_next/app.js", 200, "js"},
		{"/nope", 404, "missing"},
		{"/../../etc/passwd", 404, "missing"},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != tc.wantCode || rec.Body.String() != tc.wantBody {
			t.Errorf("GET %s = %d %q, want %d %q", tc.path, rec.Code, rec.Body.String(),
				tc.wantCode, tc.wantBody)
		}
	}

	missing := staticSite{root: filepath.Join(root, "not-built")}
	rec := httptest.NewRecorder()
	missing.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "not built") {
		t.Errorf("missing static dir: %d %q", rec.Code, rec.Body.String())
	}
	if _, err := os.Stat(missing.root); err == nil {
		t.Fatal("test setup: folder exists")
	}
}

func TestAuthRules(t *testing.T) {
	t.Parallel()
	users, err := parseDevUsers(defaultDevUsers)
	if err != nil || len(users) != 4 || users[3] != (devUser{"dev-analyst", "analyst@clinic.test"}) {
		t.Fatalf("default dev users = %v, %v", users, err)
	}
	if _, err := parseDevUsers("dev-x"); err == nil {
		t.Error("parseDevUsers accepted an entry without an email")
	}
	for in, want := range map[string]string{"/patients?x=1": "/patients?x=1", "": "/",
		"//evil.example": "/", "/\\evil.example": "/", "https://evil.example/": "/",
		"patients": "/", "/a\r\nSet-Cookie: x": "/"} {
		if got := localRedirect(in); got != want {
			t.Errorf("localRedirect(%q) = %q, want %q", in, got, want)
		}
	}
	for _, allow := range []bool{false, true} {
		a := newAuth(users, allow)
		r := httptest.NewRequest("GET", "/api/me", nil)
		r.Header.Set(testUserHeader, "dev-admin")
		out := http.Header{principalHeader: {"forged"}}
		a.applyPrincipal(r, out)
		if got := out.Get(principalHeader) != ""; got != allow {
			t.Errorf("allowTestHeader=%v: principal set = %v", allow, got)
		}
		if out.Get(principalHeader) == "forged" {
			t.Error("forged principal kept")
		}
	}
}
