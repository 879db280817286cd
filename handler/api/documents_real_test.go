package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"patienttracker/handler/extract"
)

// realDir returns ../shared/testdata/real ($PT_SHARED_DIR), skipping loudly without it.
func realDir(tb testing.TB) string {
	tb.Helper()
	shared := os.Getenv("PT_SHARED_DIR")
	if shared == "" {
		_, file, _, _ := runtime.Caller(0)
		shared = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
	}
	dir := filepath.Join(shared, "testdata", "real")
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		tb.Skip("SKIPPED: ../shared not found (set PT_SHARED_DIR); real-file tests did not run")
	}
	return dir
}

// realFile is one entry of testdata/real/manifest.json.
type realFile struct {
	Path                 string  `json:"path"`
	SizeBytes            int64   `json:"sizeBytes"`
	SHA256               string  `json:"sha256"`
	MediaType            *string `json:"mediaType"`
	ExtensionMatchesType bool    `json:"extensionMatchesType"`
	ExpectedStatus       *string `json:"expectedStatus"`
	Pages                *int    `json:"pages"`
	Encrypted            *bool   `json:"encrypted"`
	HasTextLayer         *bool   `json:"hasTextLayer"`
	TextSample           string  `json:"textSample"`
	Width                *int    `json:"width"`
	Height               *int    `json:"height"`
	ExifOrientation      *int    `json:"exifOrientation"`
	UprightWidth         *int    `json:"uprightWidth"`
	UprightHeight        *int    `json:"uprightHeight"`
	Encoding             string  `json:"encoding"`
}

// realFiles lists every file under testdata/real: the manifest's entries, plus any file
// the manifest does not describe (those are expected to be stored as plain text).
func realFiles(tb testing.TB) (string, []realFile) {
	tb.Helper()
	dir := realDir(tb)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m struct {
		Files []realFile `json:"files"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("parse manifest: %v", err)
	}
	known := map[string]bool{}
	for _, f := range m.Files {
		known[f.Path] = true
	}
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); !known[rel] {
			m.Files = append(m.Files, realFile{Path: rel})
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir, m.Files
}

// declaredType is what a browser would declare for the file: its manifest type when
// that is published, text/plain for the text family (CSV, FHIR JSON, Markdown), and
// PDF for the empty .pdf upload.
func declaredType(f realFile) string {
	if f.MediaType != nil && slices.Contains(extract.AllowedTypes(), *f.MediaType) {
		return *f.MediaType
	}
	if strings.HasSuffix(f.Path, ".pdf") {
		return extract.TypePDF
	}
	return extract.TypeText
}

// TestRealFilesThroughUploadAndProcessing sends every file of ../shared/testdata/real
// through the real flow: upload request, PUT with the SAS to Azurite, the
// ProcessDocument envelope built from the blob, then the API's view, the blob's
// Content-Type, the search and a byte-identical download, against manifest.json.
func TestRealFilesThroughUploadAndProcessing(t *testing.T) {
	t.Parallel()
	dir, files := realFiles(t)
	d := newDocEnv(t)
	p := d.createPatient("Candide", "Westphalie", "1959-01-15")["id"].(string)
	for _, f := range files {
		t.Run(f.Path, func(t *testing.T) {
			t.Parallel()
			d := d.with(t)
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatal(err)
			}
			id := d.upload("u-front", p, path.Base(f.Path), declaredType(f), data)
			d.process(p, id)
			got := d.document(id)
			checkRealFacts(t, f, data, got)
			checkServed(t, d, p, id, data, got)
		})
	}
}

// facts is the part of a document read back from the API that the checks use.
type facts struct {
	Status     string   `json:"status"`
	Reason     string   `json:"reason"`
	SizeBytes  int64    `json:"sizeBytes"`
	SHA256     string   `json:"sha256"`
	MediaType  string   `json:"mediaType"`
	Warnings   []string `json:"warnings"`
	Text       string   `json:"text"`
	TextSource string   `json:"textSource"`
	Metadata   struct {
		PDF   *extract.PDFInfo   `json:"pdf"`
		Image *extract.ImageInfo `json:"image"`
		Plain *extract.TextInfo  `json:"plainText"`
		OCR   *extract.OCRInfo   `json:"ocr"`
	} `json:"metadata"`
	Classification *extract.Classification `json:"classification"`
}

func readFacts(t testing.TB, doc map[string]any) facts {
	t.Helper()
	b, _ := json.Marshal(doc)
	var f facts
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func checkRealFacts(t *testing.T, f realFile, data []byte, doc map[string]any) {
	t.Helper()
	got := readFacts(t, doc)
	sum := sha256.Sum256(data)
	want := "ready"
	if f.ExpectedStatus != nil {
		want = *f.ExpectedStatus
	}
	if got.Status != want {
		t.Fatalf("status %s (%s), want %s", got.Status, got.Reason, want)
	}
	if got.SizeBytes != int64(len(data)) || got.SHA256 != hex.EncodeToString(sum[:]) ||
		(f.SHA256 != "" && (got.SHA256 != f.SHA256 || got.SizeBytes != f.SizeBytes)) {
		t.Errorf("size %d sha %s; manifest %d %s", got.SizeBytes, got.SHA256, f.SizeBytes, f.SHA256)
	}
	if want != "ready" {
		return
	}
	wantType := extract.TypeText
	if f.MediaType != nil && slices.Contains(extract.AllowedTypes(), *f.MediaType) {
		wantType = *f.MediaType
	}
	if got.MediaType != wantType {
		t.Errorf("media type %s, want %s", got.MediaType, wantType)
	}
	if hasWarning(got, "extension_mismatch") == f.ExtensionMatchesType && f.SHA256 != "" {
		t.Errorf("extension_mismatch warning %v, manifest extensionMatchesType %v",
			got.Warnings, f.ExtensionMatchesType)
	}
	if f.TextSample != "" && !strings.Contains(got.Text, f.TextSample) {
		t.Errorf("text lacks %q", f.TextSample)
	}
	if strings.ContainsRune(got.Text, 0) {
		t.Error("stored text holds NUL")
	}
	checkKindFacts(t, f, got)
}

func checkKindFacts(t *testing.T, f realFile, got facts) {
	t.Helper()
	if pdf := got.Metadata.PDF; f.Pages != nil && got.MediaType == extract.TypePDF {
		if pdf == nil || pdf.Pages != *f.Pages ||
			(f.HasTextLayer != nil && pdf.HasTextLayer != *f.HasTextLayer) ||
			(f.Encrypted != nil && pdf.Encrypted != *f.Encrypted) {
			t.Errorf("pdf facts %+v", pdf)
		}
		if f.HasTextLayer != nil && !*f.HasTextLayer && pdf.OpensWithoutPassword &&
			(got.Metadata.OCR == nil || !got.Metadata.OCR.Simulated || got.TextSource != "ocr") {
			t.Errorf("a PDF without text layer got no simulated OCR: %+v", got.Metadata.OCR)
		}
	}
	if im := got.Metadata.Image; f.Width != nil {
		orient := 0
		if f.ExifOrientation != nil && *f.ExifOrientation != 1 {
			orient = *f.ExifOrientation
		}
		if im == nil || im.Width != *f.Width || im.Height != *f.Height ||
			(f.Pages != nil && im.Pages != *f.Pages) || (im.Orientation != orient &&
			!(orient == 0 && im.Orientation == 1)) || im.UprightWidth != *f.UprightWidth ||
			im.UprightHeight != *f.UprightHeight {
			t.Errorf("image facts %+v", im)
		}
	}
	if f.Encoding != "" && got.MediaType == extract.TypeText {
		if pl := got.Metadata.Plain; pl == nil || !strings.EqualFold(pl.Encoding, f.Encoding) {
			t.Errorf("text facts %+v, want encoding %s", pl, f.Encoding)
		}
	}
}

func hasWarning(f facts, w string) bool { return slices.Contains(f.Warnings, w) }

// checkServed: a ready document downloads byte-identical through a short read SAS,
// as an attachment under its name, and its blob carries the sniffed type; any other
// document is 409 not_available.
func checkServed(t *testing.T, d *docEnv, patientID, id string, data []byte,
	doc map[string]any) {
	t.Helper()
	got := readFacts(t, doc)
	res, resp, body := d.download("u-clin", id)
	if got.Status != "ready" {
		if res.status != http.StatusConflict {
			t.Errorf("download of a %s document: %d", got.Status, res.status)
		}
		return
	}
	if res.status != http.StatusFound || resp == nil {
		t.Fatalf("download: %d %s", res.status, res.body)
	}
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Errorf("download: %d, %d bytes, identical %v", resp.StatusCode, len(body),
			bytes.Equal(body, data))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") ||
		!strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); ct != got.MediaType {
		t.Errorf("served Content-Type %q, want %q", ct, got.MediaType)
	}
	loc := res.header.Get("Location")
	if !strings.Contains(loc, "sp=r&") || strings.Contains(loc, "sp=rw") {
		t.Errorf("read SAS permissions: %s", loc)
	}
	props := d.blobProperties(patientID, id)
	if props.ContentType != got.MediaType {
		t.Errorf("blob Content-Type %q, want the sniffed %q", props.ContentType, got.MediaType)
	}
}
