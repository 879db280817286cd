package document

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
	"patienttracker/handler/patient"
)

// MaxIndexedTextBytes bounds the folded text a document is indexed with. PostgreSQL
// refuses a tsvector over 1 MB; 256 KB of text stays well below that whatever its words.
const MaxIndexedTextBytes = 256 << 10

// maxQueryRunes and maxQueryTerms bound a search.
const (
	maxQueryRunes = 200
	maxQueryTerms = 16
)

// SearchText returns the form a document's name and text are indexed in: the same
// folding as patient names (lower case, accents removed, punctuation as spaces), so
// "Château" is found by "chateau" without the unaccent extension. It is cut at
// MaxIndexedTextBytes on a word boundary.
func SearchText(fileName, text string) string {
	if len(text) > 2*MaxIndexedTextBytes {
		text = text[:2*MaxIndexedTextBytes]
	}
	s := patient.Fold(fileName + " " + text)
	if len(s) <= MaxIndexedTextBytes {
		return s
	}
	s = s[:MaxIndexedTextBytes]
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return strings.ToValidUTF8(s, "")
}

// SearchRequest is the body of POST /api/documents/search. The terms travel in the
// body, never in a URL.
type SearchRequest struct {
	Q         string  `json:"q"`
	PatientID *string `json:"patientId"`
	Limit     *int    `json:"limit"`
	Cursor    *string `json:"cursor"`
}

// Search is a checked search: Terms are folded words, all of which must match (the
// last one as a prefix, for type-ahead).
type Search struct {
	Terms     []string
	PatientID *uuid.UUID
	Limit     int
	After     *SearchCursor
}

// SearchCursor marks the last hit of a page: its rank and id.
type SearchCursor struct {
	Rank float32
	ID   uuid.UUID
}

// Encode returns the opaque cursor handed to clients.
func (c SearchCursor) Encode() string {
	b, _ := json.Marshal([]any{c.Rank, c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseSearch validates a search request: 422 for an over-long query, control
// characters or a patient id that is not one, 400 invalid_cursor for a cursor this
// API did not issue.
func ParseSearch(req SearchRequest) (Search, error) {
	s := Search{Limit: patient.ClampLimit(req.Limit)}
	var faults []apperror.FieldError
	switch {
	case utf8.RuneCountInString(req.Q) > maxQueryRunes:
		faults = append(faults, apperror.FieldError{Field: "q", Code: "too_long"})
	case patient.HasControl(req.Q):
		faults = append(faults, apperror.FieldError{Field: "q", Code: "control_char"})
	}
	if req.PatientID != nil {
		id, err := uuid.Parse(*req.PatientID)
		if err != nil {
			faults = append(faults, apperror.FieldError{Field: "patientId", Code: "invalid_id"})
		}
		s.PatientID = &id
	}
	if len(faults) > 0 {
		return Search{}, apperror.Invalid(faults...)
	}
	if req.Cursor != nil {
		c, err := decodeSearchCursor(*req.Cursor)
		if err != nil {
			return Search{}, err
		}
		s.After = c
	}
	s.Terms = strings.Fields(patient.Fold(req.Q))
	if len(s.Terms) > maxQueryTerms {
		s.Terms = s.Terms[:maxQueryTerms]
	}
	return s, nil
}

// TSQuery returns the terms as a PostgreSQL tsquery text: every term must match, the
// last as a prefix. Folded terms hold only letters and digits, so no tsquery operator
// can be smuggled in; "" means no term at all.
func (s Search) TSQuery() string {
	if len(s.Terms) == 0 {
		return ""
	}
	return strings.Join(s.Terms, " & ") + ":*"
}

func decodeSearchCursor(raw string) (*SearchCursor, error) {
	bad := &apperror.Error{Kind: apperror.KindBadRequest, Code: "invalid_cursor",
		Message: "The cursor is not one this API issued",
		Fields:  []apperror.FieldError{{Field: "cursor", Code: "invalid_cursor"}}}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil, bad
	}
	var parts []json.RawMessage
	if json.Unmarshal(b, &parts) != nil || len(parts) != 2 {
		return nil, bad
	}
	var c SearchCursor
	var id string
	if json.Unmarshal(parts[0], &c.Rank) != nil || json.Unmarshal(parts[1], &id) != nil {
		return nil, bad
	}
	if c.ID, err = uuid.Parse(id); err != nil {
		return nil, bad
	}
	return &c, nil
}

// Hit is one document a search found, best first. It carries no text.
type Hit struct {
	ID        uuid.UUID `json:"id"`
	PatientID uuid.UUID `json:"patientId"`
	FileName  string    `json:"fileName"`
	MediaType string    `json:"mediaType"`
	Category  string    `json:"category"`
	CreatedAt time.Time `json:"createdAt"`
	Rank      float32   `json:"rank"`
}
