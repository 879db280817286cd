package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/analytics"
	"patienttracker/handler/funchost"
	"patienttracker/handler/postgres"
)

// VisitTrends answers the VisitTrends timer: it rolls visits up per clinic-local day,
// week and month, through the clinic's yesterday, every day since the last completed
// run plus a window of recent days. Running it twice, or twice at once, leaves the same
// table (postgres.DB.RollupVisits holds a lock and writes only what changed).
type VisitTrends struct {
	DB *postgres.DB
	// Location is the clinic's time zone (PT_CLINIC_TIMEZONE); days are cut there.
	Location *time.Location
	// Window is how many recent days every run recomputes (PT_ROLLUP_WINDOW_DAYS).
	Window int
	// Timeout bounds the run's statements; a first run reads every visit.
	Timeout time.Duration
	// Now is the clock used when the envelope carries no sys.UtcNow.
	Now func() time.Time
}

// Handle runs one invocation. A failure is answered 500 so the host records the run as
// failed; the next run redoes whatever this one did not commit.
func (j *VisitTrends) Handle(ctx context.Context, inv *funchost.Invocation) (
	funchost.Result, error) {
	var res funchost.Result
	start := time.Now()
	run := decodeTimer(ctx, inv, clockOr(j.Now))
	today := analytics.Today(run.now, j.Location)
	out, err := j.DB.RollupVisits(ctx, postgres.RollupInput{Location: j.Location,
		Today: today, Window: j.Window, Now: run.now, Timeout: j.Timeout})
	if err != nil {
		return res, funchost.Retryable(fmt.Errorf("visit trends: %w", err))
	}
	ev := zerolog.Ctx(ctx).Info().Str("today", today.String()).Bool("past_due", run.pastDue).
		Bool("skipped", out.Skipped).Int64("duration_ms", time.Since(start).Milliseconds())
	if out.Skipped {
		ev.Msg("visit trends skipped: another run holds the lock")
		res.Log("visit trends skipped: another run holds the lock")
		return res, nil
	}
	from := "none"
	if !out.Plan.Empty() {
		from = out.Plan.From.String()
	}
	ev.Str("from", from).Str("through", out.Plan.Through.String()).Bool("full", out.Plan.Full).
		Int64("periods", out.Periods).Int64("written", out.Written).
		Int64("deleted", out.Deleted).Msg("visit trends rolled up")
	res.Log("visit trends rolled up: from %s through %s, full %t, %d periods, %d written, "+
		"%d deleted", from, out.Plan.Through, out.Plan.Full, out.Periods, out.Written,
		out.Deleted)
	return res, nil
}
