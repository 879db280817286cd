package funchost

import (
	"slices"
	"testing"
	"time"
)

func TestDecodeServiceBus(t *testing.T) {
	t.Parallel()
	enqueued := time.Date(2024, 11, 5, 14, 3, 27, 0, time.UTC)
	tests := []struct {
		name          string
		edit          func(doc map[string]any)
		wantBody      string
		wantJSON      bool
		wantMessageID string
		wantDelivery  int
		wantShadowed  []string
		wantEnqueued  time.Time
	}{
		{name: "Fixture",
			wantBody: `{"eventType":"VisitCreated","patientId":"p-1001","visitId":"v-2002"}`,
			wantJSON: true, wantMessageID: "a86eb5d9a8944417b37707babbdbce29",
			wantDelivery: 1, wantEnqueued: enqueued},
		{name: "NonJSONBody", edit: func(doc map[string]any) {
			obj(t, doc, "Data")["visitEvent"] = `"visit created: v-2002"`
			for _, k := range []string{"eventType", "patientId", "visitId"} {
				delete(obj(t, doc, "Metadata"), k)
			}
		}, wantBody: "visit created: v-2002", wantMessageID: "a86eb5d9a8944417b37707babbdbce29",
			wantDelivery: 1, wantEnqueued: enqueued},
		{name: "MessageIdOverwrittenByBody", edit: func(doc map[string]any) {
			obj(t, doc, "Data")["visitEvent"] = `"{\"MessageId\":\"body-value\",\"x\":1}"`
			obj(t, doc, "Metadata")["MessageId"] = `"body-value"`
		}, wantBody: `{"MessageId":"body-value","x":1}`, wantJSON: true,
			wantDelivery: 1, wantShadowed: []string{"MessageId"}, wantEnqueued: enqueued},
		{name: "DeliveryCountTen", edit: func(doc map[string]any) {
			obj(t, doc, "Metadata")["DeliveryCount"] = "10"
		}, wantBody: `{"eventType":"VisitCreated","patientId":"p-1001","visitId":"v-2002"}`,
			wantJSON: true, wantMessageID: "a86eb5d9a8944417b37707babbdbce29",
			wantDelivery: 10, wantEnqueued: enqueued},
		{name: "OnlyEnqueuedTimeUtc", edit: func(doc map[string]any) {
			delete(obj(t, doc, "Metadata"), "EnqueuedTime")
			obj(t, doc, "Metadata")["EnqueuedTimeUtc"] = "2024-11-05T14:03:28"
		}, wantBody: `{"eventType":"VisitCreated","patientId":"p-1001","visitId":"v-2002"}`,
			wantJSON: true, wantMessageID: "a86eb5d9a8944417b37707babbdbce29",
			wantDelivery: 1, wantEnqueued: enqueued.Add(time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := fixtureRequest(t, "servicebus.request.json", tc.edit)
			m, err := req.DecodeServiceBus("visitEvent")
			if err != nil {
				t.Fatalf("DecodeServiceBus: %v", err)
			}
			if m.Body != tc.wantBody || (m.JSON != nil) != tc.wantJSON {
				t.Errorf("Body = %q (JSON %v), want %q (JSON %v)", m.Body, m.JSON != nil,
					tc.wantBody, tc.wantJSON)
			}
			if m.MessageID != tc.wantMessageID || m.DeliveryCount != tc.wantDelivery {
				t.Errorf("MessageID %q DeliveryCount %d, want %q %d", m.MessageID,
					m.DeliveryCount, tc.wantMessageID, tc.wantDelivery)
			}
			if !slices.Equal(m.Shadowed, tc.wantShadowed) {
				t.Errorf("Shadowed = %v, want %v", m.Shadowed, tc.wantShadowed)
			}
			if !m.EnqueuedTime.Equal(tc.wantEnqueued) {
				t.Errorf("EnqueuedTime = %v, want %v", m.EnqueuedTime, tc.wantEnqueued)
			}
		})
	}
}

func TestDecodeServiceBusFixtureDetails(t *testing.T) {
	t.Parallel()
	req := fixtureRequest(t, "servicebus.request.json", nil)
	m, err := req.DecodeServiceBus("visitEvent")
	if err != nil {
		t.Fatal(err)
	}
	if m.SequenceNumber != 42 || m.CorrelationID != "req-627e0335" ||
		m.ContentType != "application/json" {
		t.Errorf("message = %+v", m)
	}
	if !m.ExpiresAt.Equal(time.Date(2024, 11, 19, 14, 3, 27, 0, time.UTC)) {
		t.Errorf("ExpiresAt = %v", m.ExpiresAt)
	}
	if m.ApplicationProperties["source"] != "api" ||
		m.ApplicationProperties["schemaVersion"] != float64(2) {
		t.Errorf("ApplicationProperties = %v", m.ApplicationProperties)
	}
}
