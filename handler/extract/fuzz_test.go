package extract

import (
	"context"
	"testing"
)

// The fuzz targets cover the parsers this package wrote itself (no
// recover: a panic is a bug). Seeds are the real files where they exist
// and generated ones otherwise. Run one with, for example,
// go test -run '^$' -fuzz FuzzHEIC ./handler/extract/

func seedReal(f *testing.F, names ...string) {
	f.Helper()
	for _, n := range names {
		f.Add(readRealF(f, n))
	}
}

// readRealF reads a real file, or gives nothing when ../shared is absent
// (fuzzing then starts from the generated seeds alone).
func readRealF(f *testing.F, name string) []byte {
	f.Helper()
	defer func() { _ = recover() }()
	return readReal(f, name)
}

func FuzzHEIC(f *testing.F) {
	seedReal(f, "hopper.heif")
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := inspectHEIC(b)
		if err == nil && (info == nil || info.Width == 0 || info.Height == 0) {
			t.Fatalf("accepted without a size: %+v", info)
		}
	})
}

func FuzzTIFF(f *testing.F) {
	seedReal(f, "g4-multi.tiff")
	f.Add(multiPageTIFF(3, 4, 4))
	lim := DefaultLimits()
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := inspectTIFF(b, lim)
		if err == nil && (info == nil || info.Pages < 1) {
			t.Fatalf("accepted without pages: %+v", info)
		}
	})
}

func FuzzEXIF(f *testing.F) {
	f.Add(exifBlock(6, "2024:03:12 10:11:12"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e := parseEXIF(b)
		if e.orientation < 0 || e.orientation > 8 {
			t.Fatalf("orientation %d", e.orientation)
		}
		_ = jpegEXIF(append([]byte{0xFF, 0xD8}, b...))
		_ = webpEXIF(b)
		_ = pngEXIF(b)
	})
}

func FuzzImageStructure(f *testing.F) {
	seedReal(f, "truncated_image.png", "Landscape_6.jpg")
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01" +
		"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = checkPNG(b)
		_ = checkJPEG(b)
		_ = checkRIFF(b)
		_, _ = countGIFFrames(b, 100)
	})
}

func FuzzPDF(f *testing.F) {
	seedReal(f, "002-trivial-libre-office-writer.pdf", "r6-owner-password.pdf",
		"libreoffice-writer-password.pdf", "invalid.pdf")
	f.Add(textPDF(f, 2, "Referral letter", true, true))
	f.Add(textPDF(f, 1, "Lab result", false, false))
	lim := DefaultLimits()
	lim.MaxInflatedBytes = 8 << 20
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := openPDFDoc(context.Background(), b, lim)
		if err != nil {
			return
		}
		info := &PDFInfo{OpensWithoutPassword: true}
		if err := d.setupCrypt(info); err != nil {
			return
		}
		_ = d.validateObjStms()
		if _, err := d.walkPages(); err != nil {
			return
		}
		readInfoDict(d, info)
		_ = d.formFields()
		_, _ = d.rewritePlain()
	})
}

func FuzzText(f *testing.F) {
	f.Add([]byte("h\x00e\x00l\x00l\x00o\x00"))
	f.Add([]byte("caf\xe9"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, text, err := inspectText(b)
		if err != nil {
			return
		}
		clean, _, _ := cleanText(text, 1<<20)
		for _, r := range clean {
			if r == 0 {
				t.Fatal("NUL in clean text")
			}
		}
		if info.NULBytes < 0 {
			t.Fatal("negative NUL count")
		}
	})
}
