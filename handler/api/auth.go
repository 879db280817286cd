package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/staff"
)

// principalHeader is the header Static Web Apps sets on requests it forwards to the
// linked backend. SWA replaces any value a client sends.
const principalHeader = "X-Ms-Client-Principal"

// maxPrincipalLen bounds what is decoded: nothing past 4 KB is read.
const maxPrincipalLen = 4096

// swaPrincipal is Static Web Apps' principal, and only that shape: App Service's
// (auth_typ, name_typ, ...) means something else signed the caller in, and is refused.
type swaPrincipal struct {
	IdentityProvider string          `json:"identityProvider"`
	UserID           string          `json:"userId"`
	UserDetails      string          `json:"userDetails"`
	UserRoles        []string        `json:"userRoles"`
	Claims           json.RawMessage `json:"claims"`
}

// caller is the signed-in staff member a request acts for.
type caller struct {
	member *staff.Member
	actor  audit.Actor
}

func unauthorized(code, title string) *httpError {
	return newHTTPError(http.StatusUnauthorized, code, title)
}

// decodePrincipal reads the principal header strictly; any fault is a 401, decided
// before any database work.
func (s *Server) decodePrincipal(r *http.Request) (staff.Principal, error) {
	raw := r.Header.Get(principalHeader)
	if raw == "" {
		return staff.Principal{}, unauthorized("unauthenticated", "Sign in first")
	}
	if len(raw) > maxPrincipalLen {
		return staff.Principal{}, unauthorized("invalid_principal", "Sign in again")
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return staff.Principal{}, unauthorized("invalid_principal", "Sign in again")
	}
	var p swaPrincipal
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return staff.Principal{}, unauthorized("invalid_principal", "Sign in again")
	}
	if patient.HasControl(p.IdentityProvider + p.UserID + p.UserDetails) {
		return staff.Principal{}, unauthorized("invalid_principal", "Sign in again")
	}
	if p.IdentityProvider == "" || p.UserID == "" || !slices.Contains(p.UserRoles, "authenticated") {
		return staff.Principal{}, unauthorized("incomplete_principal", "Sign in again")
	}
	if !slices.Contains(s.cfg.AllowedProviders, p.IdentityProvider) {
		return staff.Principal{}, unauthorized("provider_not_allowed",
			"Sign in with the clinic's account")
	}
	return staff.Principal{Provider: p.IdentityProvider, UserID: p.UserID,
		Details: p.UserDetails}, nil
}

// authenticate resolves the principal to an active staff member, auditing refusals.
func (s *Server) authenticate(r *http.Request) (*caller, error) {
	p, err := s.decodePrincipal(r)
	if err != nil {
		return nil, err
	}
	m, err := s.db.ResolveStaff(r.Context(), p)
	reason := ""
	switch {
	case apperror.IsKind(err, apperror.KindNotFound):
		reason = "unknown_user"
	case err != nil:
		return nil, err
	case !m.Active:
		reason = "user_disabled"
	}
	actor := audit.Actor{Provider: p.Provider, UserID: p.UserID, RequestID: requestID(r.Context())}
	if reason != "" {
		if m != nil {
			actor.StaffID, actor.Role = &m.ID, string(m.Role)
		}
		e := actor.Event("authz_denied", "", "", nil, audit.Denied)
		e.Reason = reason
		if err := s.db.Audit(r.Context(), e); err != nil {
			return nil, err
		}
		return nil, newHTTPError(http.StatusForbidden, "not_staff",
			"You are not an active staff member of this clinic")
	}
	actor.StaffID, actor.Role = &m.ID, string(m.Role)
	return &caller{member: m, actor: actor}, nil
}
