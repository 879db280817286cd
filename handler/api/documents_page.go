package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

// documentQuery is the query of GET /api/patients/{id}/documents.
type documentQuery struct {
	limit    int
	after    *postgres.DocumentCursor
	archived string
}

// documentPageParams reads limit, cursor and archived (exclude, include or only): 400
// for a limit that is not a number, a cursor this API did not issue, or another filter.
func documentPageParams(r *http.Request) (documentQuery, error) {
	q := r.URL.Query()
	out := documentQuery{archived: "exclude"}
	var limit *int
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return out, badRequest("invalid_limit", "The limit must be a number", "limit")
		}
		limit = &n
	}
	out.limit = patient.ClampLimit(limit)
	switch a := q.Get("archived"); a {
	case "":
	case "exclude", "include", "only":
		out.archived = a
	default:
		return out, badRequest("invalid_archived", "archived must be exclude, include or only",
			"archived")
	}
	cur := q.Get("cursor")
	if cur == "" {
		return out, nil
	}
	bad := badRequest("invalid_cursor", "The cursor is not one this API issued", "cursor")
	b, err := base64.RawURLEncoding.DecodeString(cur)
	var parts []string
	if err != nil || json.Unmarshal(b, &parts) != nil || len(parts) != 2 {
		return out, bad
	}
	at, err1 := time.Parse(time.RFC3339Nano, parts[0])
	id, err2 := uuid.Parse(parts[1])
	if err1 != nil || err2 != nil {
		return out, bad
	}
	out.after = &postgres.DocumentCursor{CreatedAt: at, ID: id}
	return out, nil
}

func encodeDocumentCursor(c postgres.DocumentCursor) string {
	b, _ := json.Marshal([]string{c.CreatedAt.UTC().Format(time.RFC3339Nano), c.ID.String()})
	return base64.RawURLEncoding.EncodeToString(b)
}
