package api_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/document/doctest"
)

// readReal reads one file of ../shared/testdata/real.
func readReal(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBL07ProcessorSeesExactBytes replays azure-functions-host #3203/#5016: bytes that
// are not UTF-8 reach the processor unchanged through the binary envelope.
func TestBL07ProcessorSeesExactBytes(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	cases := []struct {
		file, ct  string
		size      int64
		shaPrefix string
	}{
		{"g4-multi.tiff", "image/tiff", 3275, "6144e857"},
		{"Landscape_6.jpg", "image/jpeg", 352727, "9b344e9f"},
		{"candide-utf-16le.txt", "text/plain", 51932, "74b80a3b"},
		{"empty-upload.pdf", "application/pdf", 0, "e3b0c442"},
	}
	for _, c := range cases {
		id := d.upload("u-front", p, c.file, c.ct, readReal(t, c.file))
		status, body := d.invoke(d.envelope(p, id))
		if status != http.StatusOK {
			t.Fatalf("%s: reply %d %v (a content fault must not be retried)", c.file, status, body)
		}
		got := readFacts(t, d.document(id))
		if got.SizeBytes != c.size || !strings.HasPrefix(got.SHA256, c.shaPrefix) {
			t.Errorf("%s: %d bytes, sha %s", c.file, got.SizeBytes, got.SHA256)
		}
		switch c.file {
		case "g4-multi.tiff":
			if im := got.Metadata.Image; im == nil || im.Pages != 3 || im.Width != 3307 ||
				im.Height != 4677 {
				t.Errorf("tiff %+v", im)
			}
		case "Landscape_6.jpg":
			if im := got.Metadata.Image; im == nil || im.Orientation != 6 {
				t.Errorf("jpeg %+v", im)
			}
		case "empty-upload.pdf":
			if got.Status != "failed" || got.Reason != "empty" {
				t.Errorf("empty: %s %s", got.Status, got.Reason)
			}
		}
	}
}

// TestBL10TextWithNULsAndLegacyEncodings replays apache/devlake #3564: text with NUL
// bytes or in Windows-1252 is stored as clean UTF-8 and found by search.
func TestBL10TextWithNULsAndLegacyEncodings(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	for file, enc := range map[string][]string{
		"candide-utf-16le.txt":     {"UTF-16LE"},
		"candide-windows-1252.txt": {"windows-1252", "ISO-8859-1"},
	} {
		id := d.upload("u-front", p, file, "text/plain", readReal(t, file))
		d.process(p, id)
		got := readFacts(t, d.document(id))
		if got.Status != "ready" || strings.ContainsRune(got.Text, 0) ||
			!strings.Contains(got.Text, "Candide fut élevé dans un beau château") {
			t.Errorf("%s: %s, text %.60q", file, got.Status, got.Text)
		}
		if pl := got.Metadata.Plain; pl == nil || !containsFold(enc, pl.Encoding) {
			t.Errorf("%s: encoding %+v, want one of %v", file, pl, enc)
		}
	}
	hits := d.search("u-clin", map[string]any{"q": "chateau candide", "patientId": p})
	if len(hits) != 2 {
		t.Errorf("search found %d documents, want both", len(hits))
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// search runs a document search and returns its hits.
func (d *docEnv) search(user string, body map[string]any) []map[string]any {
	d.t.Helper()
	res := d.do(req{user: user, method: "POST", path: "/api/documents/search", body: body})
	if res.status != http.StatusOK {
		d.t.Fatalf("search: %d %s", res.status, res.body)
	}
	var out []map[string]any
	for _, h := range res.json(d.t)["items"].([]any) {
		out = append(out, h.(map[string]any))
	}
	return out
}

// TestU5U6U7U10RejectedContent: larger than declared, empty, and lying or active
// content are rejected with the right reason, answered 200, never served.
func TestU5U6U7U10RejectedContent(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	r := rand.New(rand.NewPCG(7, 7))
	polyglot := append(doctest.PNG(r, 8, 8, 1), []byte("<html><script>alert(1)</script>")...)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	cases := []struct {
		name, file, ct   string
		declared         int
		data             []byte
		status, reason   string
		blobQuarantained bool
	}{
		{"U5 larger than declared", "scan.pdf", "application/pdf", 1024,
			doctest.TextPDF(r, 40, "Too big", 400), "quarantined", "too_large", true},
		{"U6 empty", "scan.pdf", "application/pdf", 0, []byte{}, "failed", "empty", false},
		{"U7 PE executable", "a.pdf", "application/pdf", 0,
			append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...), "quarantined",
			"type_mismatch", true},
		{"U7 ELF", "a.pdf", "application/pdf", 0, append([]byte("\x7fELF\x02\x01\x01"),
			make([]byte, 200)...), "quarantined", "type_mismatch", true},
		{"U7 html", "a.pdf", "application/pdf", 0,
			[]byte("<html><body><script>alert(1)</script></body></html>"), "quarantined",
			"type_mismatch", true},
		{"U10 svg renamed png", "a.png", "image/png", 0, svg, "quarantined", "type_mismatch", true},
		{"U10 png html polyglot", "a.png", "image/png", 0, polyglot, "quarantined",
			"type_mismatch", true},
	}
	for _, c := range cases {
		declared := c.declared
		if declared == 0 {
			declared = len(c.data)
		}
		res := d.intent("u-front", p, c.file, c.ct, declared)
		if res.status != http.StatusCreated {
			t.Fatalf("%s: intent %d", c.name, res.status)
		}
		m := res.json(t)
		id := m["documentId"].(string)
		if s := putBlob(t, m["uploadUrl"].(string), c.data, map[string]string{
			"x-ms-blob-type": "BlockBlob"}); s != http.StatusCreated {
			t.Fatalf("%s: PUT %d", c.name, s)
		}
		status, _ := d.invoke(d.envelope(p, id))
		got := readFacts(t, d.document(id))
		if status != http.StatusOK || got.Status != c.status || got.Reason != c.reason {
			t.Errorf("%s: reply %d, %s %s; want %s %s", c.name, status, got.Status,
				got.Reason, c.status, c.reason)
		}
		if d.blobExists(p, id) == c.blobQuarantained {
			t.Errorf("%s: blob still in documents = %v", c.name, d.blobExists(p, id))
		}
		if res, _, _ := d.download("u-clin", id); res.status != http.StatusConflict {
			t.Errorf("%s: download %d", c.name, res.status)
		}
		if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.process'
		    AND object_id = $1 AND reason = $2`, id, c.reason); n != 1 {
			t.Errorf("%s: %d audit rows for the outcome", c.name, n)
		}
	}
}

// TestU18UnknownBlobIsQuarantined: a blob no upload request matches (no row, or the
// row of another patient) is acknowledged (200), quarantined and audited.
func TestU18UnknownBlobIsQuarantined(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p1 := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	p2 := d.createPatient("Bob", "Ray", "1970-03-04")["id"].(string)
	mine := d.intent("u-front", p1, "a.pdf", "application/pdf", 5).json(t)["documentId"].(string)
	for _, name := range [][2]string{{uuid.NewString(), uuid.NewString()}, {p2, mine},
		{"not-a-uuid", "x"}} {
		d.putDirect(name[0]+"/"+name[1], []byte("%PDF-"))
		status, body := d.invoke(d.envelope(name[0], name[1]))
		if status != http.StatusOK {
			t.Fatalf("%v: reply %d %v", name, status, body)
		}
		if d.blobExists(name[0], name[1]) {
			t.Errorf("%v: blob still in documents", name)
		}
	}
	if got := readFacts(t, d.document(mine)); got.Status != "pending_upload" {
		t.Errorf("the real document changed: %s", got.Status)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.unknown_blob'`); n != 3 {
		t.Errorf("unknown blobs audited %d times, want 3", n)
	}
}

// putDirect writes a blob with the account key, as nobody in the app ever would.
func (d *docEnv) putDirect(name string, data []byte) {
	d.t.Helper()
	container := strings.Split(strings.TrimPrefix(d.store.URL(name), "http://"), "/")[2]
	_, err := d.rawBlobs().UploadBuffer(context.Background(), container, name, data, nil)
	if err != nil {
		d.t.Fatalf("put %s: %v", name, err)
	}
}

// TestU19ProcessingTwiceChangesNothing: a redelivery, sequential or concurrent, after
// the outcome was committed changes no row, event or blob.
func TestU19ProcessingTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	r := rand.New(rand.NewPCG(1, 9))
	id := d.upload("u-front", p, "letter.pdf", "application/pdf",
		doctest.TextPDF(r, 2, "Referral letter for the clinic", 30))
	env := d.envelope(p, id)

	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = d.invoke(env)
		}()
	}
	wg.Wait()
	first := d.document(id)
	events := d.count(`SELECT count(*) FROM outbox WHERE subject = $1`, "documents/"+id)
	d.process(p, id)
	again := d.document(id)
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("concurrent delivery %d: %d", i, s)
		}
	}
	if first["version"] != again["version"] || first["status"] != "ready" ||
		first["processedAt"] != again["processedAt"] {
		t.Errorf("redelivery changed the document: %v -> %v", first["version"], again["version"])
	}
	if n := d.count(`SELECT count(*) FROM outbox WHERE subject = $1`, "documents/"+id); n != events ||
		n != 3 {
		t.Errorf("outbox events %d then %d, want 3 (requested, processing, ready)", events, n)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.process'
	    AND object_id = $1`, id); n != 1 {
		t.Errorf("outcome audited %d times", n)
	}
}

// TestReplacedBlobIsQuarantined: bytes written again with a still-valid upload SAS
// after processing are never served.
func TestReplacedBlobIsQuarantined(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	r := rand.New(rand.NewPCG(3, 3))
	first := doctest.TextPDF(r, 1, "Harmless letter", 10)
	res := d.intent("u-front", p, "a.pdf", "application/pdf", len(first)).json(t)
	id, url := res["documentId"].(string), res["uploadUrl"].(string)
	putBlob(t, url, first, map[string]string{"x-ms-blob-type": "BlockBlob"})
	d.process(p, id)
	if s := putBlob(t, url, doctest.TextPDF(r, 1, "Other", 10),
		map[string]string{"x-ms-blob-type": "BlockBlob"}); s != http.StatusCreated {
		t.Skipf("the SAS did not allow overwriting (%d): nothing to check", s)
	}
	d.process(p, id)
	got := readFacts(t, d.document(id))
	if got.Status != "quarantined" || got.Reason != "blob_replaced" {
		t.Errorf("after replacement: %s %s", got.Status, got.Reason)
	}
	if res, _, _ := d.download("u-clin", id); res.status != http.StatusConflict {
		t.Errorf("download after replacement: %d", res.status)
	}
}

// TestDuplicateUploadIsFlagged: the same bytes twice for one patient are flagged on the
// second; another patient's copy is not.
func TestDuplicateUploadIsFlagged(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p1 := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	p2 := d.createPatient("Bob", "Ray", "1970-03-04")["id"].(string)
	data := doctest.Text("Lab results: glucose 5.4 mmol/L", "UTF-8")
	a := d.upload("u-front", p1, "a.txt", "text/plain", data)
	d.process(p1, a)
	b := d.upload("u-front", p1, "b.txt", "text/plain", data)
	d.process(p1, b)
	c := d.upload("u-front", p2, "c.txt", "text/plain", data)
	d.process(p2, c)
	if doc := d.document(b); doc["duplicateOf"] != a ||
		!hasWarning(readFacts(t, doc), "duplicate") {
		t.Errorf("second copy: duplicateOf %v warnings %v", doc["duplicateOf"], doc["warnings"])
	}
	for _, id := range []string{a, c} {
		if doc := d.document(id); doc["duplicateOf"] != nil {
			t.Errorf("%s flagged as duplicate of %v", id, doc["duplicateOf"])
		}
	}
}

// TestGeneratedDocuments makes documents at run time (random pages, sizes,
// orientations, encodings) and checks what processing reads from them.
func TestGeneratedDocuments(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	d := newDocEnv(t)
	p := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	sentence := fmt.Sprintf("Referral letter number %d for the cardiology clinic.", r.IntN(1e6))

	pages := 1 + r.IntN(12)
	id := d.upload("u-front", p, "letter.pdf", "application/pdf",
		doctest.TextPDF(r, pages, sentence, r.IntN(200)))
	d.process(p, id)
	got := readFacts(t, d.document(id))
	if got.Status != "ready" || got.Metadata.PDF == nil || got.Metadata.PDF.Pages != pages ||
		!strings.Contains(got.Text, sentence) {
		t.Errorf("text pdf (%d pages): %s %+v", pages, got.Status, got.Metadata.PDF)
	}
	hits := d.search("u-clin", map[string]any{"q": strings.Fields(sentence)[3]})
	if len(hits) != 1 || hits[0]["id"] != id {
		t.Errorf("search by a word of the sentence: %v", hits)
	}

	scanPages := 1 + r.IntN(4)
	id = d.upload("u-front", p, "scan.pdf", "application/pdf",
		doctest.ScanPDF(scanPages, doctest.JPEG(r, 200, 280, 0, 4)))
	d.process(p, id)
	got = readFacts(t, d.document(id))
	if got.Status != "ready" || got.Metadata.PDF.HasTextLayer || got.Metadata.OCR == nil ||
		!got.Metadata.OCR.Simulated || got.Metadata.PDF.Pages != scanPages {
		t.Errorf("scanned pdf: %s %+v %+v", got.Status, got.Metadata.PDF, got.Metadata.OCR)
	}

	for i := 0; i < 3; i++ {
		w, h, o := 16+r.IntN(300), 16+r.IntN(300), 1+r.IntN(8)
		id = d.upload("u-front", p, "photo.jpg", "image/jpeg", doctest.JPEG(r, w, h, o, 3))
		d.process(p, id)
		im := readFacts(t, d.document(id)).Metadata.Image
		uw, uh := w, h
		if o >= 5 {
			uw, uh = h, w
		}
		if im == nil || im.Width != w || im.Height != h || im.Orientation != o ||
			im.UprightWidth != uw || im.UprightHeight != uh {
			t.Errorf("jpeg %d×%d orientation %d: %+v", w, h, o, im)
		}
	}

	enc := doctest.Encodings[r.IntN(len(doctest.Encodings))]
	id = d.upload("u-front", p, "note.txt", "text/plain",
		doctest.Text("Candide fut élevé dans un beau château. "+sentence, enc))
	d.process(p, id)
	got = readFacts(t, d.document(id))
	if got.Status != "ready" || !strings.Contains(got.Text, "élevé dans un beau château") {
		t.Errorf("text in %s: %s %.60q", enc, got.Status, got.Text)
	}
	_, _, body := d.download("u-front", id)
	if !bytes.Equal(body, doctest.Text("Candide fut élevé dans un beau château. "+sentence, enc)) {
		t.Errorf("text download not byte-identical")
	}
}

// TestSearchDocuments: ranked, per patient and across patients, terms in the body,
// archived and unready documents left out, audited without the terms.
func TestSearchDocuments(t *testing.T) {
	t.Parallel()
	d := newDocEnv(t)
	p1 := d.createPatient("Ann", "Lee", "1980-01-02")["id"].(string)
	p2 := d.createPatient("Bob", "Ray", "1970-03-04")["id"].(string)
	up := func(p, name, text string) string {
		id := d.upload("u-front", p, name, "text/plain", []byte(text))
		d.process(p, id)
		return id
	}
	strong := up(p1, "a.txt", "Hémoglobine hemoglobine hemoglobine ferritin results")
	weak := up(p1, "b.txt", "Annual letter mentioning hemoglobine once")
	other := up(p2, "c.txt", "Hemoglobine for another patient")
	d.intent("u-front", p1, "pending.txt", "text/plain", 10)

	hits := d.search("u-clin", map[string]any{"q": "HÉMOGLOBINE"})
	if len(hits) != 3 || hits[0]["id"] != strong {
		t.Errorf("across patients: %v", ids(hits))
	}
	hits = d.search("u-clin", map[string]any{"q": "hemoglob", "patientId": p1})
	if len(hits) != 2 || hits[0]["id"] != strong || hits[1]["id"] != weak {
		t.Errorf("one patient, prefix: %v", ids(hits))
	}
	page := d.do(req{user: "u-clin", method: "POST", path: "/api/documents/search",
		body: map[string]any{"q": "hemoglobine", "limit": 1}}).json(t)
	next := d.search("u-clin", map[string]any{"q": "hemoglobine", "limit": 2,
		"cursor": page["nextCursor"]})
	if len(next) != 2 || next[0]["id"] == strong {
		t.Errorf("second page: %v", ids(next))
	}
	v := fmt.Sprintf(`"%v"`, d.document(other)["version"])
	if res := d.do(req{user: "u-clin", method: "DELETE", path: "/api/documents/" + other,
		headers: map[string]string{"If-Match": v}}); res.status != http.StatusOK {
		t.Fatalf("archive: %d %s", res.status, res.body)
	}
	if hits = d.search("u-clin", map[string]any{"q": "hemoglobine"}); len(hits) != 2 {
		t.Errorf("after archiving: %v", ids(hits))
	}
	if hits = d.search("u-clin", map[string]any{"q": "'"}); len(hits) != 0 {
		t.Errorf("no terms: %v", hits)
	}
	if res := d.do(req{user: "u-analyst", method: "POST", path: "/api/documents/search",
		body: map[string]any{"q": "x"}}); res.status != 403 {
		t.Errorf("analyst: %d", res.status)
	}
	if n := d.count(`SELECT count(*) FROM audit_log WHERE action = 'document.search'
	    AND detail::text LIKE '%hemo%'`); n != 0 {
		t.Error("search terms stored in the audit log")
	}
}

func ids(hits []map[string]any) []any {
	var out []any
	for _, h := range hits {
		out = append(out, h["id"])
	}
	return out
}
