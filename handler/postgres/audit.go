package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/audit"
)

// auditLockKey is the advisory lock that orders appends to the audit chain.
const auditLockKey = 7_302_114_001

// appendAudit seals events onto the chain and inserts them inside tx. The advisory lock
// is held until tx ends, so chains from several instances never interleave.
func appendAudit(ctx context.Context, tx pgx.Tx, events ...*audit.Event) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
		return fmt.Errorf("lock audit chain: %w", err)
	}
	prev := audit.GenesisHash
	err := tx.QueryRow(ctx, "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read chain head: %w", err)
	}
	rows := make([][]any, 0, len(events))
	for _, e := range events {
		if e.ID == uuid.Nil {
			e.ID = uuid.New()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Seal(prev)
		prev = e.Hash
		rows = append(rows, []any{e.ID, e.At, e.ActorStaffID, nullString(e.ActorProv),
			nullString(e.ActorUserID), nullString(e.ActorRole), e.Action,
			nullString(e.ObjectType), nullString(e.ObjectID), e.PatientID, string(e.Outcome),
			nullString(e.Reason), nullString(e.RequestID), nullJSON(e.Detail), e.PrevHash, e.Hash})
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"id", "at",
		"actor_staff_id", "actor_provider", "actor_user_id", "actor_role", "action",
		"object_type", "object_id", "patient_id", "outcome", "reason", "request_id", "detail",
		"prev_hash", "hash"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	return nil
}

// Audit records events that are not part of a data change (reads, searches, refusals).
// It returns once they are committed; concurrent calls share one transaction.
func (db *DB) Audit(ctx context.Context, events ...*audit.Event) error {
	for _, e := range events {
		if e.At.IsZero() {
			e.At = db.now()
		}
	}
	return db.audit.record(ctx, events)
}

// auditBatcher groups concurrent audit writes into one transaction: while one batch
// commits, the next one gathers, so a busy instance pays one commit per batch.
type auditBatcher struct {
	db   *DB
	reqs chan auditRequest
	quit chan struct{}
	done chan struct{}
}

type auditRequest struct {
	events []*audit.Event
	result chan error
}

func newAuditBatcher(db *DB) *auditBatcher {
	b := &auditBatcher{db: db, reqs: make(chan auditRequest, 1024),
		quit: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *auditBatcher) record(ctx context.Context, events []*audit.Event) error {
	req := auditRequest{events: events, result: make(chan error, 1)}
	select {
	case b.reqs <- req:
	case <-b.quit:
		return errors.New("audit writer stopped")
	case <-ctx.Done():
		return translate(ctx.Err())
	}
	select {
	case err := <-req.result:
		return err
	case <-ctx.Done():
		return translate(ctx.Err())
	}
}

func (b *auditBatcher) loop() {
	defer close(b.done)
	for {
		var first auditRequest
		select {
		case first = <-b.reqs:
		case <-b.quit:
			return
		}
		batch := []auditRequest{first}
	gather:
		for len(batch) < 256 {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		b.flush(batch)
	}
}

func (b *auditBatcher) flush(batch []auditRequest) {
	var events []*audit.Event
	for _, r := range batch {
		events = append(events, r.events...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := b.db.inTx(ctx, func(tx pgx.Tx) error { return appendAudit(ctx, tx, events...) })
	for _, r := range batch {
		r.result <- err
	}
}

// stop ends the loop once the batch in flight is written.
func (b *auditBatcher) stop() {
	close(b.quit)
	<-b.done
}

// AuditFilter selects audit rows; zero values select all.
type AuditFilter struct {
	PatientID *uuid.UUID
	StaffID   *uuid.UUID
	From, To  *time.Time
	BeforeSeq int64
	Limit     int
}

// ListAudit returns audit rows newest first. "Who opened this chart" is one query on the
// patient index.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Event, error) {
	q := `SELECT seq, id, at, actor_staff_id, coalesce(actor_provider, ''),
	        coalesce(actor_user_id, ''), coalesce(actor_role, ''), action,
	        coalesce(object_type, ''), coalesce(object_id, ''), patient_id, outcome,
	        coalesce(reason, ''), coalesce(request_id, ''), detail
	      FROM audit_log
	      WHERE ($1::uuid IS NULL OR patient_id = $1)
	        AND ($2::uuid IS NULL OR actor_staff_id = $2)
	        AND ($3::timestamptz IS NULL OR at >= $3)
	        AND ($4::timestamptz IS NULL OR at < $4)
	        AND ($5::bigint = 0 OR seq < $5)
	      ORDER BY seq DESC LIMIT $6`
	rows, err := db.pool.Query(ctx, q, f.PatientID, f.StaffID, f.From, f.To, f.BeforeSeq,
		f.Limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Event, error) {
		var e audit.Event
		var outcome string
		err := r.Scan(&e.Seq, &e.ID, &e.At, &e.ActorStaffID, &e.ActorProv, &e.ActorUserID,
			&e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID, &e.PatientID, &outcome,
			&e.Reason, &e.RequestID, &e.Detail)
		e.Outcome = audit.Outcome(outcome)
		return e, err
	})
	return out, translate(err)
}

// VerifyAudit walks the whole chain in order and returns the first finding, if any, and
// the number of rows checked.
func VerifyAudit(ctx context.Context, conn *pgx.Conn) (*audit.Finding, int64, error) {
	rows, err := conn.Query(ctx, `SELECT seq, id, at, actor_staff_id,
	    coalesce(actor_provider, ''), coalesce(actor_user_id, ''), coalesce(actor_role, ''),
	    action, coalesce(object_type, ''), coalesce(object_id, ''), patient_id, outcome,
	    coalesce(reason, ''), coalesce(request_id, ''), detail, prev_hash, hash
	  FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, 0, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	v := audit.NewVerifier()
	for rows.Next() {
		var e audit.Event
		var outcome string
		if err := rows.Scan(&e.Seq, &e.ID, &e.At, &e.ActorStaffID, &e.ActorProv,
			&e.ActorUserID, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID, &e.PatientID,
			&outcome, &e.Reason, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, v.Checked, fmt.Errorf("scan audit row: %w", err)
		}
		e.Outcome = audit.Outcome(outcome)
		if f := v.Check(e); f != nil {
			return f, v.Checked, nil
		}
	}
	return nil, v.Checked, rows.Err()
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
