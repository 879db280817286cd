package patient

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"2024-02-29", "2024-02-29"},
		{"1990-01-01", "1990-01-01"},
		{"0000-01-01", "0000-01-01"}, // parses; the range check is Validate's
		{"2023-02-29", ""},
		{"2024-02-30", ""},
		{"2026-11-31", ""},
		{"2024-01-05T00:00:00Z", ""},
		{"05/01/2024", ""},
		{"2024-1-5", ""},
		{"19900101", ""},
		{" 2024-01-05", ""},
		{"+2024-01-05", ""},
		{"2024-13-01", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, ok := ParseDate(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("ParseDate(%q) = %v, want refused", tt.in, d)
		case tt.want != "" && (!ok || d.String() != tt.want):
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, d, ok, tt.want)
		}
	}
}

// TestDateOf_NoZoneShift is BL-03's rule at the unit level: a date is the calendar day of
// the instant in its own location, never shifted through the process's zone.
func TestDateOf_NoZoneShift(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Pacific/Kiritimati", "America/Adak", "Asia/Tokyo",
		"America/Los_Angeles"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatalf("load %s: %v", zone, err)
		}
		d := DateOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
		if d.String() != "1990-01-01" {
			t.Errorf("DateOf(UTC midnight) = %v", d)
		}
		if got := DateOf(time.Date(1990, 1, 1, 0, 0, 0, 0, loc)); got.String() != "1990-01-01" {
			t.Errorf("%s: DateOf = %v", zone, got)
		}
	}
}

func TestDate_AgeOnAndOrder(t *testing.T) {
	t.Parallel()
	birth, _ := ParseDate("1990-01-01")
	on, _ := ParseDate("2024-12-31")
	if got := birth.AgeOn(on); got != 34 {
		t.Errorf("age on 2024-12-31 = %d, want 34", got)
	}
	leap, _ := ParseDate("2024-02-29")
	for day, want := range map[string]int{"2025-02-28": 0, "2025-03-01": 1, "2028-02-29": 4} {
		d, _ := ParseDate(day)
		if got := leap.AgeOn(d); got != want {
			t.Errorf("age of 2024-02-29 on %s = %d, want %d", day, got, want)
		}
	}
	if !birth.Before(on) || on.Before(birth) || birth.Before(birth) {
		t.Error("Before is not a strict order")
	}
	b, _ := birth.MarshalJSON()
	if string(b) != `"1990-01-01"` {
		t.Errorf("MarshalJSON = %s", b)
	}
}
