package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/event"
)

// relayLockKey is the advisory lock that lets one relay at a time take a batch, so
// events leave in seq order.
const relayLockKey = 7302114005

// OutboxEvent is a domain event as the outbox holds it.
type OutboxEvent struct {
	Seq         int64
	ID          uuid.UUID
	Type        string
	Subject     string
	Time        time.Time
	Data        json.RawMessage
	PublishedAt *time.Time
}

// CloudEvent returns the event in its published form, from source.
func (e OutboxEvent) CloudEvent(source string) event.CloudEvent {
	return event.New(source, e.ID.String(), e.Type, e.Subject, e.Time, e.Data)
}

// PublishFunc hands a batch of events, in seq order, to the broker. It returns how many
// of them, from the first on, the broker accepted; only those are marked published.
type PublishFunc func(ctx context.Context, events []OutboxEvent) (accepted int, err error)

// RelayOptions bound one relay run.
type RelayOptions struct {
	// BatchSize is how many events each transaction takes (default 100).
	BatchSize int
	// MaxBatches bounds the run, so a long backlog is spread over several (default 50).
	MaxBatches int
	// HoldTimeout is how long a relay transaction may sit idle while the broker answers:
	// past it the server ends the session (a frozen instance must not hold the lock),
	// and the batch is simply taken again later (default 1 minute).
	HoldTimeout time.Duration
}

// RelayResult says what a relay run did.
type RelayResult struct {
	Published int
	// Busy is true when another relay held the lock and this run took nothing.
	Busy bool
}

// ErrRelayPartial reports that the broker accepted only part of a batch.
var ErrRelayPartial = errors.New("broker accepted part of the batch")

// RelayOutbox publishes unpublished events in seq order, a batch per transaction:
// it takes the batch under an advisory lock, calls publish, and marks published only
// the events the broker accepted, in the same transaction. When publish fails nothing
// more is marked, and when the process dies after publishing but before the commit the
// events are published again later with the same ids (consumers drop duplicates by id).
// Events of one patient or visit leave in the order they were written, because their
// writes are serialised by row locks before the events get their seq.
func (db *DB) RelayOutbox(ctx context.Context, o RelayOptions, publish PublishFunc) (
	RelayResult, error) {
	o = o.withDefaults()
	var res RelayResult
	for i := 0; i < o.MaxBatches; i++ {
		n, busy, err := db.relayBatch(ctx, o, publish)
		res.Published += n
		res.Busy = res.Busy || busy
		if err != nil {
			return res, err
		}
		if busy || n < o.BatchSize {
			return res, nil
		}
	}
	return res, nil
}

func (o RelayOptions) withDefaults() RelayOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.MaxBatches <= 0 {
		o.MaxBatches = 50
	}
	if o.HoldTimeout <= 0 {
		o.HoldTimeout = time.Minute
	}
	return o
}

func (db *DB) relayBatch(ctx context.Context, o RelayOptions, publish PublishFunc) (
	int, bool, error) {
	var marked int
	var busy bool
	var publishErr error
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		events, ok, err := takeBatch(ctx, tx, o)
		if err != nil || !ok {
			busy = !ok
			return err
		}
		if len(events) == 0 {
			return nil
		}
		accepted, err := publish(ctx, events)
		accepted = max(0, min(accepted, len(events)))
		if err == nil && accepted < len(events) {
			err = ErrRelayPartial
		}
		publishErr = err
		if accepted == 0 {
			return nil
		}
		seqs := make([]int64, accepted)
		for i := range seqs {
			seqs[i] = events[i].Seq
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox SET published_at = $2
		  WHERE seq = ANY($1) AND published_at IS NULL`, seqs, db.now().UTC()); err != nil {
			return fmt.Errorf("mark events published: %w", err)
		}
		marked = accepted
		return nil
	})
	if err != nil {
		return 0, busy, err
	}
	if publishErr != nil {
		return marked, busy, fmt.Errorf("publish events: %w", publishErr)
	}
	return marked, busy, nil
}

// takeBatch takes the relay lock and reads the oldest unpublished events; ok is false
// when another relay holds the lock.
func takeBatch(ctx context.Context, tx pgx.Tx, o RelayOptions) ([]OutboxEvent, bool, error) {
	var locked bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1),
	    set_config('idle_in_transaction_session_timeout', $2, true)`, int64(relayLockKey),
		fmt.Sprint(o.HoldTimeout.Milliseconds())).Scan(&locked, nil); err != nil {
		return nil, false, fmt.Errorf("relay lock: %w", err)
	}
	if !locked {
		return nil, false, nil
	}
	rows, err := tx.Query(ctx, `SELECT seq, id, type, subject, time, data, published_at
	  FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`, o.BatchSize)
	if err != nil {
		return nil, true, fmt.Errorf("read outbox: %w", err)
	}
	events, err := pgx.CollectRows(rows, pgx.RowToStructByPos[OutboxEvent])
	if err != nil {
		return nil, true, fmt.Errorf("read outbox: %w", err)
	}
	return events, true, nil
}

// ListOutbox returns up to limit events after the seq after (0 for the first page),
// oldest first, published or not; pending limits it to events not yet published.
func (db *DB) ListOutbox(ctx context.Context, after int64, limit int, pending bool) (
	[]OutboxEvent, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, id, type, subject, time, data, published_at
	  FROM outbox WHERE seq > $1 AND (NOT $3 OR published_at IS NULL)
	  ORDER BY seq LIMIT $2`, after, limit, pending)
	if err != nil {
		return nil, translate(err)
	}
	events, err := pgx.CollectRows(rows, pgx.RowToStructByPos[OutboxEvent])
	if err != nil {
		return nil, translate(err)
	}
	return events, nil
}

// DeletePublishedEvents removes events published before cutoff, a bounded batch per
// statement, and returns how many went. Events not yet published are never removed.
func (db *DB) DeletePublishedEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		tag, err := db.pool.Exec(ctx, `DELETE FROM outbox WHERE seq IN (
		    SELECT seq FROM outbox WHERE published_at < $1 ORDER BY published_at LIMIT 5000)`,
			cutoff.UTC())
		if err != nil {
			return total, translate(err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < 5000 {
			return total, nil
		}
	}
}

// CountPendingEvents returns how many events wait to be published.
func (db *DB) CountPendingEvents(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, "SELECT count(*) FROM outbox WHERE published_at IS NULL").
		Scan(&n)
	return n, translate(err)
}
