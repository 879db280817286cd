package funchost

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// zonedLayouts and localLayouts are tried in order by ParseTime. Go's parser accepts any
// number of fractional second digits after the seconds even when the layout has none.
var (
	zonedLayouts = []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02T15:04Z07:00",
	}
	localLayouts = []string{
		"2006-01-02T15:04:05",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04",
		"2006-01-02",
	}
)

// ParseTime parses a time the host sent, leniently (contract §2.4, issues #6997 and
// #7391): with `Z` or a numeric offset, or with no zone at all (read as UTC), with 0 to
// 7 (or more) fractional digits. The result is in UTC. Year 0001 (the host's "never",
// in any offset) and the empty string give the zero time.Time, so callers test IsZero.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0001-01-01") || strings.HasPrefix(s, "0000-") {
		return time.Time{}, nil
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return normalise(t), nil
		}
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return normalise(t), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse time: %w: unrecognised layout", ErrMalformed)
}

func normalise(t time.Time) time.Time {
	if t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}

// Time is a time.Time that unmarshals from any layout [ParseTime] accepts, from JSON
// null (zero), and from a double-encoded string; it marshals in the host's nested-date
// form ([FormatTime]).
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		t.Time = time.Time{}
		return nil
	}
	s, err := DecodeText(b)
	if err != nil {
		return fmt.Errorf("decode time: %w", err)
	}
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(FormatTime(t.Time))
}

// FormatTime writes a time the way Newtonsoft.Json writes a nested DateTimeOffset (timer
// ScheduleStatus, blob Properties): seconds, then up to 7 fractional digits with
// trailing zeros dropped, then the offset as +hh:mm. The zero time is the host's
// "0001-01-01T00:00:00+00:00".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00+00:00"
	}
	t = t.Round(100 * time.Nanosecond)
	frac := strings.TrimRight(fmt.Sprintf("%07d", t.Nanosecond()/100), "0")
	if frac != "" {
		frac = "." + frac
	}
	return t.Format("2006-01-02T15:04:05") + frac + t.Format("-07:00")
}

// FormatTopLevelTime writes a top-level DateTimeOffset Metadata value as the host does
// after its culture round trip: seconds only, with the offset ("...T14:03:27+00:00").
func FormatTopLevelTime(t time.Time) string {
	return t.Format("2006-01-02T15:04:05-07:00")
}

// FormatUtcNow writes sys.UtcNow: UTC with exactly 7 fractional digits and `Z`.
func FormatUtcNow(t time.Time) string {
	return t.UTC().Round(100 * time.Nanosecond).Format("2006-01-02T15:04:05.0000000Z")
}
