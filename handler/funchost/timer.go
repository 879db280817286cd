package funchost

import (
	"encoding/json"
	"fmt"
)

// TimerInfo is Data.<name> of a timer trigger (contract §2.7).
type TimerInfo struct {
	// Schedule carries no CRON text; AdjustForDST is true for CRON schedules.
	Schedule TimerSchedule `json:"Schedule"`
	// ScheduleStatus is nil when the trigger runs without its monitor (useMonitor false).
	ScheduleStatus *ScheduleStatus `json:"ScheduleStatus"`
	// IsPastDue is true on the single catch-up run after missed occurrences.
	IsPastDue bool `json:"IsPastDue"`
}

// TimerSchedule is TimerInfo.Schedule.
type TimerSchedule struct {
	AdjustForDST bool `json:"AdjustForDST"`
}

// ScheduleStatus is the monitor's record: Next is, in effect, the occurrence now running
// and Last the one before it. Last and LastUpdated are zero before the first run.
type ScheduleStatus struct {
	Last        Time `json:"Last"`
	Next        Time `json:"Next"`
	LastUpdated Time `json:"LastUpdated"`
}

// DecodeTimer decodes the timer binding called name. It accepts the value as an object
// or as JSON text inside a string.
func (r *Request) DecodeTimer(name string) (TimerInfo, error) {
	var info TimerInfo
	raw, ok := r.DataValue(name)
	if !ok {
		return info, fmt.Errorf("decode timer %s: %w", name, ErrMissing)
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return info, fmt.Errorf("decode timer %s: %w", name, err)
	}
	if err := json.Unmarshal(obj, &info); err != nil {
		return info, fmt.Errorf("decode timer %s: %w: %w", name, ErrMalformed, err)
	}
	return info, nil
}
