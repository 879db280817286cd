package analytics

import (
	"fmt"
	"time"
)

// Day is a calendar day in the clinic's time zone, with no time and no zone of its own:
// a visit belongs to the day its start falls on in the clinic, whatever the server's TZ.
type Day struct {
	t time.Time // midnight UTC of the date, so arithmetic never meets a DST change
}

// NewDay returns the given date. Out-of-range parts are normalised as time.Date does.
func NewDay(year int, month time.Month, day int) Day {
	return Day{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DayOf returns the date of t in t's own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return NewDay(y, m, d)
}

// DayIn returns the date of the instant t in loc.
func DayIn(t time.Time, loc *time.Location) Day {
	return DayOf(t.In(loc))
}

// ParseDay accepts exactly YYYY-MM-DD naming a real day.
func ParseDay(s string) (Day, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Day{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Day{}, false
	}
	return DayOf(t), true
}

// String formats the day as YYYY-MM-DD.
func (d Day) String() string {
	y, m, dd := d.t.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// IsZero reports whether d is the zero Day.
func (d Day) IsZero() bool { return d.t.IsZero() }

// AddDays returns the day n days after d (before, for negative n).
func (d Day) AddDays(n int) Day { return Day{d.t.AddDate(0, 0, n)} }

// AddMonths returns the day n months after d, normalised as time.AddDate does.
func (d Day) AddMonths(n int) Day { return Day{d.t.AddDate(0, n, 0)} }

// Before reports whether d is before o.
func (d Day) Before(o Day) bool { return d.t.Before(o.t) }

// After reports whether d is after o.
func (d Day) After(o Day) bool { return d.t.After(o.t) }

// DaysUntil returns the number of days from d to o (negative when o is before d).
func (d Day) DaysUntil(o Day) int { return int(o.t.Sub(d.t).Hours() / 24) }

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return d.t.Weekday() }

// Date returns the year, month and day.
func (d Day) Date() (int, time.Month, int) { return d.t.Date() }

// Midnight returns the first instant of the day in loc. When midnight does not exist
// there (a DST change at 00:00), time.Date picks the instant the clocks jump to.
func (d Day) Midnight(loc *time.Location) time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// MarshalJSON writes the day as a "YYYY-MM-DD" string.
func (d Day) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// MinDay returns the earlier of a and b.
func MinDay(a, b Day) Day {
	if b.Before(a) {
		return b
	}
	return a
}

// MaxDay returns the later of a and b.
func MaxDay(a, b Day) Day {
	if b.After(a) {
		return b
	}
	return a
}
