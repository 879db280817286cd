// Package event is the shape of the domain events Patient Tracker publishes: CloudEvents
// 1.0 in JSON (structured mode). Events carry ids only, never patient details, so a
// consumer that needs more reads it through the API with its own permissions.
package event

import (
	"encoding/json"
	"time"
)

// SpecVersion is the CloudEvents version the events follow.
const SpecVersion = "1.0"

// ContentType is the media type of an event in structured JSON mode.
const ContentType = "application/cloudevents+json; charset=utf-8"

// DefaultSource is the event source when the deployment sets none.
const DefaultSource = "/patient-tracker"

// CloudEvent is one domain event. ID is unique per event and stays the same however
// often the event is published, so consumers drop duplicates by it.
type CloudEvent struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
}

// New returns the event with the given id, type, subject (e.g. "patients/<id>"), time
// and JSON data, from source.
func New(source, id, typ, subject string, at time.Time, data json.RawMessage) CloudEvent {
	if source == "" {
		source = DefaultSource
	}
	return CloudEvent{SpecVersion: SpecVersion, ID: id, Source: source, Type: typ,
		Subject: subject, Time: at.UTC(), DataContentType: "application/json", Data: data}
}

// JSON encodes the event in structured mode.
func (e CloudEvent) JSON() ([]byte, error) {
	return json.Marshal(e)
}
