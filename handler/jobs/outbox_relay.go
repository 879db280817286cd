package jobs

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/event"
	"patienttracker/handler/funchost"
	"patienttracker/handler/postgres"
)

// Publisher hands CloudEvents to the broker and says how many, from the first on, it
// accepted. servicebus.Publisher is the real one; tests use their own.
type Publisher interface {
	Publish(ctx context.Context, events []event.CloudEvent) (int, error)
}

// OutboxRelay publishes the outbox's events: on its one-minute timer, which is the
// guarantee, and when nudged after a write, which only makes events leave sooner.
// Without a Publisher (no Service Bus configured) events stay in the outbox, where
// admins can read them through the API.
type OutboxRelay struct {
	DB        *postgres.DB
	Publisher Publisher
	// Source is the CloudEvents source of every event (PT_EVENTS_SOURCE).
	Source  string
	Options postgres.RelayOptions
	// NudgeTimeout bounds a nudge, which runs inside the request that wrote; after a
	// failed nudge, nudges pause for NudgeCooldown and the timer does the work.
	NudgeTimeout  time.Duration
	NudgeCooldown time.Duration
	// Now is the clock the cooldown is measured on.
	Now func() time.Time

	pausedUntil atomic.Int64
}

func (j *OutboxRelay) publish(ctx context.Context, evs []postgres.OutboxEvent) (int, error) {
	ces := make([]event.CloudEvent, len(evs))
	for i, e := range evs {
		ces[i] = e.CloudEvent(j.Source)
	}
	return j.Publisher.Publish(ctx, ces)
}

// Handle runs the timer: it publishes up to Options.MaxBatches batches. A broker that
// fails is answered 500 (the run failed; nothing unaccepted was marked, and the next
// minute's run tries again).
func (j *OutboxRelay) Handle(ctx context.Context, inv *funchost.Invocation) (
	funchost.Result, error) {
	var res funchost.Result
	start := time.Now()
	decodeTimer(ctx, inv, clockOr(j.Now))
	log := zerolog.Ctx(ctx)
	if j.Publisher == nil {
		pending, err := j.DB.CountPendingEvents(ctx)
		if err != nil {
			return res, funchost.Retryable(fmt.Errorf("outbox relay: %w", err))
		}
		log.Info().Int64("pending", pending).Msg("outbox relay off: no service bus configured")
		res.Log("outbox relay off: no service bus configured; %d events wait in the outbox",
			pending)
		return res, nil
	}
	out, err := j.DB.RelayOutbox(ctx, j.Options, j.publish)
	ev := log.Info()
	if err != nil {
		ev = log.Warn().Err(err)
	}
	ev.Int("published", out.Published).Bool("busy", out.Busy).
		Int64("duration_ms", time.Since(start).Milliseconds()).Msg("outbox relayed")
	res.Log("outbox relayed: %d events published", out.Published)
	if err != nil {
		return res, funchost.Retryable(fmt.Errorf("outbox relay: %w", err))
	}
	return res, nil
}

// Nudge publishes what a write just added to the outbox, within the caller's request:
// one bounded run, no goroutine left behind (Flex may freeze the instance once the
// request ends). It never waits for another relay, never fails the request, and after
// a failure stays quiet for NudgeCooldown.
func (j *OutboxRelay) Nudge(ctx context.Context) {
	if j == nil || j.Publisher == nil {
		return
	}
	now := clockOr(j.Now)()
	if now.UnixNano() < j.pausedUntil.Load() {
		return
	}
	timeout := j.NudgeTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	o := j.Options
	o.MaxBatches = 1
	out, err := j.DB.RelayOutbox(ctx, o, j.publish)
	log := zerolog.Ctx(ctx)
	if err != nil {
		cooldown := j.NudgeCooldown
		if cooldown <= 0 {
			cooldown = 30 * time.Second
		}
		j.pausedUntil.Store(now.Add(cooldown).UnixNano())
		log.Warn().Err(err).Int("published", out.Published).
			Msg("outbox nudge failed; the timer will relay")
		return
	}
	log.Debug().Int("published", out.Published).Bool("busy", out.Busy).Msg("outbox nudged")
}
