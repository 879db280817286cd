package funchost

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// goldenCompare compares a built envelope with a fixture as generic JSON: key sets,
// values and encodings must match exactly; sys.UtcNow and sys.RandGuid only in format.
func goldenCompare(tb testing.TB, built Request, fixture string) {
	tb.Helper()
	got := generic(tb, built)
	var want map[string]any
	if err := json.Unmarshal(fixtureBytes(tb, fixture), &want); err != nil {
		tb.Fatal(err)
	}
	normaliseSys(tb, got)
	normaliseSys(tb, want)
	if diff := cmp.Diff(got, want); diff != "" {
		tb.Errorf("built envelope differs from %s (-got +want):\n%s", fixture, diff)
	}
}

func fixtureEnvelope(tb testing.TB, req Request, binding string) Envelope {
	tb.Helper()
	sys, err := req.Sys()
	if err != nil {
		tb.Fatal(err)
	}
	now, err := ParseTime(sys.UtcNow)
	if err != nil {
		tb.Fatal(err)
	}
	return Envelope{FunctionName: sys.MethodName, Binding: binding, Now: now,
		RandGUID: sys.RandGuid}
}

func TestBuildTimerGolden(t *testing.T) {
	t.Parallel()
	fixture := fixtureRequest(t, "timer.request.json", nil)
	info, err := fixture.DecodeTimer("timer")
	if err != nil {
		t.Fatal(err)
	}
	built, err := BuildTimer(fixtureEnvelope(t, fixture, "timer"), info)
	if err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, built, "timer.request.json")

	first := TimerInfo{Schedule: TimerSchedule{AdjustForDST: true},
		ScheduleStatus: &ScheduleStatus{Next: Time{time.Date(2024, 11, 5, 2, 0, 0, 0, time.UTC)}}}
	built, err = BuildTimer(Envelope{FunctionName: "VisitTrends", Binding: "timer"}, first)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{` +
		`"Last":"0001-01-01T00:00:00+00:00","Next":"2024-11-05T02:00:00+00:00",` +
		`"LastUpdated":"0001-01-01T00:00:00+00:00"},"IsPastDue":false}`
	if got := string(built.Data["timer"]); got != want {
		t.Errorf("first-run timer = %s\nwant %s", got, want)
	}
}

func TestBuildBlobGolden(t *testing.T) {
	t.Parallel()
	fixture := fixtureRequest(t, "blob.request.json", nil)
	blob, err := fixture.DecodeBlob("document", docTemplate)
	if err != nil {
		t.Fatal(err)
	}
	p := blob.Properties
	props := NewHostBlobProperties(p.ContentLength, p.ContentType, p.ContentHash,
		p.LastModified.Time, p.CreatedOn.Time)
	built, err := BuildBlob(fixtureEnvelope(t, fixture, "document"), BlobSource{
		PathTemplate: docTemplate, Path: blob.Path, URI: blob.URI, Content: blob.Content,
		Properties: props, Metadata: blob.Metadata,
	})
	if err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, built, "blob.request.json")

	_, err = BuildBlob(Envelope{}, BlobSource{PathTemplate: docTemplate, Path: "other/x"})
	if err == nil {
		t.Error("BuildBlob with a non-matching path succeeded")
	}
}

func TestBuildHTTPGolden(t *testing.T) {
	t.Parallel()
	fixture := fixtureRequest(t, "http-nonforwarded.request.json", nil)
	in, err := fixture.DecodeHTTP("req")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(in.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := &http.Request{Method: in.Method, Host: u.Host, URL: &url.URL{Path: u.Path,
		RawQuery: u.RawQuery}, Header: in.Header, ContentLength: int64(len(in.Body))}
	env := fixtureEnvelope(t, fixture, "req")
	built, err := BuildHTTP(env, HTTPSource{Request: r, Body: in.Body, Params: in.Params})
	if err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, built, "http-nonforwarded.request.json")
}

func TestBuildHTTPBodyRules(t *testing.T) {
	t.Parallel()
	raw := []byte{0x89, 'P', 'N', 'G', 0}
	tests := []struct {
		name, contentType string
		length            int64
		wantBody          any
	}{
		{name: "OctetStreamBase64", contentType: "application/octet-stream", length: 5,
			wantBody: base64.StdEncoding.EncodeToString(raw)},
		{name: "MultipartBase64", contentType: "multipart/form-data; boundary=b", length: 5,
			wantBody: base64.StdEncoding.EncodeToString(raw)},
		// Like the host, other types are sent as text: invalid UTF-8 is replaced.
		{name: "OtherAsText", contentType: "text/plain", length: 5,
			wantBody: strings.ToValidUTF8(string(raw), "\uFFFD")},
		{name: "ChunkedNoBody", contentType: "application/octet-stream", length: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &http.Request{Method: "POST", Host: "localhost:7071",
				URL:    &url.URL{Path: "/api/upload", RawQuery: "b=2&a=1&b=3&code=k"},
				Header: http.Header{"Content-Type": {tc.contentType}}, ContentLength: tc.length}
			built, err := BuildHTTP(Envelope{Binding: "req"}, HTTPSource{Request: r, Body: raw})
			if err != nil {
				t.Fatal(err)
			}
			doc := generic(t, built)
			req := obj(t, doc, "Data", "req")
			if req["Body"] != tc.wantBody {
				t.Errorf("Body = %v, want %v", req["Body"], tc.wantBody)
			}
			back, err := built.DecodeHTTP("req")
			if err != nil {
				t.Fatal(err)
			}
			if back.Query["b"] != "2,3" || back.HasBody != (tc.wantBody != nil) {
				t.Errorf("round trip Query %v HasBody %v", back.Query, back.HasBody)
			}
			meta := obj(t, doc, "Metadata")
			if meta["b"] != `"3"` || meta["code"] != nil || obj(t, meta, "Query")["b"] != "3" {
				t.Errorf("Metadata = %v", meta)
			}
		})
	}
}

func TestOrderedQuery(t *testing.T) {
	t.Parallel()
	keys, values := OrderedQuery("tag=a&x=%20y&tag=b&empty&=v")
	if want := []string{"tag", "x", "empty", ""}; !slices.Equal(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
	if !slices.Equal(values["tag"], []string{"a", "b"}) || values["x"][0] != " y" {
		t.Errorf("values = %v", values)
	}
}
