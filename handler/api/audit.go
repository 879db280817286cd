package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

func (s *Server) handleListAudit(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	var f postgres.AuditFilter
	var limit *int
	for name, dst := range map[string]**uuid.UUID{"patientId": &f.PatientID,
		"staffId": &f.StaffID} {
		if v := q.Get(name); v != "" {
			id, err := uuid.Parse(v)
			if err != nil {
				return badRequest("invalid_id", "Not a valid id", name)
			}
			*dst = &id
		}
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return badRequest("invalid_time", "Use an RFC 3339 time", name)
			}
			*dst = &t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return badRequest("invalid_limit", "The limit must be a number", "limit")
		}
		limit = &n
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return badRequest("invalid_cursor", "The cursor is not one this API issued", "cursor")
		}
		f.BeforeSeq = n
	}
	f.Limit = patient.ClampLimit(limit)

	items, err := s.db.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	e := c.actor.Event("audit.read", "", "", f.PatientID, audit.Allowed)
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	out := auditPage{Items: items}
	if items == nil {
		out.Items = []audit.Event{}
	}
	if len(items) == f.Limit {
		next := strconv.FormatInt(items[len(items)-1].Seq, 10)
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
