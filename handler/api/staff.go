package api

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/staff"
)

// meResponse tells the signed-in person who they are and what they may do.
type meResponse struct {
	StaffID     uuid.UUID          `json:"staffId"`
	Email       string             `json:"email"`
	DisplayName string             `json:"displayName"`
	Role        staff.Role         `json:"role"`
	Permissions []staff.Permission `json:"permissions"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, c *caller) error {
	m := c.member
	writeJSON(w, http.StatusOK, meResponse{StaffID: m.ID, Email: m.Email,
		DisplayName: m.DisplayName, Role: m.Role, Permissions: m.Role.Permissions()})
	return nil
}

// staffList is the list of staff members.
type staffList struct {
	Items []staff.Member `json:"items"`
}

func (s *Server) handleListStaff(w http.ResponseWriter, r *http.Request, c *caller) error {
	items, err := s.db.ListStaff(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, staffList{Items: items})
	return nil
}

func (s *Server) handleGetStaff(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return apperror.NotFound()
	}
	m, err := s.db.FindStaff(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) handleCreateStaff(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f staff.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	faults := patient.Struct(f)
	for name, v := range map[string]*string{"email": f.Email, "displayName": f.DisplayName,
		"role": f.Role} {
		if v == nil {
			faults = append(faults, apperror.FieldError{Field: name, Code: "required"})
		}
	}
	if f.Active != nil {
		return badRequest("unknown_field", "New staff members are always active", "active")
	}
	if len(faults) > 0 {
		return apperror.Invalid(faults...)
	}
	m := &staff.Member{Email: strings.TrimSpace(*f.Email), DisplayName: *f.DisplayName,
		Role: staff.Role(*f.Role)}
	if err := s.db.CreateStaff(r.Context(), c.actor, m); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/staff/"+m.ID.String())
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) handleUpdateStaff(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return apperror.NotFound()
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f staff.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	if faults := patient.Struct(f); len(faults) > 0 {
		return apperror.Invalid(faults...)
	}
	if id == c.member.ID && ((f.Active != nil && !*f.Active) ||
		(f.Role != nil && *f.Role != string(staff.Admin))) {
		// An admin cannot lock themselves out; another admin must do it.
		return apperror.Conflict("self_lockout", "You cannot disable or demote yourself")
	}
	m, err := s.db.UpdateStaff(r.Context(), c.actor, id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// auditPage is one page of audit events, newest first.
type auditPage struct {
	Items      []audit.Event `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}
