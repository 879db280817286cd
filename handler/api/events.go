package api

import (
	"net/http"
	"strconv"
	"time"

	"patienttracker/handler/audit"
	"patienttracker/handler/event"
	"patienttracker/handler/patient"
)

// eventItem is an outbox event as the events route shows it: the CloudEvent that is
// (or will be) published, and when it was.
type eventItem struct {
	event.CloudEvent
	PublishedAt *time.Time `json:"publishedAt"`
}

// eventPage is one page of outbox events, oldest first.
type eventPage struct {
	Items      []eventItem `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

// handleListEvents lists the outbox, oldest first (admin): with no Service Bus
// configured, this is where the domain events can be followed.
func (s *Server) handleListEvents(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := strictQuery(r, "limit", "cursor", "pending")
	if err != nil {
		return err
	}
	var limit *int
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return badRequest("invalid_limit", "The limit must be a number", "limit")
		}
		limit = &n
	}
	var after int64
	if v := q.Get("cursor"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 1 {
			return badRequest("invalid_cursor", "The cursor is not one this API issued",
				"cursor")
		}
	}
	pending := false
	if v := q.Get("pending"); v != "" {
		if pending, err = strconv.ParseBool(v); err != nil {
			return badRequest("type_mismatch", "pending must be true or false", "pending")
		}
	}
	n := patient.ClampLimit(limit)

	events, err := s.db.ListOutbox(r.Context(), after, n, pending)
	if err != nil {
		return err
	}
	if err := s.db.Audit(r.Context(), c.actor.Event("events.read", "", "", nil,
		audit.Allowed)); err != nil {
		return err
	}
	out := eventPage{Items: make([]eventItem, 0, len(events))}
	for _, e := range events {
		out.Items = append(out.Items, eventItem{CloudEvent: e.CloudEvent(
			s.analytics.cfg.EventSource), PublishedAt: e.PublishedAt})
	}
	if len(events) == n {
		next := strconv.FormatInt(events[len(events)-1].Seq, 10)
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
