package audit

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
)

// chain returns n sealed events, as the database would hold them.
func chain(n int) []Event {
	staffID := uuid.New()
	actor := Actor{StaffID: &staffID, Provider: "aad", UserID: "u-clin", Role: "clinician",
		RequestID: "req"}
	prev := GenesisHash
	out := make([]Event, n)
	for i := range out {
		pid := uuid.New()
		e := actor.Event("patient.read", "patient", pid.String(), &pid, Allowed)
		e.Seq = int64(i + 1)
		e.At = time.Date(2026, 11, 30, 15, 0, i, 123456789, time.UTC)
		e.Detail = json.RawMessage(`{"shape":"name","count":2}`)
		e.Seal(prev)
		prev = e.Hash
		out[i] = *e
	}
	return out
}

func verify(events []Event) *Finding {
	v := NewVerifier()
	for _, e := range events {
		if f := v.Check(e); f != nil {
			return f
		}
	}
	return nil
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func([]Event) []Event
		want   *Finding
	}{
		{"OK", func(e []Event) []Event { return e }, nil},
		{"edited reason", func(e []Event) []Event { e[2].Reason = "x"; return e },
			&Finding{Seq: 3, Reason: "edited"}},
		{"edited outcome", func(e []Event) []Event { e[0].Outcome = Denied; return e },
			&Finding{Seq: 1, Reason: "edited"}},
		{"edited time", func(e []Event) []Event { e[4].At = e[4].At.Add(time.Second); return e },
			&Finding{Seq: 5, Reason: "edited"}},
		{"edited patient", func(e []Event) []Event { e[1].PatientID = nil; return e },
			&Finding{Seq: 2, Reason: "edited"}},
		{"removed row", func(e []Event) []Event { return append(e[:3], e[4:]...) },
			&Finding{Seq: 5, Reason: "removed_before"}},
		{"removed first row", func(e []Event) []Event { return e[1:] },
			&Finding{Seq: 2, Reason: "removed_before"}},
		{"swapped rows", func(e []Event) []Event { e[1], e[2] = e[2], e[1]; return e },
			&Finding{Seq: 3, Reason: "removed_before"}},
		{"rehashed edit", func(e []Event) []Event {
			// Someone who edits a row and fixes its own hash still breaks the next link.
			e[2].Reason = "x"
			e[2].Seal(e[2].PrevHash)
			return e
		}, &Finding{Seq: 4, Reason: "removed_before"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := verify(tt.tamper(chain(6)))
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("finding %+v, want none", *got)
			case tt.want != nil && (got == nil || *got != *tt.want):
				t.Errorf("finding %+v, want %+v", got, *tt.want)
			}
		})
	}
}

// TestChainHash_StableAcrossStorage: the database reorders jsonb keys and keeps
// microseconds in UTC; neither may break the chain.
func TestChainHash_StableAcrossStorage(t *testing.T) {
	t.Parallel()
	e := chain(1)[0]
	stored := e
	stored.Detail = json.RawMessage(`{"count": 2, "shape": "name"}`)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	stored.At = e.At.Truncate(time.Microsecond).In(tokyo)
	if f := verify([]Event{stored}); f != nil {
		t.Errorf("stored form fails verification: %+v", *f)
	}
}

func TestSystemActor(t *testing.T) {
	t.Parallel()
	e := System("Cleanup", "inv-1").Event("cleanup.run", "", "", nil, Allowed)
	if e.ActorProv != "system" || e.ActorUserID != "Cleanup" || e.RequestID != "inv-1" ||
		e.ActorStaffID != nil || e.ID == uuid.Nil {
		t.Errorf("system event = %+v", e)
	}
}
