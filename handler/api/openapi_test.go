package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// spec is the OpenAPI description the binary serves, loaded once. Every response a test
// receives through env.do is checked against it, so the description cannot drift.
type spec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

const specURL = "https://patient-tracker.test/openapi.json"

var (
	specOnce sync.Once
	theSpec  *spec
	specErr  error
)

func loadSpec(t testing.TB) *spec {
	t.Helper()
	specOnce.Do(func() {
		raw, err := os.ReadFile("openapi.json")
		if err != nil {
			specErr = err
			return
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			specErr = err
			return
		}
		res, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			specErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource(specURL, res); err != nil {
			specErr = err
			return
		}
		theSpec = &spec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	})
	if specErr != nil {
		t.Fatalf("load openapi.json: %v", specErr)
	}
	return theSpec
}

// pointer escapes one JSON-pointer token for use in a URI fragment.
func pointer(tok string) string {
	tok = strings.ReplaceAll(tok, "~", "~0")
	tok = strings.ReplaceAll(tok, "/", "~1")
	return strings.NewReplacer("{", "%7B", "}", "%7D").Replace(tok)
}

// globalStatuses may answer any operation without being listed on it.
var globalStatuses = map[int]string{405: "E405", 414: "E414", 500: "E500"}

// check validates a response for an operation against the description.
func (s *spec) check(t testing.TB, method, pattern string, status int, contentType string,
	body []byte) {
	t.Helper()
	path, _ := s.doc["paths"].(map[string]any)[pattern].(map[string]any)
	op, _ := path[strings.ToLower(method)].(map[string]any)
	if op == nil {
		t.Errorf("openapi: %s %s is not documented", method, pattern)
		return
	}
	responses, _ := op["responses"].(map[string]any)
	base := "#/paths/" + pointer(pattern) + "/" + strings.ToLower(method) + "/responses/" +
		strconv.Itoa(status)
	resp, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		name, global := globalStatuses[status]
		if !global {
			t.Errorf("openapi: %s %s does not document status %d (body %s)", method, pattern,
				status, body)
			return
		}
		resp = map[string]any{"$ref": "#/components/responses/" + name}
	}
	if r, ok := resp["$ref"].(string); ok {
		base = r
		name := strings.TrimPrefix(r, "#/components/responses/")
		shared, _ := s.doc["components"].(map[string]any)["responses"].(map[string]any)
		resp, _ = shared[name].(map[string]any)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		return
	}
	mt := strings.TrimSpace(strings.Split(contentType, ";")[0])
	if _, ok := content[mt]; !ok {
		t.Errorf("openapi: %s %s %d answered %q, documented %v", method, pattern, status,
			contentType, keys(content))
		return
	}
	sch := s.schema(t, base+"/content/"+pointer(mt)+"/schema")
	if sch == nil {
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("openapi: %s %s %d: body is not JSON: %v", method, pattern, status, err)
		return
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("openapi: %s %s %d: response does not match the description: %v\n%s",
			method, pattern, status, err, body)
	}
}

func (s *spec) schema(t testing.TB, ref string) *jsonschema.Schema {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[ref]; ok {
		return sch
	}
	sch, err := s.compiler.Compile(specURL + ref)
	if err != nil {
		t.Errorf("openapi: compile %s: %v", ref, err)
		return nil
	}
	s.schemas[ref] = sch
	return sch
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// routePattern finds the route-table pattern that path matches; literal segments win
// over parameters, as in the router.
func routePattern(routes [][2]string, method, path string) (string, bool) {
	path, _, _ = strings.Cut(path, "?")
	best := ""
	for _, r := range routes {
		segs := strings.Split(r[1], "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = "[^/]+"
			} else {
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		if !regexp.MustCompile("^" + strings.Join(segs, "/") + "$").MatchString(path) {
			continue
		}
		if best == "" || strings.Count(r[1], "{") < strings.Count(best, "{") {
			best = r[1]
		}
	}
	return best, best != ""
}

// TestOpenAPICoversEveryRoute checks that the description and the route table list the
// same operations, both ways.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := loadSpec(t)
	paths := s.doc["paths"].(map[string]any)
	routes := map[string]bool{}
	for _, r := range e.srv.Routes() {
		routes[r[0]+" "+r[1]] = true
		op, _ := paths[r[1]].(map[string]any)
		if op == nil || op[strings.ToLower(r[0])] == nil {
			t.Errorf("route %s %s is missing from openapi.json", r[0], r[1])
		}
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if m == "parameters" {
				continue
			}
			if !routes[strings.ToUpper(m)+" "+p] {
				t.Errorf("openapi.json documents %s %s, which the API does not serve",
					strings.ToUpper(m), p)
			}
		}
	}
	res := e.do(req{user: "u-analyst", method: "GET", path: "/api/openapi.json"})
	if res.status != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", res.status)
	}
	var served map[string]any
	if err := json.Unmarshal(res.body, &served); err != nil || served["openapi"] != "3.1.0" {
		t.Errorf("served description is not OpenAPI 3.1: %v", err)
	}
}
