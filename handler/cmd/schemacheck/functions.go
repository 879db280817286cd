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

// binding is the part of a function.json binding that our rules read.
type binding struct {
	Type       string   `json:"type"`
	Direction  string   `json:"direction"`
	Name       string   `json:"name"`
	AuthLevel  string   `json:"authLevel"`
	Methods    []string `json:"methods"`
	Route      string   `json:"route"`
	Path       string   `json:"path"`
	Source     string   `json:"source"`
	DataType   string   `json:"dataType"`
	Connection string   `json:"connection"`
	Schedule   string   `json:"schedule"`
	QueueName  string   `json:"queueName"`
}

var (
	functionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,127}$`)
	bindingName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	httpMethods  = map[string]bool{
		"get": true, "post": true, "put": true, "patch": true, "delete": true,
		"head": true, "options": true, "trace": true,
	}
	// Triggers this project may use; anything else is a typo or needs a review first.
	triggers = map[string]func(binding) []string{
		"httpTrigger":       checkHTTP,
		"blobTrigger":       checkBlob,
		"timerTrigger":      checkTimer,
		"serviceBusTrigger": checkServiceBus,
	}
)

// CheckFunctions applies our rules to every <dir>/<Name>/function.json and returns how
// many files it checked. All problems are reported together.
func CheckFunctions(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("read functions: %w", err)
	}

	var problems []error
	routes := map[string]string{}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		bindings, err := readBindings(filepath.Join(dir, e.Name(), "function.json"))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		for _, p := range CheckFunction(e.Name(), bindings) {
			problems = append(problems, fmt.Errorf("%s: %s", e.Name(), p))
		}
		problems = append(problems, checkRouteClash(e.Name(), bindings, routes)...)
	}
	if n == 0 {
		problems = append(problems, fmt.Errorf("no function folders in %s", dir))
	}
	return n, errors.Join(problems...)
}

// readBindings decodes the bindings of one function.json.
func readBindings(path string) ([]binding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read function.json: %w", err)
	}
	var doc struct {
		Bindings []binding `json:"bindings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return doc.Bindings, nil
}

// CheckFunction returns the rule violations of one function's bindings.
func CheckFunction(name string, bindings []binding) []string {
	var problems []string
	if !functionName.MatchString(name) {
		problems = append(problems, "folder name is not a valid function name")
	}
	if len(bindings) == 0 {
		return append(problems, "no bindings")
	}

	var trigger []binding
	for _, b := range bindings {
		if !bindingName.MatchString(b.Name) {
			problems = append(problems, fmt.Sprintf("binding name %q is not an identifier", b.Name))
		}
		if b.Direction != "in" && b.Direction != "out" && b.Direction != "inout" {
			problems = append(problems, fmt.Sprintf("binding %q has direction %q", b.Name, b.Direction))
		}
		if strings.HasSuffix(b.Type, "Trigger") {
			trigger = append(trigger, b)
		}
	}
	if len(trigger) != 1 {
		return append(problems, fmt.Sprintf("has %d triggers, want exactly 1", len(trigger)))
	}

	check, ok := triggers[trigger[0].Type]
	if !ok {
		return append(problems, fmt.Sprintf("trigger type %q is not one we use", trigger[0].Type))
	}
	problems = append(problems, check(trigger[0])...)
	if trigger[0].Type == "httpTrigger" && !hasHTTPOutput(bindings) {
		problems = append(problems, "httpTrigger without an http output binding")
	}
	return problems
}

// checkHTTP: anonymous (the Static Web App in front signs users in), known methods, and a
// route that does not reach into the host's own /admin or /runtime paths.
func checkHTTP(b binding) []string {
	var problems []string
	if b.Direction != "in" {
		problems = append(problems, "httpTrigger must have direction in")
	}
	if b.AuthLevel != "anonymous" {
		problems = append(problems, fmt.Sprintf("authLevel %q, want anonymous", b.AuthLevel))
	}
	if len(b.Methods) == 0 {
		problems = append(problems, "httpTrigger without methods")
	}
	for _, m := range b.Methods {
		if !httpMethods[m] {
			problems = append(problems, fmt.Sprintf("unknown HTTP method %q", m))
		}
	}
	route := strings.ToLower(strings.TrimLeft(b.Route, "/"))
	switch {
	case route == "":
		problems = append(problems, "httpTrigger without a route")
	case route == "admin" || strings.HasPrefix(route, "admin/"),
		route == "runtime" || strings.HasPrefix(route, "runtime/"):
		problems = append(problems, fmt.Sprintf("route %q collides with the host's own paths", b.Route))
	}
	return problems
}

// checkBlob: Flex Consumption accepts only Event Grid blob triggers, and documents are
// binary (a string trigger would mangle them).
func checkBlob(b binding) []string {
	var problems []string
	if b.Source != "EventGrid" {
		problems = append(problems, fmt.Sprintf("blobTrigger source %q, want EventGrid", b.Source))
	}
	if b.DataType != "binary" {
		problems = append(problems, fmt.Sprintf("blobTrigger dataType %q, want binary", b.DataType))
	}
	if !strings.Contains(b.Path, "/") {
		problems = append(problems, fmt.Sprintf("blobTrigger path %q needs container/name", b.Path))
	}
	if b.Connection == "" {
		problems = append(problems, "blobTrigger without a connection")
	}
	return problems
}

// checkTimer: six-field NCRONTAB (with seconds); Flex runs it in UTC.
func checkTimer(b binding) []string {
	if n := len(strings.Fields(b.Schedule)); n != 6 {
		return []string{fmt.Sprintf("timer schedule %q has %d fields, want 6", b.Schedule, n)}
	}
	return nil
}

// checkServiceBus: a queue and an identity-based connection prefix.
func checkServiceBus(b binding) []string {
	var problems []string
	if b.QueueName == "" {
		problems = append(problems, "serviceBusTrigger without queueName")
	}
	if b.Connection == "" {
		problems = append(problems, "serviceBusTrigger without a connection")
	}
	return problems
}

func hasHTTPOutput(bindings []binding) bool {
	for _, b := range bindings {
		if b.Type == "http" && b.Direction == "out" {
			return true
		}
	}
	return false
}

// checkRouteClash records the function's HTTP route in seen and reports a duplicate.
func checkRouteClash(name string, bindings []binding, seen map[string]string) []error {
	var problems []error
	for _, b := range bindings {
		if b.Type != "httpTrigger" || b.Route == "" {
			continue
		}
		route := strings.ToLower(strings.Trim(b.Route, "/"))
		if other, ok := seen[route]; ok {
			owners := []string{other, name}
			sort.Strings(owners)
			problems = append(problems, fmt.Errorf("route %q used by %s", b.Route, owners))
		}
		seen[route] = name
	}
	return problems
}
