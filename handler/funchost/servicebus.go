package funchost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Message is a decoded Service Bus trigger invocation (contract §2.8), one message at a
// time, for a binding without `dataType` (the body arrives as double-encoded text).
//
// Leakage: when the body is a JSON object the host copies its top-level non-array
// properties into Metadata, overwriting same-named keys without regard to case
// (contract §2.3). Metadata is therefore trusted only for keys the body does not also
// carry. A system property the body shadows is left empty here and its name is listed
// in Shadowed. In particular MessageID is the broker's message id only when the body has
// no top-level "MessageId"; otherwise MessageID is "" and consumers must take their
// idempotency key from the body (our events carry their own id), never from the
// shadowed metadata value, which is the body's.
type Message struct {
	// Body is the message body as text (JSON text for JSON bodies).
	Body string
	// JSON is Body when it is a JSON object or array, else nil.
	JSON json.RawMessage

	MessageID      string
	CorrelationID  string
	ContentType    string
	Subject        string
	SessionID      string
	DeliveryCount  int
	SequenceNumber int64
	// EnqueuedTime is read from EnqueuedTime (with offset) and falls back to the
	// zoneless EnqueuedTimeUtc, read as UTC.
	EnqueuedTime time.Time
	ExpiresAt    time.Time
	// ApplicationProperties are the sender's custom properties.
	ApplicationProperties map[string]any
	// Shadowed lists the Metadata keys that the body overwrote and that were ignored.
	Shadowed []string
}

// DecodeServiceBus decodes the Service Bus binding called name.
func (r *Request) DecodeServiceBus(name string) (Message, error) {
	var m Message
	raw, ok := r.DataValue(name)
	if !ok {
		return m, fmt.Errorf("decode message %s: %w", name, ErrMissing)
	}
	body, err := DecodeText(raw)
	if err != nil {
		return m, fmt.Errorf("decode message %s: %w", name, err)
	}
	m.Body = body
	shadow := map[string]bool{}
	if trimmed := bytes.TrimSpace([]byte(body)); json.Valid(trimmed) && len(trimmed) > 0 &&
		(trimmed[0] == '{' || trimmed[0] == '[') {
		m.JSON = trimmed
		shadow = bodyKeys(trimmed)
	}

	if err := r.decodeMessageMeta(&m, shadow); err != nil {
		return m, fmt.Errorf("decode message %s: %w", name, err)
	}
	return m, nil
}

// bodyKeys returns, lower-cased, the top-level keys the host copies into Metadata.
func bodyKeys(doc json.RawMessage) map[string]bool {
	keys := map[string]bool{}
	var obj map[string]json.RawMessage
	if json.Unmarshal(doc, &obj) != nil {
		return keys
	}
	for k, v := range obj {
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] != '[' {
			keys[strings.ToLower(k)] = true
		}
	}
	return keys
}

func (r *Request) decodeMessageMeta(m *Message, shadow map[string]bool) error {
	text := func(key string, dst *string) error {
		if shadow[strings.ToLower(key)] {
			m.Shadowed = append(m.Shadowed, key)
			return nil
		}
		v, _, err := r.MetaText(key)
		*dst = v
		return err
	}
	var delivery, sequence, enqueued, enqueuedUTC, expires, expiresUTC string
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"MessageId", &m.MessageID}, {"CorrelationId", &m.CorrelationID},
		{"ContentType", &m.ContentType}, {"Subject", &m.Subject},
		{"SessionId", &m.SessionID}, {"DeliveryCount", &delivery},
		{"SequenceNumber", &sequence}, {"EnqueuedTime", &enqueued},
		{"EnqueuedTimeUtc", &enqueuedUTC}, {"ExpiresAt", &expires},
		{"ExpiresAtUtc", &expiresUTC},
	} {
		if err := text(f.key, f.dst); err != nil {
			return err
		}
	}
	if m.Subject == "" && !shadow["label"] {
		m.Subject, _, _ = r.MetaText("Label")
	}

	var err error
	if m.DeliveryCount, err = atoiOrZero(delivery); err != nil {
		return fmt.Errorf("delivery count: %w", err)
	}
	if m.SequenceNumber, err = atoi64OrZero(sequence); err != nil {
		return fmt.Errorf("sequence number: %w", err)
	}
	if m.EnqueuedTime, err = firstTime(enqueued, enqueuedUTC); err != nil {
		return fmt.Errorf("enqueued time: %w", err)
	}
	if m.ExpiresAt, err = firstTime(expires, expiresUTC); err != nil {
		return fmt.Errorf("expires at: %w", err)
	}
	return r.decodeAppProps(m, shadow)
}

func (r *Request) decodeAppProps(m *Message, shadow map[string]bool) error {
	for _, key := range []string{"ApplicationProperties", "UserProperties"} {
		raw, ok := r.Meta(key)
		if !ok || isNull(raw) || shadow[strings.ToLower(key)] {
			continue
		}
		obj, err := objectJSON(raw)
		if err != nil {
			return fmt.Errorf("metadata %s: %w", key, err)
		}
		props := map[string]any{}
		if err := json.Unmarshal(obj, &props); err != nil {
			return fmt.Errorf("metadata %s: %w: %w", key, ErrMalformed, err)
		}
		m.ApplicationProperties = props
		return nil
	}
	return nil
}

func firstTime(values ...string) (time.Time, error) {
	for _, v := range values {
		if v != "" {
			return ParseTime(v)
		}
	}
	return time.Time{}, nil
}

func atoiOrZero(s string) (int, error) {
	n, err := atoi64OrZero(s)
	return int(n), err
}

func atoi64OrZero(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return n, nil
}
