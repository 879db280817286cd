package main

import (
	"testing"
	"time"
)

func TestLoadAnalyticsConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		bad  []string
		want func(AnalyticsConfig) bool
	}{
		{"Defaults", map[string]string{}, nil, func(c AnalyticsConfig) bool {
			return !c.ServiceBus.Enabled() && c.ServiceBus.Queue == "pt-events" &&
				c.RollupWindow == 7 && c.NudgeTimeout == time.Second &&
				c.Retention.UploadGrace == 24*time.Hour &&
				c.Retention.Events == 30*24*time.Hour && c.EventSource == "/patient-tracker"
		}},
		{"Namespace", map[string]string{
			"ServiceBusConnection__fullyQualifiedNamespace": "clinic.servicebus.windows.net",
			"PT_EVENTS_QUEUE": "events", "PT_ROLLUP_WINDOW_DAYS": "0"}, nil,
			func(c AnalyticsConfig) bool {
				return c.ServiceBus.Enabled() && c.ServiceBus.Queue == "events" &&
					c.RollupWindow == 0
			}},
		{"BothConnections", map[string]string{"ServiceBusConnection": "Endpoint=sb://x/",
			"ServiceBusConnection__fullyQualifiedNamespace": "x.servicebus.windows.net"},
			[]string{"ServiceBusConnection"}, nil},
		{"LocalZone", map[string]string{"PT_CLINIC_TIMEZONE": "Local"},
			[]string{"PT_CLINIC_TIMEZONE"}, nil},
		{"BadNumbers", map[string]string{"PT_ROLLUP_WINDOW_DAYS": "-1",
			"PT_EVENTS_RETENTION_DAYS": "x"},
			[]string{"PT_ROLLUP_WINDOW_DAYS", "PT_EVENTS_RETENTION_DAYS"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var bad []string
			c := loadAnalyticsConfig(func(k string) string { return tt.env[k] },
				func(name, _ string) { bad = append(bad, name) })
			if len(bad) != len(tt.bad) {
				t.Fatalf("bad settings %v, want %v", bad, tt.bad)
			}
			for i := range bad {
				if bad[i] != tt.bad[i] {
					t.Fatalf("bad settings %v, want %v", bad, tt.bad)
				}
			}
			if tt.want != nil && !tt.want(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}
