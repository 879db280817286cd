package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/audit"
	"patienttracker/handler/importer"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// fixedNow is the tests' clock: after every date in the shared data.
var fixedNow = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

// testDB is a migrated database of this test's own, with one admin staff row.
type testDB struct {
	db    *postgres.DB
	conn  *pgx.Conn
	url   string
	admin uuid.UUID
}

func newTestDB(tb testing.TB) *testDB {
	tb.Helper()
	url := pgtest.NewDatabase(tb)
	db, err := postgres.Open(context.Background(), postgres.Options{URL: url,
		Now: func() time.Time { return fixedNow }, StatementTimeout: time.Minute})
	if err != nil {
		tb.Fatalf("open db: %v", err)
	}
	tb.Cleanup(db.Close)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	admin := uuid.New()
	if _, err := conn.Exec(context.Background(), `INSERT INTO staff (id, email,
	    display_name, role, created_at, updated_at)
	  VALUES ($1, 'admin@clinic.test', 'Admin', 'admin', now(), now())`, admin); err != nil {
		tb.Fatalf("seed staff: %v", err)
	}
	return &testDB{db: db, conn: conn, url: url, admin: admin}
}

func (d *testDB) runner() *importer.Runner {
	return &importer.Runner{DB: d.db, Now: func() time.Time { return fixedNow },
		Location: time.UTC}
}

func (d *testDB) actor() audit.Actor {
	return audit.Actor{StaffID: &d.admin, Provider: "system", UserID: "import-test",
		Role: "system"}
}

// count runs a query returning one number.
func (d *testDB) count(tb testing.TB, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := d.conn.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		tb.Fatalf("count %q: %v", q, err)
	}
	return n
}

// sharedDir returns ../shared/testdata/real/<sub>, or skips loudly when it is absent.
func sharedDir(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv("PT_SHARED_DIR")
	if root == "" {
		root = "../../../shared"
	}
	dir := filepath.Join(root, "testdata", "real", sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("SKIPPED: ../shared not found (%s); set PT_SHARED_DIR", dir)
	}
	return dir
}

// runPlan runs one local plan and fails the test on error.
func (d *testDB) runPlan(tb testing.TB, plan importer.Plan) *postgres.ImportJob {
	tb.Helper()
	job, err := d.runner().RunLocal(context.Background(), d.actor(), plan)
	if err != nil {
		tb.Fatalf("run import: %v", err)
	}
	return job
}

// writeFile writes b to a new file in a temporary folder and returns its path.
func writeFile(tb testing.TB, dir, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}
