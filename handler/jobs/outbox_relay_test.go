package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"patienttracker/handler/event"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
)

// broker is a stand-in for Service Bus that records what it accepts and can fail.
type broker struct {
	mu     sync.Mutex
	got    []event.CloudEvent
	calls  int
	failed error
}

func (b *broker) Publish(_ context.Context, evs []event.CloudEvent) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if b.failed != nil {
		return 0, b.failed
	}
	b.got = append(b.got, evs...)
	return len(evs), nil
}

func seedOutbox(tb testing.TB, db *postgres.DB, n int) {
	tb.Helper()
	_, err := db.Pool().Exec(context.Background(), `INSERT INTO outbox (id, type, subject,
	    time, data)
	  SELECT gen_random_uuid(), 'org.patienttracker.visit.created', 'visits/' || i,
	    '2024-11-05T14:03:27Z', jsonb_build_object('visitId', i::text)
	  FROM generate_series(1, $1) AS i`, n)
	if err != nil {
		tb.Fatal(err)
	}
}

func pendingEvents(tb testing.TB, db *postgres.DB) int64 {
	tb.Helper()
	n, err := db.CountPendingEvents(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestOutboxRelayTimer(t *testing.T) {
	t.Parallel()
	t.Run("PublishesCloudEvents", func(t *testing.T) {
		t.Parallel()
		db := openDB(t)
		seedOutbox(t, db, 7)
		b := &broker{}
		j := &jobs.OutboxRelay{DB: db, Publisher: b, Source: "/clinic-test",
			Options: postgres.RelayOptions{BatchSize: 3}}
		r := invoke(t, jobs.OutboxRelayName, j.Handle,
			builtTimer(t, jobs.OutboxRelayName, time.Now()))
		if r.Status != http.StatusOK || len(b.got) != 7 || pendingEvents(t, db) != 0 {
			t.Fatalf("reply %d %s; %d published, %d pending", r.Status, r.raw, len(b.got),
				pendingEvents(t, db))
		}
		var ce map[string]any
		body, _ := b.got[0].JSON()
		if err := json.Unmarshal(body, &ce); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"specversion", "id", "source", "type", "subject", "time",
			"datacontenttype", "data"} {
			if _, ok := ce[k]; !ok {
				t.Errorf("CloudEvent lacks %s: %s", k, body)
			}
		}
		if ce["specversion"] != "1.0" || ce["source"] != "/clinic-test" {
			t.Errorf("CloudEvent %s", body)
		}
	})

	t.Run("BrokerDownMarksNothing", func(t *testing.T) {
		t.Parallel()
		db := openDB(t)
		seedOutbox(t, db, 4)
		j := &jobs.OutboxRelay{DB: db, Publisher: &broker{failed: errors.New("unreachable")}}
		r := invoke(t, jobs.OutboxRelayName, j.Handle,
			builtTimer(t, jobs.OutboxRelayName, time.Now()))
		if r.Status != http.StatusInternalServerError {
			t.Fatalf("reply %d %s, want 500 (a failed run)", r.Status, r.raw)
		}
		if n := pendingEvents(t, db); n != 4 {
			t.Fatalf("%d pending after a failed publish, want all 4", n)
		}
	})

	t.Run("NoServiceBusKeepsEvents", func(t *testing.T) {
		t.Parallel()
		db := openDB(t)
		seedOutbox(t, db, 2)
		j := &jobs.OutboxRelay{DB: db}
		r := invoke(t, jobs.OutboxRelayName, j.Handle,
			builtTimer(t, jobs.OutboxRelayName, time.Now()))
		if r.Status != http.StatusOK || pendingEvents(t, db) != 2 {
			t.Fatalf("reply %d %s", r.Status, r.raw)
		}
	})
}

func TestOutboxRelayNudge(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	seedOutbox(t, db, 2)
	now := time.Date(2024, 11, 5, 14, 0, 0, 0, time.UTC)
	b := &broker{failed: errors.New("unreachable")}
	j := &jobs.OutboxRelay{DB: db, Publisher: b, NudgeCooldown: time.Minute,
		Now: func() time.Time { return now }}
	j.Nudge(context.Background())
	j.Nudge(context.Background())
	if b.calls != 1 || pendingEvents(t, db) != 2 {
		t.Fatalf("after a failed nudge: %d broker calls, %d pending; want 1 call and "+
			"the events kept", b.calls, pendingEvents(t, db))
	}
	now = now.Add(2 * time.Minute)
	b.failed = nil
	j.Nudge(context.Background())
	if b.calls != 2 || pendingEvents(t, db) != 0 {
		t.Fatalf("nudge after the cooldown: %d calls, %d pending", b.calls, pendingEvents(t, db))
	}
	(*jobs.OutboxRelay)(nil).Nudge(context.Background()) // relay not wired: a no-op
}
