package patient

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/apperror"
)

// Shape is what a search box input looks like, which decides how it is matched.
type Shape string

// The shapes a search term can take.
const (
	ShapeAll       Shape = "all"  // blank: list everything
	ShapeNone      Shape = "none" // only punctuation: no name can hold it
	ShapeMRN       Shape = "mrn"
	ShapeBirthDate Shape = "birth_date"
	ShapePhone     Shape = "phone"
	ShapeName      Shape = "name"
)

// MaxQueryLength bounds the search box input, in characters.
const MaxQueryLength = 100

// Page size bounds for lists.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

var phoneQuery = regexp.MustCompile(`^\+?[0-9][0-9 ()./-]{5,}$`)

// Term is a parsed search box input.
type Term struct {
	Shape     Shape
	MRN       string   // canonical, for ShapeMRN
	BirthDate Date     // for ShapeBirthDate
	Digits    string   // for ShapePhone
	Tokens    []string // compact name tokens, for ShapeName
}

// ParseTerm reads the shape of q: an MRN, a birth date (YYYY-MM-DD), a phone number, or
// else a name fragment matched without regard to case, accents or punctuation.
func ParseTerm(q string) Term {
	q = strings.TrimSpace(q)
	if mrn, ok := ParseMRN(q); ok {
		return Term{Shape: ShapeMRN, MRN: mrn}
	}
	if d, ok := ParseDate(q); ok {
		return Term{Shape: ShapeBirthDate, BirthDate: d}
	}
	if phoneQuery.MatchString(q) && len(Digits(q)) >= 6 {
		return Term{Shape: ShapePhone, Digits: Digits(q)}
	}
	if q == "" {
		return Term{Shape: ShapeAll}
	}
	tokens := strings.Fields(Fold(q))
	if len(tokens) == 0 {
		return Term{Shape: ShapeNone}
	}
	return Term{Shape: ShapeName, Tokens: tokens}
}

// Sort is one of the fixed sort keys; the column always comes from this set.
type Sort string

// The sort keys a search accepts; a leading "-" means descending.
var sorts = map[string]bool{
	"name": true, "-name": true, "birthDate": true, "-birthDate": true,
	"mrn": true, "-mrn": true, "createdAt": true, "-createdAt": true,
}

// Archived says whether archived patients are left out, included or alone listed.
type Archived string

// The archived filters.
const (
	ArchivedExclude Archived = "exclude"
	ArchivedInclude Archived = "include"
	ArchivedOnly    Archived = "only"
)

// SearchRequest is the body of POST /api/patients/search.
type SearchRequest struct {
	Q             string  `json:"q" validate:"max=100"`
	Sex           *string `json:"sex" validate:"omitnil,oneof=female male other unknown"`
	BirthDateFrom *string `json:"birthDateFrom" validate:"omitnil,isodate"`
	BirthDateTo   *string `json:"birthDateTo" validate:"omitnil,isodate"`
	VisitedSince  *string `json:"visitedSince" validate:"omitnil,isodate"`
	Archived      string  `json:"archived" validate:"omitempty,oneof=exclude include only"`
	Sort          string  `json:"sort"`
	Limit         *int    `json:"limit"`
	Cursor        string  `json:"cursor"`
}

// Search is a validated search.
type Search struct {
	Term          Term
	Sex           *Sex
	BirthDateFrom *Date
	BirthDateTo   *Date
	VisitedSince  *Date
	Archived      Archived
	SortKey       string // name, birthDate, mrn or createdAt
	Descending    bool
	Limit         int
	After         *Cursor
}

// Cursor marks the last row of a page: its sort value and id, the stable tie-breaker,
// and the sort it belongs to (a cursor of one sort means nothing in another).
type Cursor struct {
	Sort string    `json:"s"`
	Key  string    `json:"k"`
	ID   uuid.UUID `json:"i"`
}

// SortSpec is the search's sort as the request names it, e.g. "-birthDate".
func (s Search) SortSpec() string {
	if s.Descending {
		return "-" + s.SortKey
	}
	return s.SortKey
}

// validFor reports whether the cursor belongs to the sort and its key has that sort's
// form, so a tampered or reused cursor is a 400, never a database error.
func (c *Cursor) validFor(sort string) bool {
	if c.Sort != sort || HasControl(c.Key) || len(c.Key) > 1000 {
		return false
	}
	switch strings.TrimPrefix(sort, "-") {
	case "birthDate":
		_, ok := ParseDate(c.Key)
		return ok
	case "createdAt":
		_, err := time.Parse(time.RFC3339Nano, c.Key)
		return err == nil
	case "mrn":
		return LooksLikeMRN(c.Key)
	}
	return true
}

// Encode returns the opaque form handed to clients.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads an opaque cursor; a tampered one is a 400 invalid_cursor.
func DecodeCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c Cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == uuid.Nil {
		return nil, invalidCursor()
	}
	return &c, nil
}

func invalidCursor() error {
	return &apperror.Error{Kind: apperror.KindBadRequest, Code: "invalid_cursor",
		Message: "The cursor is not one this API issued for this search",
		Fields:  []apperror.FieldError{{Field: "cursor", Code: "invalid_cursor"}}}
}

// ParseSearch validates a search request.
func ParseSearch(r SearchRequest) (Search, error) {
	if len([]rune(r.Q)) > MaxQueryLength {
		return Search{}, &apperror.Error{Kind: apperror.KindBadRequest, Code: "query_too_long",
			Message: "The search text is too long",
			Fields:  []apperror.FieldError{{Field: "q", Code: "too_long"}}}
	}
	if r.Sort != "" && !sorts[r.Sort] {
		return Search{}, &apperror.Error{Kind: apperror.KindBadRequest, Code: "invalid_sort",
			Message: "Unknown sort key",
			Fields:  []apperror.FieldError{{Field: "sort", Code: "invalid_sort"}}}
	}
	if faults := Struct(r); len(faults) > 0 {
		return Search{}, apperror.Invalid(faults...)
	}
	s := Search{Term: ParseTerm(r.Q), Archived: ArchivedExclude, SortKey: "name",
		Limit: ClampLimit(r.Limit)}
	if r.Archived != "" {
		s.Archived = Archived(r.Archived)
	}
	if r.Sort != "" {
		s.SortKey, s.Descending = strings.TrimPrefix(r.Sort, "-"), strings.HasPrefix(r.Sort, "-")
	}
	if r.Sex != nil {
		sex := Sex(*r.Sex)
		s.Sex = &sex
	}
	s.BirthDateFrom, s.BirthDateTo = optDate(r.BirthDateFrom), optDate(r.BirthDateTo)
	s.VisitedSince = optDate(r.VisitedSince)
	if r.Cursor != "" {
		c, err := DecodeCursor(r.Cursor)
		if err != nil {
			return Search{}, err
		}
		if !c.validFor(s.SortSpec()) {
			return Search{}, invalidCursor()
		}
		s.After = c
	}
	return s, nil
}

// ClampLimit applies the default and the cap to a requested page size.
func ClampLimit(limit *int) int {
	switch {
	case limit == nil || *limit <= 0:
		return DefaultLimit
	case *limit > MaxLimit:
		return MaxLimit
	default:
		return *limit
	}
}

func optDate(s *string) *Date {
	if s == nil {
		return nil
	}
	d, _ := ParseDate(*s)
	return &d
}

// SortValue returns p's value for the sort key, as the cursor stores it.
func SortValue(key string, p Summary, sortName string, createdAt time.Time) string {
	switch key {
	case "birthDate":
		return p.BirthDate.String()
	case "mrn":
		return p.MRN
	case "createdAt":
		return createdAt.UTC().Format(time.RFC3339Nano)
	default:
		return sortName
	}
}
