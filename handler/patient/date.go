package patient

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time or zone: birth dates and death dates are dates,
// never instants, so no time zone can move them.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate accepts exactly YYYY-MM-DD naming a real day.
func ParseDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool {
	return d.Year < o.Year ||
		(d.Year == o.Year && (d.Month < o.Month || (d.Month == o.Month && d.Day < o.Day)))
}

// AgeOn returns the age in whole years on the given day.
func (d Date) AgeOn(day Date) int {
	age := day.Year - d.Year
	if day.Month < d.Month || (day.Month == d.Month && day.Day < d.Day) {
		age--
	}
	return age
}

// MarshalJSON writes the date as a "YYYY-MM-DD" string.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}
