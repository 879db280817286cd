package analytics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/analytics"
)

func day(s string) analytics.Day {
	d, ok := analytics.ParseDay(s)
	if !ok {
		panic("bad day " + s)
	}
	return d
}

func TestParseDay(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{"2024-02-29": true, "2023-02-29": false,
		"2024-2-01": false, "2024-01-01T00:00:00Z": false, "": false, "0001-01-01": true} {
		if _, got := analytics.ParseDay(in); got != ok {
			t.Errorf("ParseDay(%q) ok = %t, want %t", in, got, ok)
		}
	}
}

func TestGranularityPeriods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		g          analytics.Granularity
		d          string
		start, end string
	}{
		{"DayIsItself", analytics.Daily, "2024-03-10", "2024-03-10", "2024-03-10"},
		{"WeekStartsMonday", analytics.Weekly, "2024-03-10", "2024-03-04", "2024-03-10"},
		{"MondayIsFirst", analytics.Weekly, "2024-03-11", "2024-03-11", "2024-03-17"},
		{"WeekAcrossYears", analytics.Weekly, "2025-01-01", "2024-12-30", "2025-01-05"},
		{"LeapFebruary", analytics.Monthly, "2024-02-29", "2024-02-01", "2024-02-29"},
		{"December", analytics.Monthly, "2023-12-31", "2023-12-01", "2023-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.g.Start(day(tt.d))
			if s.String() != tt.start || tt.g.End(s).String() != tt.end {
				t.Errorf("period of %s = %s..%s, want %s..%s", tt.d, s, tt.g.End(s),
					tt.start, tt.end)
			}
		})
	}
}

func TestGranularityCount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		g        analytics.Granularity
		from, to string
		want     int
	}{
		{analytics.Daily, "2024-01-01", "2024-12-31", 366},
		{analytics.Weekly, "2024-03-10", "2024-03-11", 2},
		{analytics.Monthly, "2023-11-15", "2024-02-01", 4},
		{analytics.Monthly, "2024-02-01", "2024-01-01", 0},
	} {
		if got := tt.g.Count(day(tt.from), day(tt.to)); got != tt.want {
			t.Errorf("%s count %s..%s = %d, want %d", tt.g, tt.from, tt.to, got, tt.want)
		}
		if got := len(tt.g.Periods(day(tt.from), day(tt.to))); got != tt.want {
			t.Errorf("%s periods %s..%s = %d, want %d", tt.g, tt.from, tt.to, got, tt.want)
		}
	}
}

func TestDayInZone(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	// BL-04: 2020-01-01T00:21:58Z is still 2019-12-31 in New York.
	at := time.Date(2020, 1, 1, 0, 21, 58, 0, time.UTC)
	if got := analytics.DayIn(at, ny).String(); got != "2019-12-31" {
		t.Errorf("DayIn = %s, want 2019-12-31", got)
	}
	if got := analytics.DayIn(at, time.UTC).String(); got != "2020-01-01" {
		t.Errorf("DayIn UTC = %s", got)
	}
}

func TestPlanRollup(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	today := day("2023-10-27")
	tests := []struct {
		name   string
		state  analytics.RollupState
		window int
		from   string
		full   bool
		empty  bool
	}{
		{"FirstRunFillsFromFirstVisit", analytics.RollupState{FirstVisit: day("1968-01-20")},
			7, "1968-01-20", true, false},
		{"FirstRunWithoutVisits", analytics.RollupState{}, 7, "", true, true},
		{"BL08MissedDaysAndWindow", analytics.RollupState{CompletedThrough: day("2023-10-20"),
			TimeZone: ny.String(), FirstVisit: day("1968-01-20")}, 7, "2023-10-20", false, false},
		{"MissedDaysBeyondWindow", analytics.RollupState{CompletedThrough: day("2023-09-01"),
			TimeZone: ny.String(), FirstVisit: day("1968-01-20")}, 7, "2023-09-02", false, false},
		{"BackdatedChange", analytics.RollupState{CompletedThrough: day("2023-10-26"),
			TimeZone: ny.String(), DirtyFrom: day("2019-05-05"), FirstVisit: day("1968-01-20")},
			7, "2019-05-05", false, false},
		{"WindowNotBeforeFirstVisit", analytics.RollupState{CompletedThrough: day("2023-10-26"),
			TimeZone: ny.String(), FirstVisit: day("2023-10-25")}, 7, "2023-10-25", false, false},
		{"NewZoneRebuilds", analytics.RollupState{CompletedThrough: day("2023-10-26"),
			TimeZone: "UTC", FirstVisit: day("2020-01-01")}, 7, "2020-01-01", true, false},
		{"NoWindowNothingToDo", analytics.RollupState{CompletedThrough: day("2023-10-26"),
			TimeZone: ny.String(), FirstVisit: day("2020-01-01")}, 0, "2023-10-27", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := analytics.PlanRollup(tt.state, today, ny, tt.window)
			if p.Through.String() != "2023-10-26" || p.Full != tt.full || p.Empty() != tt.empty {
				t.Fatalf("plan = %+v (from %s through %s)", p, p.From, p.Through)
			}
			if !tt.empty && p.From.String() != tt.from {
				t.Errorf("from = %s, want %s", p.From, tt.from)
			}
		})
	}
}

func TestPeriodsToStore(t *testing.T) {
	t.Parallel()
	p := analytics.RollupPlan{From: day("2023-10-20"), Through: day("2023-10-29")}
	for g, want := range map[analytics.Granularity][2]string{
		analytics.Daily:  {"2023-10-20", "2023-10-29"},
		analytics.Weekly: {"2023-10-16", "2023-10-23"}, // the week of 10-30 is not over
	} {
		first, last, ok := p.PeriodsToStore(g)
		if !ok || first.String() != want[0] || last.String() != want[1] {
			t.Errorf("%s: %s..%s %t, want %v", g, first, last, ok, want)
		}
	}
	if _, _, ok := p.PeriodsToStore(analytics.Monthly); ok {
		t.Error("October is not over on 2023-10-29, but a month was planned")
	}

	// An ordinary night: the window redoes a week of days, but weeks are redone only
	// where something is new or changed.
	ny, _ := time.LoadLocation("America/New_York")
	night := analytics.PlanRollup(analytics.RollupState{CompletedThrough: day("2024-03-13"),
		TimeZone: ny.String(), FirstVisit: day("2020-01-01")}, day("2024-03-15"), ny, 7)
	if night.From.String() != "2024-03-08" || night.ChangedFrom.String() != "2024-03-14" {
		t.Fatalf("night plan = %s / %s", night.From, night.ChangedFrom)
	}
	if _, _, ok := night.PeriodsToStore(analytics.Weekly); ok {
		t.Error("a week was redone although none ended or changed")
	}
	sunday := analytics.PlanRollup(analytics.RollupState{CompletedThrough: day("2024-03-16"),
		TimeZone: ny.String(), FirstVisit: day("2020-01-01")}, day("2024-03-18"), ny, 7)
	if first, last, ok := sunday.PeriodsToStore(analytics.Weekly); !ok ||
		first.String() != "2024-03-11" || last != first {
		t.Errorf("the week ending 2024-03-17 was not redone: %s..%s %t", first, last, ok)
	}
}

func TestMovingAverage(t *testing.T) {
	t.Parallel()
	got := analytics.MovingAverage([]float64{3, 0, 6, 3, 9}, 3)
	want := []float64{3, 1.5, 3, 3, 6}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("moving average (-got +want):\n%s", diff)
	}
}

func TestCountAges(t *testing.T) {
	t.Parallel()
	bands, unknown := analytics.CountAges(map[int]int{0: 2, 4: 1, 5: 1, 17: 1, 18: 3,
		79: 1, 80: 2, 104: 1, -1: 1})
	got := map[string]int{}
	for _, b := range bands {
		got[b.Label] = b.Patients
	}
	want := map[string]int{"0-4": 3, "5-17": 2, "18-34": 3, "35-49": 0, "50-64": 0,
		"65-79": 1, "80+": 3}
	if diff := cmp.Diff(got, want); diff != "" || unknown != 1 {
		t.Errorf("bands (-got +want):\n%s unknown %d", diff, unknown)
	}
}

func TestBuildTrend(t *testing.T) {
	t.Parallel()
	figs := map[analytics.Day]analytics.Figures{
		day("2024-03-02"): {Visits: 6},
		day("2024-03-04"): {Visits: 2, UniquePatients: 2, NewPatients: 1,
			ByStatus: map[string]int{"finished": 2, "cancelled": 1},
			ByReason: []analytics.ReasonCount{{Reason: "Cough", Visits: 2}}},
		day("2024-03-05"): {Visits: 1, UniquePatients: 1, ByStatus: map[string]int{"planned": 1},
			ByReason: []analytics.ReasonCount{{Reason: "Cough", Visits: 1}}},
	}
	tr := analytics.BuildTrend(analytics.Daily, day("2024-03-04"), day("2024-03-05"), figs, 3)
	if len(tr.Points) != 2 || tr.Points[0].MovingAverage != 2.67 ||
		tr.Points[1].MovingAverage != 1 || tr.Points[0].ReturningPatients != 1 {
		t.Errorf("points = %+v", tr.Points)
	}
	if tr.Totals.Visits != 3 || tr.Totals.ByStatus["finished"] != 2 ||
		len(tr.TopReasons) != 1 || tr.TopReasons[0].Visits != 3 {
		t.Errorf("totals %+v, top %+v", tr.Totals, tr.TopReasons)
	}
}
