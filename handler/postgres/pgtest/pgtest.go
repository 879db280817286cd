// Package pgtest gives each test a database of its own on the real PostgreSQL server:
// a template database is migrated once per schema version and cloned per test, as
// CREATE DATABASE ... TEMPLATE is far faster than migrating again.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/postgres"
)

// DefaultURL is the machine's PostgreSQL, as the Makefile starts it.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	once     sync.Once
	template string
	setupErr error
)

// AdminURL is the server URL tests connect to for creating databases
// (PT_TEST_DATABASE_URL, or DefaultURL).
func AdminURL() string {
	if u := os.Getenv("PT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// NewDatabase creates a migrated database for this test and drops it when the test ends.
// It returns the database's URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { template, setupErr = ensureTemplate() })
	if setupErr != nil {
		tb.Fatalf("prepare template database (is PostgreSQL running? make db-up): %v", setupErr)
	}
	name := "pt_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := mustConnect(tb, ctx, AdminURL())
	defer admin.Close(context.Background())
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{template}.Sanitize()))
		if err == nil {
			break
		}
		// Two clones at once can meet "source database is being accessed": retry.
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			tb.Errorf("drop test database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)",
			pgx.Identifier{name}.Sanitize())); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return WithDatabase(AdminURL(), name)
}

// WithDatabase returns base with its database name replaced.
func WithDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

// ensureTemplate creates and migrates the template for the current migrations once per
// server, holding an advisory lock so parallel test binaries do not race.
func ensureTemplate() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "pt_template_" + postgres.SchemaFingerprint()[:12]
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", err
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7302114002)"); err != nil {
		return "", err
	}
	defer func() { _, _ = admin.Exec(context.Background(), "SELECT pg_advisory_unlock(7302114002)") }()
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
		name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	if err := postgres.Migrate(ctx, WithDatabase(AdminURL(), building)); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

func mustConnect(tb testing.TB, ctx context.Context, u string) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("connect to PostgreSQL at %s (run make db-up): %v", u, err)
	}
	return conn
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
