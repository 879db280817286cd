package funchost

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteResultMatchesFixture(t *testing.T) {
	t.Parallel()
	var res Result
	res.SetOutput("res", NewHTTPOutput(201, map[string]string{
		"Content-Type": "application/json",
		"Location":     "/api/patients/p-1001/visits/v-2002",
	}, `{"visitId":"v-2002","patientId":"p-1001"}`))
	res.SetOutput("visitEventOut",
		`{"eventType":"VisitCreated","patientId":"p-1001","visitId":"v-2002"}`)
	res.Log("visit %s created for patient %s", "v-2002", "p-1001")
	if err := res.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}

	rec := httptest.NewRecorder()
	WriteResult(rec, 200, res)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got, want any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fixtureBytes(t, "invocation-response.json"), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("reply (-got +want):\n%s", diff)
	}
}

func TestWriteResultNeverEmpty(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	WriteResult(rec, 500, Result{})
	if got := rec.Body.String(); got != `{"Outputs":{},"Logs":[],"ReturnValue":null}` {
		t.Errorf("body = %s", got)
	}
	if rec.Code != 500 {
		t.Errorf("status = %d", rec.Code)
	}
}

func TestResultCheck(t *testing.T) {
	t.Parallel()
	text := "Done"
	tests := []struct {
		name    string
		outputs map[string]any
		ret     any
		wantErr bool
	}{
		{name: "DoneIsBase64", outputs: map[string]any{"out": "Done"}, wantErr: true},
		{name: "DigitsAreBase64", outputs: map[string]any{"out": "1234"}, wantErr: true},
		{name: "TestIsBase64", outputs: map[string]any{"out": "test"}, wantErr: true},
		{name: "PaddedBase64", outputs: map[string]any{"out": "aGk="}, wantErr: true},
		{name: "PointerToBase64", outputs: map[string]any{"out": &text}, wantErr: true},
		{name: "RawJSONBase64", outputs: map[string]any{"out": json.RawMessage(`"abcd"`)},
			wantErr: true},
		{name: "ReturnValueBase64", ret: "Done", wantErr: true},
		{name: "BinaryAllowed", outputs: map[string]any{"out": Binary("Done")}},
		{name: "JSONTextAllowed", outputs: map[string]any{"out": `{"a":"b"}`}},
		{name: "ShortTextAllowed", outputs: map[string]any{"out": "ok!"}},
		{name: "SpacedTextAllowed", outputs: map[string]any{"out": "all done"}},
		{name: "ObjectAllowed", outputs: map[string]any{"out": map[string]string{"a": "b"}}},
		{name: "HTTPOutputAllowed", outputs: map[string]any{
			"res": NewHTTPOutput(200, nil, "Done")}},
		{name: "EmptyAllowed", outputs: map[string]any{"out": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := Result{Outputs: tc.outputs, ReturnValue: tc.ret}
			err := res.Check()
			if (err != nil) != tc.wantErr {
				t.Fatalf("Check() = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrBase64Output) {
				t.Errorf("error %v does not wrap ErrBase64Output", err)
			}
		})
	}
	b, _ := json.Marshal(Binary{0x89, 0x50})
	if string(b) != `"iVA="` {
		t.Errorf("Binary marshals as %s", b)
	}
}
