package funchost

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeTimer(t *testing.T) {
	t.Parallel()
	day := func(d, h int) time.Time { return time.Date(2024, 11, d, h, 0, 0, 0, time.UTC) }
	status := func(doc map[string]any) map[string]any {
		return obj(t, doc, "Data", "timer", "ScheduleStatus")
	}
	tests := []struct {
		name string
		edit func(doc map[string]any)
		want TimerInfo
	}{
		{name: "Fixture", want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true},
			ScheduleStatus: &ScheduleStatus{Last: Time{day(4, 2)}, Next: Time{day(5, 2)},
				LastUpdated: Time{day(4, 2)}}}},
		{name: "ScheduleStatusNull",
			edit: func(doc map[string]any) { obj(t, doc, "Data", "timer")["ScheduleStatus"] = nil },
			want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true}}},
		{name: "FirstRunLast0001", edit: func(doc map[string]any) {
			status(doc)["Last"] = "0001-01-01T00:00:00+00:00"
			status(doc)["LastUpdated"] = "0001-01-01T00:00:00"
		}, want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true},
			ScheduleStatus: &ScheduleStatus{Next: Time{day(5, 2)}}}},
		{name: "IsPastDue",
			edit: func(doc map[string]any) { obj(t, doc, "Data", "timer")["IsPastDue"] = true },
			want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true}, IsPastDue: true,
				ScheduleStatus: &ScheduleStatus{Last: Time{day(4, 2)}, Next: Time{day(5, 2)},
					LastUpdated: Time{day(4, 2)}}}},
		{name: "TimesWithoutOffset", edit: func(doc map[string]any) {
			status(doc)["Last"] = "2024-11-04T02:00:00"
			status(doc)["Next"] = "2024-11-05T02:00:00"
			status(doc)["LastUpdated"] = "2024-11-04T02:00:00"
		}, want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true},
			ScheduleStatus: &ScheduleStatus{Last: Time{day(4, 2)}, Next: Time{day(5, 2)},
				LastUpdated: Time{day(4, 2)}}}},
		{name: "SevenDigitFractions", edit: func(doc map[string]any) {
			status(doc)["LastUpdated"] = "2024-11-04T02:00:00.0161803+00:00"
			status(doc)["Next"] = "2024-11-05T03:00:00.1234567+01:00"
		}, want: TimerInfo{Schedule: TimerSchedule{AdjustForDST: true},
			ScheduleStatus: &ScheduleStatus{Last: Time{day(4, 2)},
				Next:        Time{day(5, 2).Add(123456700 * time.Nanosecond)},
				LastUpdated: Time{day(4, 2).Add(16180300 * time.Nanosecond)}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := fixtureRequest(t, "timer.request.json", tc.edit)
			got, err := req.DecodeTimer("timer")
			if err != nil {
				t.Fatalf("DecodeTimer: %v", err)
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("DecodeTimer (-got +want):\n%s", diff)
			}
			sys, err := req.Sys()
			if err != nil || sys.MethodName != "VisitTrends" {
				t.Errorf("Sys() = %+v, %v; want MethodName VisitTrends", sys, err)
			}
		})
	}
}

func TestDecodeTimerErrors(t *testing.T) {
	t.Parallel()
	req := fixtureRequest(t, "timer.request.json", nil)
	if _, err := req.DecodeTimer("other"); err == nil {
		t.Error("DecodeTimer(missing binding) succeeded")
	}
	bad := fixtureRequest(t, "timer.request.json", func(doc map[string]any) {
		obj(t, doc, "Data", "timer", "ScheduleStatus")["Next"] = "soon"
	})
	if _, err := bad.DecodeTimer("timer"); err == nil {
		t.Error("DecodeTimer(bad time) succeeded")
	}
}
