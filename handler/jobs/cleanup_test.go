package jobs_test

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"patienttracker/handler/analytics/analyticstest"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/blobstore/blobtest"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
)

// putBlob uploads bytes the way a browser does: PUT with an upload SAS.
func putBlob(tb testing.TB, store *blobstore.Store, name string) {
	tb.Helper()
	u, err := store.UploadURL(context.Background(), name, 5*time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, u.URL, bytes.NewReader([]byte("%PDF-1.4 test")))
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		tb.Fatalf("put blob: %d", resp.StatusCode)
	}
}

func blobNames(tb testing.TB, store *blobstore.Store) []string {
	tb.Helper()
	var out []string
	if err := store.List(context.Background(), "", func(b blobstore.BlobInfo) error {
		out = append(out, b.Name)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// insertDocument stores a document row in the given status, created at created.
func insertDocument(tb testing.TB, db *postgres.DB, patientID uuid.UUID, status string,
	created time.Time) string {
	tb.Helper()
	id := uuid.New()
	final := status == "ready" || status == "failed" || status == "quarantined"
	var processed *time.Time
	var size *int64
	var sha []byte
	var media *string
	if final {
		processed = &created
	}
	if status == "ready" {
		n, mt := int64(13), "application/pdf"
		size, sha, media = &n, make([]byte, 32), &mt
	}
	_, err := db.Pool().Exec(context.Background(), `INSERT INTO documents (id, patient_id,
	    file_name, declared_type, declared_size, status, size_bytes, sha256, media_type,
	    created_at, updated_at, processed_at)
	  VALUES ($1, $2, 'scan.pdf', 'application/pdf', 13, $3, $4, $5, $6, $7, $7, $8)`,
		id, patientID, status, size, sha, media, created, processed)
	if err != nil {
		tb.Fatalf("insert document: %v", err)
	}
	return patientID.String() + "/" + id.String()
}

func tableCount(tb testing.TB, db *postgres.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.Pool().QueryRow(context.Background(),
		"SELECT count(*) FROM "+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestCleanup runs Cleanup against real PostgreSQL and Azurite: it removes the expired
// upload request with its partial blob, the old orphan blobs and the published events
// past retention, and keeps everything else.
func TestCleanup(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	store := blobtest.NewStore(t, blobtest.Options{})
	now := time.Now().UTC()
	pid := analyticstest.InsertPatient(t, db.Pool(), uuid.New(), "1975-06-01", "male",
		now.AddDate(-1, 0, 0))
	analyticstest.InsertVisits(t, db.Pool(), []analyticstest.Visit{{ID: uuid.New(),
		PatientID: pid, Start: now.AddDate(0, -2, 0), Status: "finished"}})

	old := now.Add(-72 * time.Hour)
	expired := insertDocument(t, db, pid, "pending_upload", old) // partial blob: removed
	putBlob(t, store, expired)
	expiredNoBlob := insertDocument(t, db, pid, "pending_upload", old) // row only: removed
	recent := insertDocument(t, db, pid, "pending_upload", now.Add(-time.Hour))
	putBlob(t, store, recent)
	var keep []string
	for _, status := range []string{"ready", "failed", "quarantined", "processing"} {
		name := insertDocument(t, db, pid, status, old)
		putBlob(t, store, name)
		keep = append(keep, name)
	}
	orphan := uuid.NewString() + "/" + uuid.NewString()
	putBlob(t, store, orphan)
	wrongPatient := uuid.NewString() + "/" + keep[0][37:] // a real id under another patient
	putBlob(t, store, wrongPatient)
	putBlob(t, store, "not-a-document-name")

	// A quarantined document's blob, moved to the quarantine container.
	if err := store.Quarantine(context.Background(), keep[2], []byte("MZ"),
		"disallowed_type"); err != nil {
		t.Fatal(err)
	}
	keep = append(keep[:2], keep[3:]...) // its documents-container blob moved away

	seedOutbox(t, db, 4)
	_, err := db.Pool().Exec(context.Background(), `UPDATE outbox SET published_at = CASE
	    WHEN seq <= 2 THEN now() - interval '30 days' ELSE now() - interval '1 day' END
	  WHERE seq <= 3`)
	if err != nil {
		t.Fatal(err)
	}
	auditBefore := tableCount(t, db, "audit_log")

	j := &jobs.Cleanup{DB: db, Store: store, Retention: jobs.Retention{
		UploadGrace: 24 * time.Hour, OrphanMinAge: -time.Minute, Events: 7 * 24 * time.Hour,
		Quarantine: 30 * 24 * time.Hour}}
	// Azurite stamps blobs with the real time, so a negative retention stands for
	// "older than the retention" here; the second run below uses real retentions.
	j.Retention.Quarantine = -time.Minute
	env := builtTimer(t, jobs.CleanupName, now)
	r := invoke(t, jobs.CleanupName, j.Handle, env)
	if r.Status != http.StatusOK {
		t.Fatalf("reply %d %s", r.Status, r.raw)
	}
	want := append([]string{recent}, keep...)
	sort.Strings(want)
	if diff := cmp.Diff(blobNames(t, store), want); diff != "" {
		t.Errorf("blobs left (-got +want):\n%s", diff)
	}
	if n := tableCount(t, db, "documents"); n != 5 {
		t.Errorf("%d documents left, want 5 (all but the two expired requests)", n)
	}
	gone := uuid.MustParse(expiredNoBlob[37:])
	if _, err := db.FindDocument(context.Background(), gone); err == nil {
		t.Errorf("expired request without blob still there")
	}
	if n := tableCount(t, db, "outbox"); n != 2 {
		t.Errorf("%d events left, want 2 (one recent, one unpublished)", n)
	}
	if tableCount(t, db, "patients") != 1 || tableCount(t, db, "visits") != 1 {
		t.Errorf("cleanup touched patients or visits")
	}
	if got := tableCount(t, db, "audit_log"); got != auditBefore+2 {
		t.Errorf("audit rows %d -> %d, want two added (one per expired request)",
			auditBefore, got)
	}
	if len(r.Logs) != 1 || r.Logs[0] != "cleanup: 2 expired uploads (2 blobs), "+
		"3 orphan blobs, 1 quarantined blobs, 2 published events removed" {
		t.Errorf("logs = %q", r.Logs)
	}

	var quarantined []string
	err = store.ListQuarantined(context.Background(), "", func(b blobstore.BlobInfo) error {
		quarantined = append(quarantined, b.Name)
		return nil
	})
	if err != nil || len(quarantined) != 0 {
		t.Errorf("quarantined blobs left: %v, %v", quarantined, err)
	}

	// Young blobs stay: an orphan whose row may be on its way, and a blob quarantined
	// within the retention.
	j.Retention.OrphanMinAge, j.Retention.Quarantine = time.Hour, 30*24*time.Hour
	err = store.Quarantine(context.Background(), "p/recent", []byte("x"), "unknown_blob")
	if err != nil {
		t.Fatal(err)
	}
	fresh := uuid.NewString() + "/" + uuid.NewString()
	putBlob(t, store, fresh)
	if r := invoke(t, jobs.CleanupName, j.Handle, env); r.Status != http.StatusOK {
		t.Fatalf("second run: %d %s", r.Status, r.raw)
	}
	want = append(want, fresh)
	sort.Strings(want)
	if diff := cmp.Diff(blobNames(t, store), want); diff != "" {
		t.Errorf("young orphan removed (-got +want):\n%s", diff)
	}
	quarantined = nil
	_ = store.ListQuarantined(context.Background(), "", func(b blobstore.BlobInfo) error {
		quarantined = append(quarantined, b.Name)
		return nil
	})
	if len(quarantined) != 1 {
		t.Errorf("quarantined blobs = %v, want the recent one kept", quarantined)
	}
}

// TestCleanupWithoutStorage cleans the database alone when no storage is configured.
func TestCleanupWithoutStorage(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	j := &jobs.Cleanup{DB: db, Retention: jobs.Retention{UploadGrace: time.Hour,
		Events: time.Hour}}
	r := invoke(t, jobs.CleanupName, j.Handle, builtTimer(t, jobs.CleanupName, time.Now()))
	if r.Status != http.StatusOK {
		t.Fatalf("reply %d %s", r.Status, r.raw)
	}
}
