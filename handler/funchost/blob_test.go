package funchost

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"testing"
)

const docTemplate = "documents/{patientId}/{documentId}"

const (
	fixturePatient  = "7b0c2a4e-3f1d-4c6b-9a8e-2d5f6e1c0a91"
	fixtureDocument = "c1e9f3a2-5b7d-4e08-8f6a-90b1d2c3e4f5"
)

func TestDecodeBlobFixture(t *testing.T) {
	t.Parallel()
	req := fixtureRequest(t, "blob.request.json", nil)
	b, err := req.DecodeBlob("document", docTemplate)
	if err != nil {
		t.Fatalf("DecodeBlob: %v", err)
	}
	if len(b.Content) != 69 || !bytes.HasPrefix(b.Content, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("content = %d bytes starting %q, want the 69-byte PNG", len(b.Content),
			b.Content[:min(8, len(b.Content))])
	}
	sum := md5.Sum(b.Content)
	if !bytes.Equal(sum[:], b.Properties.ContentHash) {
		t.Errorf("MD5 %x != ContentHash %x", sum, b.Properties.ContentHash)
	}
	wantPath := "documents/" + fixturePatient + "/" + fixtureDocument
	if b.Path != wantPath {
		t.Errorf("Path = %q, want %q", b.Path, wantPath)
	}
	if b.Params["patientId"] != fixturePatient || b.Params["documentId"] != fixtureDocument {
		t.Errorf("Params = %v", b.Params)
	}
	if want := "https://stptdocsdev.blob.core.windows.net/" + wantPath; b.URI != want {
		t.Errorf("URI = %q, want %q", b.URI, want)
	}
	p := b.Properties
	if p.ContentLength != 69 || p.ContentType != "image/png" || p.LastModified.IsZero() {
		t.Errorf("Properties = %+v", p)
	}
	if b.Metadata["uploadedBy"] != "clinician-42" || p.Metadata["source"] != "portal-upload" {
		t.Errorf("Metadata = %v, Properties.Metadata = %v", b.Metadata, p.Metadata)
	}
}

func TestDecodeBlobVariants(t *testing.T) {
	t.Parallel()
	big := make([]byte, 1<<20+12345)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	withContent := func(content []byte) func(doc map[string]any) {
		return func(doc map[string]any) {
			sum := md5.Sum(content)
			obj(t, doc, "Data")["document"] = base64.StdEncoding.EncodeToString(content)
			props := obj(t, doc, "Metadata", "Properties")
			props["ContentLength"] = len(content)
			props["ContentHash"] = base64.StdEncoding.EncodeToString(sum[:])
		}
	}
	tests := []struct {
		name string
		edit func(doc map[string]any)
		want []byte
	}{
		{name: "ZeroBytes", edit: withContent([]byte{}), want: []byte{}},
		{name: "OverOneMegabyte", edit: withContent(big), want: big},
		{name: "ETagObjectAndExtraKeys", edit: func(doc map[string]any) {
			props := obj(t, doc, "Metadata", "Properties")
			props["ETag"] = map[string]any{}
			props["SmartAccessTier"] = "Hot"
			props["SomethingNew"] = map[string]any{"nested": []any{1, "x"}}
			obj(t, doc, "Metadata")["UnknownTopLevel"] = "\"x\""
		}},
		{name: "ETagString", edit: func(doc map[string]any) {
			obj(t, doc, "Metadata", "Properties")["ETag"] = "\"0x8DCFD\""
		}},
		{name: "LengthAsTextHashNull", edit: func(doc map[string]any) {
			props := obj(t, doc, "Metadata", "Properties")
			props["ContentLength"] = "69"
			props["ContentHash"] = nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := fixtureRequest(t, "blob.request.json", tc.edit)
			b, err := req.DecodeBlob("document", docTemplate)
			if err != nil {
				t.Fatalf("DecodeBlob: %v", err)
			}
			if tc.want != nil && !bytes.Equal(b.Content, tc.want) {
				t.Errorf("content: got %d bytes, want %d", len(b.Content), len(tc.want))
			}
			if b.Content == nil {
				t.Error("content is nil, want non-nil")
			}
			if int64(len(b.Content)) != b.Properties.ContentLength {
				t.Errorf("len %d != ContentLength %d", len(b.Content), b.Properties.ContentLength)
			}
			if sum := md5.Sum(b.Content); b.Properties.ContentHash != nil &&
				!bytes.Equal(sum[:], b.Properties.ContentHash) {
				t.Errorf("MD5 mismatch")
			}
		})
	}
}

func TestDecodeBlobErrors(t *testing.T) {
	t.Parallel()
	missingParam := fixtureRequest(t, "blob.request.json", func(doc map[string]any) {
		delete(obj(t, doc, "Metadata"), "documentId")
	})
	if _, err := missingParam.DecodeBlob("document", docTemplate); err == nil {
		t.Error("DecodeBlob without documentId succeeded")
	}
	notBase64 := fixtureRequest(t, "blob.request.json", func(doc map[string]any) {
		obj(t, doc, "Data")["document"] = "not base64!"
	})
	if _, err := notBase64.DecodeBlob("document", docTemplate); err == nil {
		t.Error("DecodeBlob with text content succeeded")
	}
}

func TestMatchTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		template, path string
		want           map[string]string
	}{
		{docTemplate, "documents/p1/d1", map[string]string{"patientId": "p1", "documentId": "d1"}},
		{docTemplate, "documents/p1/d1/extra",
			map[string]string{"patientId": "p1", "documentId": "d1/extra"}},
		{docTemplate, "imports/p1/d1", nil},
		{docTemplate, "documents/p1", nil},
		{"imports/{name}.csv", "imports/jan.csv", map[string]string{"name": "jan"}},
		{"imports/{name}.csv", "imports/jan.txt", nil},
	}
	for _, tc := range tests {
		got, ok := MatchTemplate(tc.template, tc.path)
		if ok != (tc.want != nil) {
			t.Errorf("MatchTemplate(%q, %q) ok = %v", tc.template, tc.path, ok)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("MatchTemplate(%q, %q)[%s] = %q, want %q", tc.template, tc.path, k,
					got[k], v)
			}
		}
		if ok && ExpandTemplate(tc.template, got) != tc.path {
			t.Errorf("ExpandTemplate round trip of %q failed", tc.path)
		}
	}
}
