package jobs

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// TimerBinding is the name of the timer binding in every timer's function.json.
const TimerBinding = "timer"

// The timer functions, as their folders under functions/ name them.
const (
	VisitTrendsName = "VisitTrends"
	CleanupName     = "Cleanup"
	OutboxRelayName = "OutboxRelay"
)

// timerRun is what a timer invocation tells a job: when it runs and what the host's
// monitor said. The jobs never branch on IsPastDue or Last: they work out what is due
// from their own records (the host's flags are unreliable, issue #7597).
type timerRun struct {
	now     time.Time
	pastDue bool
	last    time.Time
}

// decodeTimer reads the timer envelope. The run's time is sys.UtcNow, the host's clock,
// or clock() when the envelope has none. A timer value that cannot be decoded is
// logged and ignored, since nothing the job does depends on it.
func decodeTimer(ctx context.Context, inv *funchost.Invocation, clock func() time.Time) timerRun {
	var run timerRun
	log := zerolog.Ctx(ctx)
	if sys, err := inv.Sys(); err != nil {
		log.Warn().Err(err).Msg("timer sys metadata unreadable; using the clock")
	} else if t, err := funchost.ParseTime(sys.UtcNow); err == nil && !t.IsZero() {
		run.now = t
	}
	if run.now.IsZero() {
		run.now = clock().UTC()
	}
	info, err := inv.DecodeTimer(TimerBinding)
	if err != nil {
		log.Warn().Err(err).Msg("timer data unreadable; ignored")
		return run
	}
	run.pastDue = info.IsPastDue
	if info.ScheduleStatus != nil {
		run.last = info.ScheduleStatus.Last.Time
	}
	return run
}

// clockOr returns clock, or time.Now when it is nil.
func clockOr(clock func() time.Time) func() time.Time {
	if clock == nil {
		return time.Now
	}
	return clock
}
