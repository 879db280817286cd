package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// hostJSON is the part of host.json the dev host reads.
type hostJSON struct {
	FunctionTimeout string `json:"functionTimeout"`
	Extensions      struct {
		HTTP *struct {
			RoutePrefix *string `json:"routePrefix"`
		} `json:"http"`
		Blobs struct {
			PoisonBlobThreshold int `json:"poisonBlobThreshold"`
		} `json:"blobs"`
	} `json:"extensions"`
	CustomHandler *struct {
		Description *struct {
			DefaultExecutablePath string   `json:"defaultExecutablePath"`
			WorkingDirectory      string   `json:"workingDirectory"`
			Arguments             []string `json:"arguments"`
		} `json:"description"`
		EnableForwardingHTTPRequest bool `json:"enableForwardingHttpRequest"`
	} `json:"customHandler"`
}

// binding is one function.json binding; fields unused by a type stay empty.
type binding struct {
	Type         string   `json:"type"`
	Direction    string   `json:"direction"`
	Name         string   `json:"name"`
	Route        string   `json:"route"`
	Methods      []string `json:"methods"`
	Schedule     string   `json:"schedule"`
	RunOnStartup bool     `json:"runOnStartup"`
	UseMonitor   *bool    `json:"useMonitor"`
	Path         string   `json:"path"`
	DataType     string   `json:"dataType"`
	Connection   string   `json:"connection"`
	Source       string   `json:"source"`
}

// function is one functions/<Name>/function.json.
type function struct {
	Name     string
	Bindings []binding
	// Trigger is the binding whose type ends in "Trigger".
	Trigger binding
}

// httpOnly reports whether the host forwards this function's requests raw (contract
// §2.1): one input binding, an httpTrigger, and one output binding, an http.
func (f *function) httpOnly() bool {
	var in, out []binding
	for _, b := range f.Bindings {
		if strings.EqualFold(b.Direction, "out") {
			out = append(out, b)
		} else {
			in = append(in, b)
		}
	}
	return len(in) == 1 && strings.EqualFold(in[0].Type, "httpTrigger") &&
		len(out) == 1 && strings.EqualFold(out[0].Type, "http")
}

// httpOutput returns the name of the function's http output binding ("" if none).
func (f *function) httpOutput() string {
	for _, b := range f.Bindings {
		if strings.EqualFold(b.Type, "http") && strings.EqualFold(b.Direction, "out") {
			return b.Name
		}
	}
	return ""
}

// app is the app root as the host sees it.
type app struct {
	Root        string
	ExecPath    string
	Args        []string
	WorkDir     string
	Forwarding  bool
	RoutePrefix string
	// PoisonThreshold is extensions.blobs.poisonBlobThreshold (default 5).
	PoisonThreshold int
	Functions       []*function
}

var (
	functionNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_\-]{0,127}$`)
	bindingNameRE  = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*|\$return)$`)
)

// loadApp reads host.json and every <root>/<Name>/function.json, validating them as
// the host does (contract §1.1, §1.2). getenv expands %NAME% in the arguments.
func loadApp(root string, getenv func(string) string) (*app, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	var hj hostJSON
	if err := readJSON(filepath.Join(root, "host.json"), &hj); err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	a, err := newApp(root, hj, getenv)
	if err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	if a.Functions, err = loadFunctions(root); err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	return a, nil
}

func newApp(root string, hj hostJSON, getenv func(string) string) (*app, error) {
	if hj.CustomHandler == nil || hj.CustomHandler.Description == nil ||
		hj.CustomHandler.Description.DefaultExecutablePath == "" {
		return nil, errors.New("host.json: customHandler.description.defaultExecutablePath " +
			"is required")
	}
	d := hj.CustomHandler.Description
	a := &app{Root: root, Forwarding: hj.CustomHandler.EnableForwardingHTTPRequest,
		RoutePrefix: "api", PoisonThreshold: 5}
	if hj.Extensions.HTTP != nil && hj.Extensions.HTTP.RoutePrefix != nil {
		a.RoutePrefix = strings.Trim(*hj.Extensions.HTTP.RoutePrefix, "/")
	}
	if n := hj.Extensions.Blobs.PoisonBlobThreshold; n > 0 {
		a.PoisonThreshold = n
	}

	a.ExecPath = d.DefaultExecutablePath
	if local := filepath.Join(root, a.ExecPath); !filepath.IsAbs(a.ExecPath) &&
		fileExists(local) {
		a.ExecPath = local
	}
	a.WorkDir = root
	if d.WorkingDirectory != "" {
		a.WorkDir = d.WorkingDirectory
		if !filepath.IsAbs(a.WorkDir) {
			a.WorkDir = filepath.Join(root, a.WorkDir)
		}
	}
	percent := regexp.MustCompile(`%([^%]+)%`)
	for _, arg := range d.Arguments {
		a.Args = append(a.Args, percent.ReplaceAllStringFunc(arg, func(m string) string {
			return getenv(m[1 : len(m)-1])
		}))
	}
	return a, nil
}

func loadFunctions(root string) ([]*function, error) {
	paths, err := filepath.Glob(filepath.Join(root, "*", "function.json"))
	if err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	sort.Strings(paths)
	var fns []*function
	for _, p := range paths {
		fn, err := loadFunction(p)
		if err != nil {
			return nil, err
		}
		fns = append(fns, fn)
	}
	return fns, nil
}

func loadFunction(path string) (*function, error) {
	name := filepath.Base(filepath.Dir(path))
	if !functionNameRE.MatchString(name) || strings.EqualFold(name, "host") {
		return nil, fmt.Errorf("function %q: invalid name (a letter, then letters, "+
			"digits, _ or -, at most 128, not host)", name)
	}
	var doc struct {
		Bindings []binding `json:"bindings"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	if len(doc.Bindings) == 0 {
		return nil, fmt.Errorf("function %s: no bindings", name)
	}
	fn := &function{Name: name, Bindings: doc.Bindings}
	for _, b := range doc.Bindings {
		if !bindingNameRE.MatchString(b.Name) {
			return nil, fmt.Errorf("function %s: invalid binding name %q", name, b.Name)
		}
		if strings.HasSuffix(strings.ToLower(b.Type), "trigger") {
			fn.Trigger = b
		}
	}
	if fn.Trigger.Type == "" {
		return nil, fmt.Errorf("function %s: no trigger binding", name)
	}
	if isType(fn.Trigger, "httpTrigger") {
		route := strings.ToLower(strings.TrimPrefix(fn.Trigger.Route, "/"))
		if strings.HasPrefix(route, "admin") || strings.HasPrefix(route, "runtime") {
			return nil, fmt.Errorf("function %s: route may not start with admin or runtime",
				name)
		}
	}
	return fn, nil
}

func isType(b binding, t string) bool { return strings.EqualFold(b.Type, t) }

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
