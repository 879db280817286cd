package extract

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func testRand() *rand.Rand {
	return rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
}

// TestGeneratedImages encodes JPEGs and PNGs of random size with a random
// EXIF orientation and capture date, and checks the facts come back.
func TestGeneratedImages(t *testing.T) {
	t.Parallel()
	rng := testRand()
	for i := range 12 {
		w, h, o := 1+rng.IntN(700), 1+rng.IntN(700), 1+rng.IntN(8)
		stamp := fmt.Sprintf("20%02d:%02d:%02d 10:11:12", rng.IntN(30), 1+rng.IntN(12),
			1+rng.IntN(28))
		kind := []string{TypeJPEG, TypePNG}[i%2]
		t.Run(fmt.Sprintf("%s/%dx%d/o%d", kind, w, h, o), func(t *testing.T) {
			t.Parallel()
			data := encodeTestImage(t, kind, w, h, exifBlock(o, stamp))
			r := mustInspect(t, data, Declared{}, Options{})
			if r.Status != StatusReady || r.MediaType != kind || r.Image == nil {
				t.Fatalf("%s %s %s %s", r.Status, r.Reason, r.Detail, r.MediaType)
			}
			uw, uh := w, h
			if o >= 5 {
				uw, uh = h, w
			}
			got := *r.Image
			if got.Width != w || got.Height != h || got.Orientation != o ||
				got.UprightWidth != uw || got.UprightHeight != uh {
				t.Errorf("got %+v, want %dx%d o%d upright %dx%d", got, w, h, o, uw, uh)
			}
			want, _ := time.Parse(exifTimeLayout, stamp)
			if got.CapturedAt == nil || !got.CapturedAt.Equal(want) {
				t.Errorf("captured %v, want %v", got.CapturedAt, want)
			}
		})
	}
}

func encodeTestImage(tb testing.TB, kind string, w, h int, exif []byte) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if kind == TypeJPEG {
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			tb.Fatal(err)
		}
		return withJPEGEXIF(buf.Bytes(), exif)
	}
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return insertPNGChunk(buf.Bytes(), "eXIf", exif)
}

// TestGeneratedTIFFPages counts every page of generated multi-page TIFFs,
// and finds a TIFF cut short.
func TestGeneratedTIFFPages(t *testing.T) {
	t.Parallel()
	rng := testRand()
	pages, w, h := 1+rng.IntN(9), 1+rng.IntN(64), 1+rng.IntN(64)
	data := multiPageTIFF(pages, w, h)
	r := mustInspect(t, data, Declared{FileName: "fax.tif"}, Options{})
	if r.Status != StatusReady || r.Image.Pages != pages || r.Image.Width != w {
		t.Fatalf("got %s %s %+v, want %d pages of %dx%d", r.Status, r.Detail, r.Image, pages, w, h)
	}
	cut := mustInspect(t, data[:len(data)-1], Declared{}, Options{})
	wantRejected(t, cut, StatusFailed, ReasonTruncated)
}

// TestGeneratedTextEncodings writes text in a random encoding (with and
// without BOM) and checks detection and clean UTF-8 output.
func TestGeneratedTextEncodings(t *testing.T) {
	t.Parallel()
	const sample = "Résultat: hémoglobine normale, café crème, naïve Zoë — 12 March 2024.\n"
	encs := []struct {
		name string
		enc  encoding.Encoding
		want string
		bom  bool
	}{
		{"utf8", unicode.UTF8, EncodingUTF8, false},
		{"utf8bom", unicode.UTF8BOM, EncodingUTF8, true},
		{"utf16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), EncodingUTF16LE, false},
		{"utf16lebom", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), EncodingUTF16LE, true},
		{"utf16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), EncodingUTF16BE, false},
		{"utf16bebom", unicode.UTF16(unicode.BigEndian, unicode.UseBOM), EncodingUTF16BE, true},
		{"windows1252", charmap.Windows1252, EncodingWindows1252, false},
		{"latin1", charmap.ISO8859_1, EncodingWindows1252, false},
	}
	rng := testRand()
	for _, e := range encs {
		lines := 1 + rng.IntN(200)
		t.Run(fmt.Sprintf("%s/%d", e.name, lines), func(t *testing.T) {
			t.Parallel()
			text := strings.Repeat(strings.Replace(sample, "—", "-", 1), lines)
			data, err := e.enc.NewEncoder().Bytes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			r := mustInspect(t, data, Declared{FileName: "note.txt"}, Options{})
			if r.Status != StatusReady || r.Plain == nil {
				t.Fatalf("%s %s %s", r.Status, r.Reason, r.Detail)
			}
			if r.Plain.Encoding != e.want || r.Plain.HasBOM != e.bom || r.Plain.Lines != lines {
				t.Errorf("got %+v, want %s bom=%v lines=%d", *r.Plain, e.want, e.bom, lines)
			}
			if r.Text != text {
				t.Errorf("text differs: %q", head(r.Text, 100))
			}
		})
	}
}
