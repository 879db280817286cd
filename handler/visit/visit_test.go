package visit

import (
	"slices"
	"testing"
	"time"

	"patienttracker/handler/apperror"
	"patienttracker/handler/patient"
)

var allStatuses = []Status{Planned, Arrived, InProgress, Finished, Cancelled, EnteredInError}

func TestCanMove(t *testing.T) {
	t.Parallel()
	// allowed lists every move a clinic makes; every other pair must be refused.
	allowed := map[[2]Status]bool{
		{Planned, Arrived}: true, {Planned, InProgress}: true, {Planned, Finished}: true,
		{Planned, Cancelled}: true, {Arrived, InProgress}: true, {Arrived, Finished}: true,
		{Arrived, Cancelled}: true, {InProgress, Finished}: true, {Cancelled, Planned}: true,
	}
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := allowed[[2]Status{from, to}] || from == to ||
				(to == EnteredInError)
			if from == EnteredInError {
				want = to == EnteredInError
			}
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func faultCodes(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	ae, ok := apperror.As(err)
	if !ok || ae.Kind != apperror.KindInvalid {
		t.Fatalf("error %v is not a validation error", err)
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	slices.Sort(out)
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	birth := patient.Date{Year: 1990, Month: time.January, Day: 1}
	current := &Visit{Start: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Status: Finished}
	tests := []struct {
		name    string
		f       Fields
		current *Visit
		want    []string
	}{
		{"OK", Fields{Start: s("2026-11-30T09:00:00Z")}, nil, nil},
		{"offset", Fields{Start: s("2026-11-30T09:00:00+14:00")}, nil, nil},
		{"start required", Fields{}, nil, []string{"start:required"}},
		{"V22 impossible day", Fields{Start: s("2026-11-31T09:00:00Z")}, nil,
			[]string{"start:invalid_datetime"}},
		{"V22 date only", Fields{Start: s("2026-11-31")}, nil, []string{"start:invalid_datetime"}},
		{"no zone", Fields{Start: s("2026-11-30T09:00:00")}, nil,
			[]string{"start:invalid_datetime"}},
		{"V22 before birth", Fields{Start: s("1989-12-31T09:00:00Z")}, nil,
			[]string{"start:before_birth"}},
		{"end before start", Fields{Start: s("2026-11-30T09:00:00Z"),
			End: s("2026-11-30T08:00:00Z")}, nil, []string{"end:before_start"}},
		{"end equals start", Fields{Start: s("2026-11-30T09:00:00Z"),
			End: s("2026-11-30T09:00:00Z")}, nil, []string{"end:before_start"}},
		{"bad status", Fields{Start: s("2026-11-30T09:00:00Z"), Status: s("done")}, nil,
			[]string{"status:invalid_value"}},
		{"finished cannot reopen", Fields{Status: s("planned")}, current,
			[]string{"status:invalid_transition"}},
		{"entered in error", Fields{Status: s("entered-in-error")}, current, nil},
		{"reason control", Fields{Start: s("2026-11-30T09:00:00Z"), Reason: s("a\u0000")}, nil,
			[]string{"reason:control_char"}},
		{"V19 note kept as text", Fields{Start: s("2026-11-30T09:00:00Z"),
			Notes: s("{{7*7}} ${jndi:ldap://x.test/a} <script>alert(1)</script>")}, nil, nil},
		{"year 2101", Fields{Start: s("2101-01-01T00:00:00Z")}, nil,
			[]string{"start:out_of_range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := faultCodes(t, Validate(tt.f, tt.current, birth))
			if !slices.Equal(got, tt.want) {
				t.Errorf("faults %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApply_StoresInstantsInUTC(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	v := &Visit{}
	Fields{Start: s("2026-11-30T09:00:00+14:00"), Notes: s("<b>x</b>")}.Apply(v)
	if v.Start.Location() != time.UTC || !v.Start.Equal(time.Date(2026, 11, 29, 19, 0, 0, 0,
		time.UTC)) {
		t.Errorf("start = %v", v.Start)
	}
	if v.Notes == nil || *v.Notes != "<b>x</b>" {
		t.Errorf("notes = %v", v.Notes)
	}
}
