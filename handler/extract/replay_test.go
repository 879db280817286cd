package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBL07ExactBytes replays BL-07's content half: the processor sees the
// exact bytes and reads them right (the TIFF's 3 pages, the JPEG's EXIF
// orientation, UTF-16LE text, the empty upload).
func TestBL07ExactBytes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file      string
		size      int64
		shaPrefix string
		check     func(t *testing.T, r Result)
	}{
		{"g4-multi.tiff", 3275, "6144e857", func(t *testing.T, r Result) {
			if r.Image == nil || r.Image.Pages != 3 || r.Image.Width != 3307 || r.Image.Height != 4677 {
				t.Errorf("tiff %+v", r.Image)
			}
		}},
		{"Landscape_6.jpg", 352727, "9b344e9f", func(t *testing.T, r Result) {
			if r.Image == nil || r.Image.Orientation != 6 || r.Image.UprightWidth != 1800 {
				t.Errorf("jpeg %+v", r.Image)
			}
		}},
		{"candide-utf-16le.txt", 51932, "74b80a3b", func(t *testing.T, r Result) {
			if r.Plain == nil || r.Plain.Encoding != EncodingUTF16LE {
				t.Errorf("text %+v", r.Plain)
			}
		}},
		{"empty-upload.pdf", 0, "e3b0c442", func(t *testing.T, r Result) {
			if r.Status != StatusFailed || r.Reason != ReasonEmpty {
				t.Errorf("empty: %s %s", r.Status, r.Reason)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			data := readReal(t, c.file)
			r := mustInspect(t, data, Declared{Size: int64(len(data))}, Options{})
			if r.SizeBytes != c.size || !strings.HasPrefix(r.SHA256, c.shaPrefix) {
				t.Errorf("size %d sha %s, want %d %s…", r.SizeBytes, r.SHA256, c.size, c.shaPrefix)
			}
			c.check(t, r)
		})
	}
}

// TestBL10TextForPostgres replays BL-10: UTF-16LE without BOM and
// Windows-1252 text come out as valid UTF-8 without NULs.
func TestBL10TextForPostgres(t *testing.T) {
	t.Parallel()
	for file, enc := range map[string]string{
		"candide-utf-16le.txt":     EncodingUTF16LE,
		"candide-windows-1252.txt": EncodingWindows1252,
	} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			r := mustInspect(t, readReal(t, file), Declared{FileName: file}, Options{})
			if r.Status != StatusReady || r.Plain == nil || r.Plain.Encoding != enc {
				t.Fatalf("status %s encoding %+v", r.Status, r.Plain)
			}
			if !utf8.ValidString(r.Text) || strings.ContainsRune(r.Text, 0) {
				t.Fatal("text is not clean UTF-8")
			}
			if !strings.Contains(r.Text, "Candide fut élevé dans un beau château") {
				t.Errorf("phrase missing: %q", head(r.Text, 200))
			}
		})
	}
}

// TestHEICHopper: hopper.heif is accepted as image/heic, 128×128.
func TestHEICHopper(t *testing.T) {
	t.Parallel()
	r := mustInspect(t, readReal(t, "hopper.heif"), Declared{FileName: "hopper.heif",
		ContentType: "image/heif"}, Options{})
	if r.Status != StatusReady || r.MediaType != TypeHEIC || r.Image == nil ||
		r.Image.Width != 128 || r.Image.Height != 128 {
		t.Fatalf("got %s %s %+v", r.Status, r.MediaType, r.Image)
	}
	if r.HasWarning(WarnExtensionMismatch) || r.HasWarning(WarnDeclaredTypeMismatch) {
		t.Errorf("warnings %v: .heif and image/heif fit HEIC", r.Warnings)
	}
}

// TestPNGMasqueradingAsJPG: PNG under a .jpg name is accepted as PNG with
// the mismatch noted.
func TestPNGMasqueradingAsJPG(t *testing.T) {
	t.Parallel()
	r := mustInspect(t, readReal(t, "png-masquerading-as-jpg.jpg"),
		Declared{FileName: "png-masquerading-as-jpg.jpg", ContentType: "image/jpeg"}, Options{})
	if r.Status != StatusReady || r.MediaType != TypePNG || r.Extension != ".png" {
		t.Fatalf("got %s %s %s", r.Status, r.MediaType, r.Extension)
	}
	if !r.HasWarning(WarnExtensionMismatch) || !r.HasWarning(WarnDeclaredTypeMismatch) {
		t.Errorf("warnings %v", r.Warnings)
	}
}
