// Package postgres stores Patient Tracker's data in PostgreSQL through pgx. It takes and
// returns domain types and translates database errors into apperror codes: a missing row
// is not_found, a unique clash a conflict, and a database that is down or too slow is
// unavailable. Every write commits its audit row and outbox event in the same transaction.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"patienttracker/handler/apperror"
)

// Options configure the pool.
type Options struct {
	URL              string
	MaxConns         int32
	StatementTimeout time.Duration
	// Password, when set, is called before each new connection for a fresh password
	// (an Entra access token on Azure).
	Password func(ctx context.Context) (string, error)
	// Now is the clock; tests inject their own.
	Now func() time.Time
	// Tracer observes every query (tests count statements with it).
	Tracer pgx.QueryTracer
	// AcquireTimeout bounds the wait for a free connection (default 2 s): past it the
	// caller gets unavailable (503 + Retry-After) instead of queueing toward the host's
	// timeout.
	AcquireTimeout time.Duration
}

// DB is the application's database.
type DB struct {
	pool  *pgxpool.Pool
	now   func() time.Time
	audit *auditBatcher
}

// Open creates the pool without connecting: the process starts and answers while the
// database is unreachable, and each request waits at most its own deadline for it.
func Open(ctx context.Context, o Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(o.URL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if o.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] =
			fmt.Sprint(o.StatementTimeout.Milliseconds())
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.RuntimeParams["application_name"] = "patient-tracker"
	cfg.ConnConfig.ConnectTimeout = 3 * time.Second
	if o.AcquireTimeout <= 0 {
		o.AcquireTimeout = 2 * time.Second
	}
	cfg.ConnConfig.Tracer = &acquireBudget{inner: o.Tracer, budget: o.AcquireTimeout}
	cfg.AfterConnect = scanInstantsInUTC
	if o.Password != nil {
		cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
			pw, err := o.Password(ctx)
			if err != nil {
				return fmt.Errorf("database token: %w", err)
			}
			cc.Password = pw
			return nil
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	db := &DB{pool: pool, now: now}
	db.audit = newAuditBatcher(db)
	return db, nil
}

// acquireBudget gives every pool acquisition its own deadline, separate from the
// deadline of the query that follows: pgxpool hands the context TraceAcquireStart returns
// to the acquisition only. It passes query events on to the inner tracer.
type acquireBudget struct {
	inner  pgx.QueryTracer
	budget time.Duration
}

type acquireCancelKey struct{}

func (a *acquireBudget) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool,
	_ pgxpool.TraceAcquireStartData) context.Context {
	ctx, cancel := context.WithTimeout(ctx, a.budget)
	return context.WithValue(ctx, acquireCancelKey{}, cancel)
}

func (a *acquireBudget) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool,
	_ pgxpool.TraceAcquireEndData) {
	if cancel, ok := ctx.Value(acquireCancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}

func (a *acquireBudget) TraceQueryStart(ctx context.Context, conn *pgx.Conn,
	d pgx.TraceQueryStartData) context.Context {
	if a.inner == nil {
		return ctx
	}
	return a.inner.TraceQueryStart(ctx, conn, d)
}

func (a *acquireBudget) TraceQueryEnd(ctx context.Context, conn *pgx.Conn,
	d pgx.TraceQueryEndData) {
	if a.inner != nil {
		a.inner.TraceQueryEnd(ctx, conn, d)
	}
}

// scanInstantsInUTC makes timestamptz values scan in UTC rather than in the process's
// zone, so no answer depends on the server's TZ (pgx #2117).
func scanInstantsInUTC(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
		Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
	return nil
}

// Close stops the audit writer and closes the pool.
func (db *DB) Close() {
	db.audit.stop()
	db.pool.Close()
}

// Pool returns the underlying pool, for the packages that load data in bulk.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that a connection can be had and used.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return translate(err)
	}
	return nil
}

// inTx runs fn in a transaction and commits it if fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return translate(err)
	}
	return nil
}

// referenceFields names the API field behind a foreign key, for 422 answers.
var referenceFields = map[string]string{
	"visits_clinician_id_fkey": "clinicianId",
}

// dbError is a database error reduced to what is safe to log.
type dbError struct {
	code, where string
}

func (e *dbError) Error() string {
	return "database error " + e.code + " " + strings.TrimSpace(e.where)
}

// translate maps database errors onto application errors; others pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperror.As(err); ok {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperror.NotFound()
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &apperror.Error{Kind: apperror.KindConflict, Code: "conflict",
				Message: "That value is already in use", Err: err}
		case "57014", "57P01", "57P02", "57P03", "53300", "40001", "40P01":
			return apperror.Unavailable(err)
		case "23503":
			// A reference to a row that does not exist: the caller named a wrong id.
			e := apperror.Invalid()
			e.Code, e.Err = "invalid_reference", &dbError{pgErr.Code, pgErr.ConstraintName}
			if f, ok := referenceFields[pgErr.ConstraintName]; ok {
				e.Fields = []apperror.FieldError{{Field: f, Code: "unknown_id"}}
			}
			return e
		case "22021", "22P05":
			// Text PostgreSQL cannot store (a NUL byte): input the validators let through.
			e := apperror.Invalid()
			e.Code, e.Err = "invalid_character", &dbError{pgErr.Code, pgErr.ConstraintName}
			return e
		}
		if strings.HasPrefix(pgErr.Code, "22") {
			// A data exception's message quotes the value it refused, patient data among
			// them: keep the code, table and column, never the message.
			return &dbError{pgErr.Code, pgErr.TableName + " " + pgErr.ColumnName}
		}
		return err
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return apperror.Unavailable(err)
	}
	return err
}
