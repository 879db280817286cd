package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/staff"
	"patienttracker/handler/visit"
)

// visitPage is one page of a patient's visits.
type visitPage struct {
	Items      []visit.Visit `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}

func (s *Server) handleListVisits(w http.ResponseWriter, r *http.Request, c *caller) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	p, err := s.readPatient(r, c, "visit.list")
	if err != nil {
		return err
	}
	items, next, err := s.db.ListVisits(r.Context(), p.ID, after, limit)
	if err != nil {
		return err
	}
	for i := range items {
		redactVisit(c, &items[i])
	}
	out := visitPage{Items: items}
	if next != nil {
		b, _ := json.Marshal([]string{next.Start.Format(time.RFC3339Nano), next.ID.String()})
		cur := base64.RawURLEncoding.EncodeToString(b)
		out.NextCursor = &cur
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// pageParams reads limit and cursor from the query of a list route.
func pageParams(r *http.Request) (int, *postgres.VisitCursor, error) {
	q := r.URL.Query()
	var limit *int
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, nil, badRequest("invalid_limit", "The limit must be a number", "limit")
		}
		limit = &n
	}
	cur := q.Get("cursor")
	if cur == "" {
		return patient.ClampLimit(limit), nil, nil
	}
	bad := badRequest("invalid_cursor", "The cursor is not one this API issued", "cursor")
	b, err := base64.RawURLEncoding.DecodeString(cur)
	var parts []string
	if err != nil || json.Unmarshal(b, &parts) != nil || len(parts) != 2 {
		return 0, nil, bad
	}
	start, err1 := time.Parse(time.RFC3339Nano, parts[0])
	id, err2 := uuid.Parse(parts[1])
	if err1 != nil || err2 != nil {
		return 0, nil, bad
	}
	return patient.ClampLimit(limit), &postgres.VisitCursor{Start: start, ID: id}, nil
}

// redactVisit removes what the caller's role may not read.
func redactVisit(c *caller, v *visit.Visit) {
	if !c.member.Role.Can(staff.ReadVisitNotes) {
		v.Notes = nil
	}
}

func (s *Server) handleCreateVisit(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f visit.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	if err := s.checkNotesAllowed(r, c, f, "patient"); err != nil {
		return err
	}
	// The create's own audit row is written with it; only a refusal is audited here.
	p, err := s.findPatient(r, c, "visit.create")
	if err != nil {
		return err
	}
	if err := visit.Validate(f, nil, p.BirthDate); err != nil {
		return err
	}
	v := &visit.Visit{PatientID: p.ID, Status: visit.Planned}
	f.Apply(v)
	if err := s.db.CreateVisit(r.Context(), c.actor, v); err != nil {
		return s.auditRefusal(r, c, "visit.create", "patient", p.ID.String(), &p.ID, err)
	}
	redactVisit(c, v)
	w.Header().Set("Location", "/api/visits/"+v.ID.String())
	w.Header().Set("ETag", etag(v.Version))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// checkNotesAllowed refuses, and audits, a notes field from a role that may not read
// notes. Like every role refusal it is decided before any lookup of the object.
func (s *Server) checkNotesAllowed(r *http.Request, c *caller, f visit.Fields,
	objectType string) error {
	if f.Notes == nil || c.member.Role.Can(staff.ReadVisitNotes) {
		return nil
	}
	e := c.actor.Event("authz_denied", objectType, r.PathValue("id"), nil, audit.Denied)
	e.Reason = "role:" + string(c.member.Role) + " field notes"
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	return newHTTPError(http.StatusForbidden, "forbidden_field",
		"Your role may not write visit notes")
}

func (s *Server) handleGetVisit(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.readVisit(r, c)
	if err != nil {
		return err
	}
	redactVisit(c, v)
	w.Header().Set("ETag", etag(v.Version))
	writeJSON(w, http.StatusOK, v)
	return nil
}

// findVisit loads the visit named in the path (see findByPathID).
func (s *Server) findVisit(r *http.Request, c *caller, action string) (*visit.Visit, error) {
	return findByPathID(s, r, c, action, "visit", s.db.FindVisit)
}

// readVisit is findVisit for a read: the read itself is audited.
func (s *Server) readVisit(r *http.Request, c *caller) (*visit.Visit, error) {
	v, err := s.findVisit(r, c, "visit.read")
	if err != nil {
		return nil, err
	}
	e := c.actor.Event("visit.read", "visit", v.ID.String(), &v.PatientID, audit.Allowed)
	if err := s.db.Audit(r.Context(), e); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) handleUpdateVisit(w http.ResponseWriter, r *http.Request, c *caller) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f visit.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	if err := s.checkNotesAllowed(r, c, f, "visit"); err != nil {
		return err
	}
	current, err := s.findVisit(r, c, "visit.update")
	if err != nil {
		return err
	}
	p, err := s.db.FindPatient(r.Context(), current.PatientID)
	if err != nil {
		return err
	}
	v, err := s.db.UpdateVisit(r.Context(), c.actor, current.ID, version,
		func(v *visit.Visit) error {
			if err := visit.Validate(f, v, p.BirthDate); err != nil {
				return err
			}
			f.Apply(v)
			return nil
		})
	if err != nil {
		return s.auditRefusal(r, c, "visit.update", "visit", current.ID.String(),
			&current.PatientID, err)
	}
	redactVisit(c, v)
	w.Header().Set("ETag", etag(v.Version))
	writeJSON(w, http.StatusOK, v)
	return nil
}
