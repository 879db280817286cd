package jobs_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/document"
	"patienttracker/handler/document/doctest"
	"patienttracker/handler/extract"
	"patienttracker/handler/extract/extracttest"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
)

// benchKind makes a document of one kind of about n bytes.
type benchKind struct {
	name, mediaType string
	make            func(r *rand.Rand, n int) []byte
}

// benchKinds are the kinds measured: extracttest's generators (the ones extract's own
// benchmark uses) plus a scanned PDF and an animated GIF from doctest.
var benchKinds = []benchKind{
	{"pdf-text", extract.TypePDF, generated("pdf")},
	{"pdf-scan", extract.TypePDF, func(r *rand.Rand, n int) []byte {
		return grow(n, 2, func(k int) []byte { return doctest.ScanPDF(1, doctest.JPEG(r, k, k, 0, 1)) })
	}},
	{"jpeg", extract.TypeJPEG, generated("jpeg")},
	{"png", extract.TypePNG, generated("png")},
	{"gif", extract.TypeGIF, func(r *rand.Rand, n int) []byte {
		return grow(n, 2, func(k int) []byte { return doctest.GIF(r, k, k, 2, 1) })
	}},
	{"tiff", extract.TypeTIFF, generated("tiff")},
	{"docx", extract.TypeDOCX, generated("docx")},
	{"text", extract.TypeText, generated("text")},
}

func generated(kind string) func(*rand.Rand, int) []byte {
	return func(_ *rand.Rand, n int) []byte {
		b, err := extracttest.Document(kind, n)
		if err != nil {
			panic(err)
		}
		return b
	}
}

// grow finds, by a few rescaling steps, the size parameter k that makes gen return
// about target bytes (within 10%); the size grows as k to the power exp.
func grow(target int, exp float64, gen func(k int) []byte) []byte {
	k := 64
	var out []byte
	for range 12 {
		out = gen(k)
		ratio := float64(target) / float64(len(out))
		if ratio > 0.9 && ratio < 1.1 {
			break
		}
		k = max(int(float64(k)*math.Pow(ratio, 1/exp)), 1)
	}
	return out
}

// BenchmarkProcessDocument measures ProcessDocument end to end per document kind, for
// 1 MB and 10 MB documents: the host's envelope decoded, the bytes inspected, the
// serving headers set on Azurite and the outcome committed to PostgreSQL. Next to it,
// measured in the same run on the same bytes, is the ceiling: decoding the envelope,
// sniffing and hashing only. Metrics: MB/s, docs/s, ceiling_MB/s and pct_of_ceiling.
// Run it with bash handler/devenv/with-azurite.sh go test -run '^$' -bench
// ProcessDocument -benchtime 5x ./handler/jobs/ (make bench).
func BenchmarkProcessDocument(b *testing.B) {
	e := newProcEnv(b)
	patientID := e.patient()
	proc := &jobs.DocumentProcessor{DB: e.db, Store: e.store,
		Limits: extract.Limits{MaxBytes: 100 << 20, Timeout: time.Minute}}
	handler := funchost.Handler(jobs.ProcessDocumentName, proc.Handle)
	r := rand.New(rand.NewPCG(42, 42))
	for _, kind := range benchKinds {
		for _, size := range []int{1 << 20, 10 << 20} {
			name := fmt.Sprintf("%s/%dMB", kind.name, size>>20)
			var data []byte
			b.Run(name, func(b *testing.B) {
				// Generated once, outside the timer: b.Run calls this more than once.
				b.StopTimer()
				if data == nil {
					data = kind.make(r, size)
				}
				benchProcess(b, e, handler, patientID, kind, data)
			})
		}
	}
}

func benchProcess(b *testing.B, e *procEnv, handler http.Handler, patientID uuid.UUID,
	kind benchKind, data []byte) {
	b.StopTimer()
	var spent, ceiling time.Duration
	var last uuid.UUID
	for i := 0; i < b.N; i++ {
		id, blob := e.upload(patientID, "doc"+extension(kind), kind.mediaType, data)
		body, err := json.Marshal(e.envelope(blob))
		if err != nil {
			b.Fatal(err)
		}
		ceiling += ceilingOf(b, body)

		req := httptest.NewRequest(http.MethodPost, "/ProcessDocument", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		start := time.Now()
		b.StartTimer()
		handler.ServeHTTP(rec, req)
		b.StopTimer()
		spent += time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("ProcessDocument: %d %s", rec.Code, rec.Body.Bytes())
		}
		last = id
	}
	if d := e.document(last); d.Status != document.StatusReady {
		b.Fatalf("%s ended %s %s", kind.name, d.Status, d.Reason)
	}
	mb := float64(len(data)) * float64(b.N) / 1e6
	rate, ceil := mb/spent.Seconds(), mb/ceiling.Seconds()
	b.ReportMetric(rate, "MB/s")
	b.ReportMetric(float64(b.N)/spent.Seconds(), "docs/s")
	b.ReportMetric(ceil, "ceiling_MB/s")
	b.ReportMetric(100*rate/ceil, "pct_of_ceiling")
	b.ReportMetric(float64(len(data))/1e6, "doc_MB")
}

// ceilingOf times the least any processing must do with an envelope: read it (decode
// the JSON and the base64) and extract.SniffAndHash the bytes.
func ceilingOf(b *testing.B, body []byte) time.Duration {
	start := time.Now()
	var req funchost.Request
	if err := json.Unmarshal(body, &req); err != nil {
		b.Fatal(err)
	}
	blob, err := req.DecodeBlob(jobs.ProcessDocumentBinding, jobs.ProcessDocumentPath)
	if err != nil {
		b.Fatal(err)
	}
	extract.SniffAndHash(blob.Content)
	return time.Since(start)
}

func extension(k benchKind) string {
	exts := map[string]string{extract.TypePDF: ".pdf", extract.TypeJPEG: ".jpg",
		extract.TypePNG: ".png", extract.TypeGIF: ".gif", extract.TypeTIFF: ".tiff",
		extract.TypeDOCX: ".docx", extract.TypeText: ".txt"}
	return exts[k.mediaType]
}
