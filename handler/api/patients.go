package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

// searchResponse is one page of a patient search.
type searchResponse struct {
	Items       []patient.Summary `json:"items"`
	NextCursor  *string           `json:"nextCursor"`
	Total       int               `json:"total"`
	TotalCapped bool              `json:"totalCapped"`
}

func (s *Server) handleSearchPatients(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req patient.SearchRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	search, err := patient.ParseSearch(req)
	if err != nil {
		return err
	}

	res, err := s.db.SearchPatients(r.Context(), search)
	if err != nil {
		return err
	}

	// The search is audited by its shape and result count; its terms are never stored.
	e := c.actor.Event("patient.search", "", "", nil, audit.Allowed)
	e.Detail, _ = json.Marshal(map[string]any{"shape": search.Term.Shape,
		"count": len(res.Items), "total": res.Total})
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	out := searchResponse{Items: res.Items, Total: res.Total, TotalCapped: res.TotalCapped}
	if res.Next != nil {
		next := res.Next.Encode()
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createResponse is a new patient and any patients it may duplicate.
type createResponse struct {
	*patient.Patient
	PossibleDuplicates []postgres.DuplicateRef `json:"possibleDuplicates"`
}

func (s *Server) handleCreatePatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f patient.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	if err := patient.Validate(f, true, s.today()); err != nil {
		return err
	}

	key := r.Header.Get("Idempotency-Key")
	if key != "" {
		if len(key) > 200 || patient.HasControl(key) {
			return badRequest("invalid_idempotency_key", "The Idempotency-Key is not valid",
				"Idempotency-Key")
		}
		sum := sha256.Sum256(body)
		replay, err := s.db.ClaimIdempotencyKey(r.Context(), c.member.ID, key, sum[:])
		if err != nil {
			return err
		}
		if replay != nil {
			return s.replayCreate(w, r, c, replay)
		}
	}

	p := &patient.Patient{Identifiers: []patient.Identifier{}}
	f.Apply(p)
	dups, err := s.db.CreatePatient(r.Context(), c.actor, p)
	if err != nil {
		if key != "" {
			_ = s.db.ReleaseIdempotencyKey(r.Context(), c.member.ID, key)
		}
		return err
	}
	if dups == nil {
		dups = []postgres.DuplicateRef{}
	}
	out, _ := json.Marshal(createResponse{Patient: p, PossibleDuplicates: dups})
	if key != "" {
		if err := s.db.FinishIdempotencyKey(r.Context(), c.member.ID, key,
			http.StatusCreated, out); err != nil {
			return err
		}
	}
	w.Header().Set("Location", "/api/patients/"+p.ID.String())
	w.Header().Set("ETag", etag(p.Version))
	writeRaw(w, http.StatusCreated, out)
	return nil
}

// replayCreate answers a repeated create with the first answer, its Location and ETag
// included, and audits it: the answer shows the patient again.
func (s *Server) replayCreate(w http.ResponseWriter, r *http.Request, c *caller,
	replay *postgres.Replay) error {
	var first struct {
		ID      uuid.UUID `json:"id"`
		Version int       `json:"version"`
	}
	if err := json.Unmarshal(replay.Response, &first); err != nil || first.ID == uuid.Nil {
		return fmt.Errorf("decode stored idempotent answer: %w", err)
	}
	e := c.actor.Event("patient.create", "patient", first.ID.String(), &first.ID,
		audit.Allowed)
	e.Reason = "idempotent_replay"
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.Header().Set("Location", "/api/patients/"+first.ID.String())
	w.Header().Set("ETag", etag(first.Version))
	writeRaw(w, replay.Status, replay.Response)
	return nil
}

func (s *Server) handleGetPatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := s.readPatient(r, c, "patient.read")
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, p)
	return nil
}

// findPatient loads the patient named in the path (see findByPathID).
func (s *Server) findPatient(r *http.Request, c *caller, action string) (*patient.Patient,
	error) {
	return findByPathID(s, r, c, action, "patient", s.db.FindPatient)
}

// findByPathID loads the object the path's id names with find. A missing one is audited
// as a failed attempt at action; a malformed id is answered exactly like a random one.
func findByPathID[T any](s *Server, r *http.Request, c *caller, action, objectType string,
	find func(context.Context, uuid.UUID) (T, error)) (T, error) {
	raw := r.PathValue("id")
	var found T
	id, err := uuid.Parse(raw)
	if err == nil {
		found, err = find(r.Context(), id)
	} else {
		err = apperror.NotFound()
	}
	if apperror.IsKind(err, apperror.KindNotFound) {
		e := c.actor.Event(action, objectType, raw, nil, audit.Failed)
		e.Reason = "not_found"
		if aerr := s.db.Audit(r.Context(), e); aerr != nil {
			err = aerr
		}
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return found, nil
}

// readPatient is findPatient for a read: the read itself is audited.
func (s *Server) readPatient(r *http.Request, c *caller, action string) (*patient.Patient, error) {
	p, err := s.findPatient(r, c, action)
	if err != nil {
		return nil, err
	}
	if err := s.db.Audit(r.Context(),
		c.actor.Event(action, "patient", p.ID.String(), &p.ID, audit.Allowed)); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) handleUpdatePatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var f patient.Fields
	if err := decodeInto(body, &f); err != nil {
		return err
	}
	if err := patient.Validate(f, false, s.today()); err != nil {
		return err
	}
	p, err := s.changePatient(r, c, version, "patient.update", postgres.EventPatientUpdated,
		func(p *patient.Patient) error {
			if p.ArchivedAt != nil {
				return apperror.Conflict("archived", "The patient is archived")
			}
			f.Apply(p)
			if p.DeceasedDate != nil && p.DeceasedDate.Before(p.BirthDate) {
				return apperror.Invalid(apperror.FieldError{Field: "deceasedDate",
					Code: "before_birth"})
			}
			return nil
		})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, p)
	return nil
}

// archiveRequest is the optional body of DELETE /api/patients/{id}.
type archiveRequest struct {
	Reason string `json:"reason" validate:"max=500,nocontrol"`
}

func (s *Server) handleArchivePatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req archiveRequest
	if r.ContentLength > 0 {
		body, err := readBody(w, r)
		if err != nil {
			return err
		}
		if err := decodeInto(body, &req); err != nil {
			return err
		}
		if faults := patient.Struct(req); len(faults) > 0 {
			return apperror.Invalid(faults...)
		}
	}
	p, err := s.changePatient(r, c, version, "patient.archive", postgres.EventPatientArchived,
		func(p *patient.Patient) error {
			if p.ArchivedAt != nil {
				return apperror.Conflict("archived", "The patient is already archived")
			}
			now := s.now().UTC()
			p.ArchivedAt, p.ArchiveReason = &now, req.Reason
			return nil
		})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) handleRestorePatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	current, err := s.findPatient(r, c, "patient.restore")
	if err != nil {
		return err
	}
	version := current.Version
	if r.Header.Get("If-Match") != "" {
		if version, err = ifMatch(r); err != nil {
			return err
		}
	}
	p, err := s.changePatient(r, c, version, "patient.restore", postgres.EventPatientRestored,
		func(p *patient.Patient) error {
			if p.ArchivedAt == nil {
				return apperror.Conflict("not_archived", "The patient is not archived")
			}
			p.ArchivedAt, p.ArchiveReason = nil, ""
			return nil
		})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, p)
	return nil
}

// changePatient runs a versioned change and audits a refused or failed one.
func (s *Server) changePatient(r *http.Request, c *caller, version int, action,
	event string, change func(*patient.Patient) error) (*patient.Patient, error) {
	raw := r.PathValue("id")
	id, err := uuid.Parse(raw)
	if err != nil {
		return nil, apperror.NotFound()
	}
	p, err := s.db.UpdatePatient(r.Context(), c.actor, id, version, action, event, change)
	if err != nil {
		e := c.actor.Event(action, "patient", raw, nil, audit.Denied)
		if ae, ok := apperror.As(err); ok {
			e.Reason = ae.Code
			if ae.Kind != apperror.KindNotFound {
				e.PatientID = &id
			}
		} else {
			e.Outcome, e.Reason = audit.Failed, "error"
		}
		if aerr := s.db.Audit(r.Context(), e); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	return p, nil
}

// ifMatch reads the strong ETag a write must carry: 428 when it is missing, 412 when it
// cannot match any version.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		return 0, newHTTPError(http.StatusPreconditionRequired, "if_match_required",
			"Send If-Match with the ETag you read")
	}
	n, err := strconv.Atoi(strings.Trim(v, `"`))
	if err != nil || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`) || n < 1 {
		return 0, apperror.New(apperror.KindPrecondition, "version_mismatch",
			"The ETag does not match the current version")
	}
	return n, nil
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func itoa(n int) string { return strconv.Itoa(n) }

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
