package analytics

import "time"

// RollupState is what the rollup remembers between runs.
type RollupState struct {
	// CompletedThrough is the last clinic day rolled up; zero before the first run.
	CompletedThrough Day
	// TimeZone is the IANA zone the rollups were cut in.
	TimeZone string
	// DirtyFrom is the earliest clinic day touched by a visit change since the last run
	// (inserts, and edits of a start, status, patient or reason); zero when none.
	DirtyFrom Day
	// FirstVisit is the day of the earliest visit; zero when there are no visits.
	FirstVisit Day
}

// RollupPlan is the range of clinic days one run recomputes.
type RollupPlan struct {
	From, Through Day
	// ChangedFrom is the earliest day that is new since the last run or that a logged
	// visit change touched: From without the window of recent days. Weeks and months
	// are recomputed from here; the window is the daily rollups' safety net.
	ChangedFrom Day
	// Full is true when every rollup is rebuilt: the first run, or a new time zone.
	Full bool
}

// Empty reports whether the plan has no day to compute.
func (p RollupPlan) Empty() bool { return p.From.IsZero() || p.Through.Before(p.From) }

// PlanRollup decides which days a run on the clinic's day today recomputes. Through is
// always yesterday: today is not over, and the analytics API adds it live. From is the
// earliest of the day after the last completed one (every missed day is filled, whether
// or not the host says the run is past due), the first of the window of recent days
// that absorbs late edits, and the earliest day a visit change touched. The first run,
// and a run after the clinic's zone changed, rebuild from the first visit's day.
func PlanRollup(s RollupState, today Day, loc *time.Location, window int) RollupPlan {
	through := today.AddDays(-1)
	if s.CompletedThrough.IsZero() || s.TimeZone != loc.String() {
		if s.FirstVisit.IsZero() {
			return RollupPlan{Through: through, Full: true}
		}
		return RollupPlan{From: s.FirstVisit, ChangedFrom: s.FirstVisit, Through: through,
			Full: true}
	}
	changed := s.CompletedThrough.AddDays(1)
	if !s.DirtyFrom.IsZero() {
		changed = MinDay(changed, s.DirtyFrom)
	}
	from := changed
	if window > 0 {
		from = MinDay(from, today.AddDays(-window))
	}
	if !s.FirstVisit.IsZero() {
		from, changed = MaxDay(from, s.FirstVisit), MaxDay(changed, s.FirstVisit)
	}
	return RollupPlan{From: from, ChangedFrom: changed, Through: through}
}

// PeriodsToStore returns the first and last period starts of g that a plan recomputes:
// every day from From, and every whole week or month that overlaps ChangedFrom..Through
// and ends by Through. A period still running is left to a later run (the API computes
// it live). ok is false when none.
func (p RollupPlan) PeriodsToStore(g Granularity) (first, last Day, ok bool) {
	from := p.From
	if g != Daily && !p.ChangedFrom.IsZero() {
		from = MaxDay(from, p.ChangedFrom)
	}
	if p.Empty() || p.Through.Before(from) {
		return Day{}, Day{}, false
	}
	first = g.Start(from)
	last = g.Start(p.Through)
	if g.End(last).After(p.Through) {
		last = g.Before(last, 1)
	}
	if last.Before(first) {
		return Day{}, Day{}, false
	}
	return first, last, true
}
