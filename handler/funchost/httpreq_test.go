package funchost

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"testing"
)

func TestDecodeHTTPFixture(t *testing.T) {
	t.Parallel()
	req := fixtureRequest(t, "http-nonforwarded.request.json", nil)
	r, err := req.DecodeHTTP("req")
	if err != nil {
		t.Fatalf("DecodeHTTP: %v", err)
	}
	if r.Method != "POST" || r.Query["tag"] != "a,b" || r.Query["source"] != "portal" {
		t.Errorf("Method %q Query %v", r.Method, r.Query)
	}
	if r.Params["patientId"] != "p-1001" {
		t.Errorf("Params = %v", r.Params)
	}
	if r.Header.Get("content-type") != "application/json; charset=utf-8" ||
		r.Header.Get("USER-AGENT") != "curl/8.5.0" {
		t.Errorf("Header = %v", r.Header)
	}
	if len(r.Identities) != 1 || r.Identities[0].IsAuthenticated {
		t.Errorf("Identities = %+v", r.Identities)
	}
	var body map[string]any
	if !r.HasBody || json.Unmarshal(r.Body, &body) != nil || body["reason"] != "follow-up" {
		t.Errorf("Body = %q (HasBody %v)", r.Body, r.HasBody)
	}
}

func TestDecodeHTTPVariants(t *testing.T) {
	t.Parallel()
	raw := []byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe}
	setReq := func(key string, v any) func(doc map[string]any) {
		return func(doc map[string]any) { obj(t, doc, "Data", "req")[key] = v }
	}
	binaryBody := func(contentType string) func(doc map[string]any) {
		return func(doc map[string]any) {
			r := obj(t, doc, "Data", "req")
			r["Body"] = base64.StdEncoding.EncodeToString(raw)
			obj(t, r, "Headers")["Content-Type"] = []any{contentType}
		}
	}
	tests := []struct {
		name      string
		edit      func(doc map[string]any)
		wantQuery string
		wantBody  []byte
		wantIDs   int
	}{
		{name: "QueryAsString", edit: setReq("Query", `{"tag":"a,b","source":"portal"}`),
			wantQuery: "a,b", wantIDs: 1},
		{name: "QueryEmptyString", edit: setReq("Query", "{}"), wantIDs: 1},
		{name: "IdentitiesAsString", edit: setReq("Identities",
			`[{"AuthenticationType":"WebJobsAuthLevel","IsAuthenticated":true,"Claims":[]}]`),
			wantQuery: "a,b", wantIDs: 1},
		{name: "OctetStreamBodyBase64", edit: binaryBody("application/octet-stream"),
			wantQuery: "a,b", wantBody: raw, wantIDs: 1},
		{name: "MultipartBodyBase64", edit: binaryBody("multipart/form-data; boundary=x"),
			wantQuery: "a,b", wantBody: raw, wantIDs: 1},
		{name: "NoBodyWhenChunked", edit: func(doc map[string]any) {
			delete(obj(t, doc, "Data", "req"), "Body")
		}, wantQuery: "a,b", wantIDs: 1},
		{name: "LowerCaseHeaderNames", edit: func(doc map[string]any) {
			obj(t, doc, "Data", "req")["Headers"] = map[string]any{
				"content-type": []any{"text/plain"}}
		}, wantQuery: "a,b", wantIDs: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := fixtureRequest(t, "http-nonforwarded.request.json", tc.edit)
			r, err := req.DecodeHTTP("req")
			if err != nil {
				t.Fatalf("DecodeHTTP: %v", err)
			}
			if r.Query["tag"] != tc.wantQuery || len(r.Identities) != tc.wantIDs {
				t.Errorf("Query %v Identities %d", r.Query, len(r.Identities))
			}
			if tc.wantBody != nil && !bytes.Equal(r.Body, tc.wantBody) {
				t.Errorf("Body = %x, want %x", r.Body, tc.wantBody)
			}
			if tc.name == "NoBodyWhenChunked" && (r.HasBody || r.Body != nil) {
				t.Errorf("HasBody = %v, Body = %q", r.HasBody, r.Body)
			}
			if tc.name == "LowerCaseHeaderNames" && r.Header.Get("Content-Type") != "text/plain" {
				t.Errorf("Header = %v", r.Header)
			}
		})
	}
}
