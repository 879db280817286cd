package servicebus_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/event"
	"patienttracker/handler/servicebus"
)

func sample(id string) event.CloudEvent {
	return event.New("/patient-tracker", id, "org.patienttracker.visit.created",
		"visits/v-1", time.Date(2024, 11, 5, 14, 3, 27, 0, time.UTC),
		json.RawMessage(`{"visitId":"v-1","patientId":"p-1","version":1}`))
}

func TestMessage(t *testing.T) {
	t.Parallel()
	m, err := servicebus.Message(sample("0b0c6f6e-7d43-4c43-9a8e-9f2f6f0b1e11"))
	if err != nil {
		t.Fatal(err)
	}
	if *m.MessageID != "0b0c6f6e-7d43-4c43-9a8e-9f2f6f0b1e11" {
		t.Errorf("message id = %q, want the event id", *m.MessageID)
	}
	if *m.ContentType != event.ContentType || *m.Subject != "org.patienttracker.visit.created" {
		t.Errorf("content type %q, subject %q", *m.ContentType, *m.Subject)
	}
	var got map[string]any
	if err := json.Unmarshal(m.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"specversion": "1.0", "id": "0b0c6f6e-7d43-4c43-9a8e-9f2f6f0b1e11",
		"source": "/patient-tracker", "type": "org.patienttracker.visit.created",
		"subject": "visits/v-1", "time": "2024-11-05T14:03:27Z",
		"datacontenttype": "application/json",
		"data":            map[string]any{"visitId": "v-1", "patientId": "p-1", "version": 1.0}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("body (-got +want):\n%s", diff)
	}
}

func TestOpenRefusesIncompleteConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]servicebus.Config{
		"NoConnection": {Queue: "events"},
		"NoQueue":      {ConnectionString: "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=s"},
	} {
		if _, err := servicebus.Open(cfg); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}
}

// TestPublishUnreachableBroker runs the real azservicebus code up to the network: the
// emulator-style connection string points at a closed local port, so the publish fails
// and reports that nothing was accepted.
func TestPublishUnreachableBroker(t *testing.T) {
	t.Parallel()
	p, err := servicebus.Open(servicebus.Config{Queue: "events", MaxRetries: -1,
		ConnectionString: "Endpoint=sb://localhost:1;SharedAccessKeyName=k;" +
			"SharedAccessKey=s;UseDevelopmentEmulator=true"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	defer p.Close(ctx)
	n, err := p.Publish(ctx, []event.CloudEvent{sample("a"), sample("b")})
	if err == nil || n != 0 {
		t.Fatalf("publish to a closed port = %d, %v; want 0 and an error", n, err)
	}
	t.Logf("publish failed as expected: %v", err)
}

func TestOpenByNamespace(t *testing.T) {
	t.Parallel()
	p, err := servicebus.Open(servicebus.Config{Namespace: "clinic.servicebus.windows.net",
		ClientID: "00000000-0000-0000-0000-000000000001", Queue: "events"})
	if err != nil {
		t.Fatalf("open by namespace: %v", err)
	}
	_ = p.Close(context.Background())
}
