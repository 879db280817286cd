package analytics

import "time"

// Granularity is the length of the periods a trend is reported in.
type Granularity string

// The granularities. Weeks are ISO weeks, Monday to Sunday; months are calendar months.
const (
	Daily   Granularity = "day"
	Weekly  Granularity = "week"
	Monthly Granularity = "month"
)

// Granularities lists every granularity, in the order the rollup computes them.
var Granularities = []Granularity{Daily, Weekly, Monthly}

// ParseGranularity accepts "day", "week" or "month".
func ParseGranularity(s string) (Granularity, bool) {
	switch g := Granularity(s); g {
	case Daily, Weekly, Monthly:
		return g, true
	}
	return "", false
}

// Start returns the first day of the period that holds d.
func (g Granularity) Start(d Day) Day {
	switch g {
	case Weekly:
		// Monday is day 0 of an ISO week; Go's Sunday is 0.
		back := (int(d.Weekday()) + 6) % 7
		return d.AddDays(-back)
	case Monthly:
		y, m, _ := d.Date()
		return NewDay(y, m, 1)
	}
	return d
}

// Next returns the first day of the period after the one that starts at start.
func (g Granularity) Next(start Day) Day {
	switch g {
	case Weekly:
		return start.AddDays(7)
	case Monthly:
		return start.AddMonths(1)
	}
	return start.AddDays(1)
}

// End returns the last day of the period that starts at start.
func (g Granularity) End(start Day) Day {
	return g.Next(start).AddDays(-1)
}

// Periods returns the start of every period that overlaps from..to (inclusive), oldest
// first. It is empty when to is before from.
func (g Granularity) Periods(from, to Day) []Day {
	var out []Day
	for p := g.Start(from); !p.After(to); p = g.Next(p) {
		out = append(out, p)
	}
	return out
}

// Count returns how many periods overlap from..to, without listing them.
func (g Granularity) Count(from, to Day) int {
	if to.Before(from) {
		return 0
	}
	a, b := g.Start(from), g.Start(to)
	switch g {
	case Weekly:
		return a.DaysUntil(b)/7 + 1
	case Monthly:
		ay, am, _ := a.Date()
		by, bm, _ := b.Date()
		return (by-ay)*12 + int(bm-am) + 1
	}
	return a.DaysUntil(b) + 1
}

// DefaultWindow is the number of periods the moving average spans by default: a week of
// days, four weeks, or a quarter of months.
func (g Granularity) DefaultWindow() int {
	switch g {
	case Weekly:
		return 4
	case Monthly:
		return 3
	}
	return 7
}

// Before returns the start of the period n periods before the one starting at start.
func (g Granularity) Before(start Day, n int) Day {
	switch g {
	case Weekly:
		return start.AddDays(-7 * n)
	case Monthly:
		return start.AddMonths(-n)
	}
	return start.AddDays(-n)
}

// Today returns the clinic's current day for the instant now.
func Today(now time.Time, loc *time.Location) Day {
	return DayIn(now, loc)
}
