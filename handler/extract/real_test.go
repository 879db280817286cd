package extract

import (
	"context"
	"strings"
	"testing"
)

// TestRealFiles runs every file of ../shared/testdata/real through Inspect
// and checks the facts of manifest.json. Inspect only ever sees bytes and
// a neutral declaration, never the file's name: the name goes in a
// separate check of the extension warning.
func TestRealFiles(t *testing.T) {
	t.Parallel()
	dir, files := loadManifest(t)
	for _, f := range files {
		if f.ExpectedStatus == nil {
			continue // data files for the importer, not documents
		}
		t.Run(f.Path, func(t *testing.T) {
			t.Parallel()
			data := readReal(t, f.Path)
			res, err := Inspect(context.Background(), data, Declared{Size: int64(len(data))},
				Options{})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			checkManifest(t, f, res)
			named, err := Inspect(context.Background(), data, Declared{FileName: f.Path}, Options{})
			if err != nil {
				t.Fatalf("Inspect with name: %v", err)
			}
			if f.MediaType != nil && named.HasWarning(WarnExtensionMismatch) == f.ExtensionMatchesType {
				t.Errorf("extension_mismatch = %v, manifest extensionMatchesType = %v",
					named.HasWarning(WarnExtensionMismatch), f.ExtensionMatchesType)
			}
		})
	}
	_ = dir
}

func checkManifest(t *testing.T, f manifestFile, res Result) {
	t.Helper()
	if res.SizeBytes != f.SizeBytes || res.SHA256 != f.SHA256 {
		t.Errorf("size/sha = %d %s, want %d %s", res.SizeBytes, res.SHA256, f.SizeBytes, f.SHA256)
	}
	if got, want := string(res.Status), *f.ExpectedStatus; got != want {
		t.Errorf("status = %s (%s: %s), want %s", got, res.Reason, res.Detail, want)
	}
	if f.MediaType != nil && res.MediaType != *f.MediaType {
		t.Errorf("media type = %q, want %q", res.MediaType, *f.MediaType)
	}
	if f.MediaType == nil && res.MediaType != "" && res.Status != StatusFailed {
		t.Errorf("media type = %q for content with no type", res.MediaType)
	}
	checkPDFFacts(t, f, res)
	checkImageFacts(t, f, res)
	checkTextFacts(t, f, res)
	if f.TextSample != "" && !strings.Contains(res.Text, f.TextSample) {
		t.Errorf("text lacks %q; starts %q", f.TextSample, head(res.Text, 200))
	}
	if strings.ContainsRune(res.Text, 0) {
		t.Error("text holds NUL")
	}
}

func head(s string, n int) string {
	return s[:cutPoint(s, n)]
}

func checkPDFFacts(t *testing.T, f manifestFile, res Result) {
	t.Helper()
	if f.Pages == nil || f.MediaType == nil || *f.MediaType != TypePDF {
		return
	}
	p := res.PDF
	if p == nil {
		t.Fatalf("no PDF facts (%s %s)", res.Reason, res.Detail)
	}
	if p.Pages != *f.Pages {
		t.Errorf("pages = %d, want %d", p.Pages, *f.Pages)
	}
	if f.Encrypted != nil && p.Encrypted != *f.Encrypted {
		t.Errorf("encrypted = %v, want %v", p.Encrypted, *f.Encrypted)
	}
	if f.OpensWithoutPassword != nil && p.OpensWithoutPassword != *f.OpensWithoutPassword {
		t.Errorf("opens without password = %v, want %v", p.OpensWithoutPassword,
			*f.OpensWithoutPassword)
	}
	if f.HasTextLayer != nil && p.HasTextLayer != *f.HasTextLayer {
		t.Errorf("text layer = %v, want %v", p.HasTextLayer, *f.HasTextLayer)
	}
	if f.Title != "" && p.Title != f.Title {
		t.Errorf("title = %q, want %q", p.Title, f.Title)
	}
	if f.Author != "" && p.Author != f.Author {
		t.Errorf("author = %q, want %q", p.Author, f.Author)
	}
}

func checkImageFacts(t *testing.T, f manifestFile, res Result) {
	t.Helper()
	if f.Width == nil {
		return
	}
	im := res.Image
	if im == nil {
		t.Fatalf("no image facts (%s %s)", res.Reason, res.Detail)
	}
	if im.Width != *f.Width || im.Height != *f.Height {
		t.Errorf("size = %d×%d, want %d×%d", im.Width, im.Height, *f.Width, *f.Height)
	}
	if f.Pages != nil && im.Pages != *f.Pages {
		t.Errorf("pages = %d, want %d", im.Pages, *f.Pages)
	}
	wantOrient := 0
	if f.ExifOrientation != nil {
		wantOrient = *f.ExifOrientation
	}
	if im.Orientation != wantOrient && !(wantOrient == 1 && im.Orientation == 0) {
		t.Errorf("orientation = %d, want %d", im.Orientation, wantOrient)
	}
	if f.UprightWidth != nil && (im.UprightWidth != *f.UprightWidth ||
		im.UprightHeight != *f.UprightHeight) {
		t.Errorf("upright = %d×%d, want %d×%d", im.UprightWidth, im.UprightHeight,
			*f.UprightWidth, *f.UprightHeight)
	}
}

func checkTextFacts(t *testing.T, f manifestFile, res Result) {
	t.Helper()
	if f.Encoding == "" {
		return
	}
	if res.Plain == nil {
		t.Fatalf("no text facts (%s %s)", res.Reason, res.Detail)
	}
	if !strings.EqualFold(res.Plain.Encoding, f.Encoding) {
		t.Errorf("encoding = %s, want %s", res.Plain.Encoding, f.Encoding)
	}
	if f.HasBOM != nil && res.Plain.HasBOM != *f.HasBOM {
		t.Errorf("BOM = %v, want %v", res.Plain.HasBOM, *f.HasBOM)
	}
	if f.NULBytes != nil && res.Plain.NULBytes != *f.NULBytes {
		t.Errorf("NUL bytes = %d, want %d", res.Plain.NULBytes, *f.NULBytes)
	}
}
