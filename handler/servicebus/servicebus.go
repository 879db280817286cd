// Package servicebus publishes Patient Tracker's domain events to an Azure Service Bus
// queue with azservicebus. Each event is one message in CloudEvents structured JSON; its
// message id is the event id, so the queue's duplicate detection and any consumer can
// drop an event published twice (the relay publishes at least once). It connects by
// namespace with a managed identity (azidentity) in Azure, or by connection string.
package servicebus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"patienttracker/handler/event"
)

// Config says how to reach the events queue. Set ConnectionString, or Namespace for
// an identity-based connection; with neither, events stay in the outbox.
type Config struct {
	// ConnectionString is ServiceBusConnection (a secret; never logged).
	ConnectionString string
	// Namespace is ServiceBusConnection__fullyQualifiedNamespace, e.g.
	// "clinic.servicebus.windows.net".
	Namespace string
	// ClientID is ServiceBusConnection__clientId: a user-assigned managed identity.
	// Empty uses the default credential chain (the system-assigned identity in Azure).
	ClientID string
	// Queue is the queue events go to (PT_EVENTS_QUEUE).
	Queue string
	// MaxRetries is how often the SDK retries a failed operation within one publish;
	// negative means no retry (the relay's next run is the retry). Zero is the SDK's 3.
	MaxRetries int32
}

// Enabled reports whether a Service Bus connection is configured.
func (c Config) Enabled() bool {
	return c.ConnectionString != "" || c.Namespace != ""
}

// Publisher sends events to the queue. It is safe for concurrent use.
type Publisher struct {
	client *azservicebus.Client
	sender *azservicebus.Sender
}

// Open returns a Publisher for cfg. It does not connect: the first publish does, and a
// broker that is down then fails that publish, not the start-up.
func Open(cfg Config) (*Publisher, error) {
	if !cfg.Enabled() {
		return nil, errors.New("open service bus: no connection configured")
	}
	if cfg.Queue == "" {
		return nil, errors.New("open service bus: no queue configured")
	}
	opts := &azservicebus.ClientOptions{ApplicationID: "patient-tracker",
		RetryOptions: azservicebus.RetryOptions{MaxRetries: cfg.MaxRetries,
			RetryDelay: time.Second, MaxRetryDelay: 10 * time.Second}}
	var client *azservicebus.Client
	var err error
	if cfg.ConnectionString != "" {
		client, err = azservicebus.NewClientFromConnectionString(cfg.ConnectionString, opts)
	} else {
		var cred azcore.TokenCredential
		if cred, err = credential(cfg.ClientID); err == nil {
			client, err = azservicebus.NewClient(cfg.Namespace, cred, opts)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open service bus: %w", err)
	}
	sender, err := client.NewSender(cfg.Queue, nil)
	if err != nil {
		return nil, fmt.Errorf("open service bus sender: %w", err)
	}
	return &Publisher{client: client, sender: sender}, nil
}

func credential(clientID string) (azcore.TokenCredential, error) {
	if clientID != "" {
		return azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
			ID: azidentity.ClientID(clientID)})
	}
	return azidentity.NewDefaultAzureCredential(nil)
}

// Close closes the sender and the connection.
func (p *Publisher) Close(ctx context.Context) error {
	err := p.sender.Close(ctx)
	return errors.Join(err, p.client.Close(ctx))
}

// Message returns the Service Bus message for an event: the CloudEvent as the body,
// the event id as the message id and the event type as the subject.
func Message(e event.CloudEvent) (*azservicebus.Message, error) {
	body, err := e.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	contentType, subject := event.ContentType, e.Type
	id := e.ID
	return &azservicebus.Message{MessageID: &id, ContentType: &contentType,
		Subject: &subject, Body: body}, nil
}

// Publish sends events in order, as few batches as the broker's size limit allows, and
// returns how many of them, from the first on, the broker accepted. An error means the
// rest were not accepted (they may still have been, if the answer was lost: the relay
// publishes them again under the same ids).
func (p *Publisher) Publish(ctx context.Context, events []event.CloudEvent) (int, error) {
	accepted := 0
	for accepted < len(events) {
		batch, err := p.sender.NewMessageBatch(ctx, nil)
		if err != nil {
			return accepted, fmt.Errorf("new message batch: %w", err)
		}
		n, err := fill(batch, events[accepted:])
		if err != nil {
			return accepted, err
		}
		if err := p.sender.SendMessageBatch(ctx, batch, nil); err != nil {
			return accepted, fmt.Errorf("send message batch: %w", err)
		}
		accepted += n
	}
	return accepted, nil
}

// fill adds events to batch until it is full and returns how many it took.
func fill(batch *azservicebus.MessageBatch, events []event.CloudEvent) (int, error) {
	for i, e := range events {
		m, err := Message(e)
		if err != nil {
			return 0, err
		}
		err = batch.AddMessage(m, nil)
		switch {
		case errors.Is(err, azservicebus.ErrMessageTooLarge) && i > 0:
			return i, nil
		case err != nil:
			return 0, fmt.Errorf("add event %s to batch: %w", e.ID, err)
		}
	}
	return len(events), nil
}
