package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/document"
)

// SearchDocuments finds ready, unarchived documents whose folded name and text hold
// every term (the last as a prefix), of one patient or of all, best ranked first with
// the id as tie-breaker. It returns the cursor of the next page when there is one.
func (db *DB) SearchDocuments(ctx context.Context, s document.Search) ([]document.Hit,
	*document.SearchCursor, error) {
	hits := []document.Hit{}
	query := s.TSQuery()
	if query == "" {
		return hits, nil, nil
	}
	var afterRank *float32
	var afterID any
	if s.After != nil {
		afterRank, afterID = &s.After.Rank, s.After.ID
	}
	// The rank is computed once in the inner query; the outer one pages on it. The
	// WHERE repeats the partial index's predicate so the GIN index is used.
	rows, err := db.pool.Query(ctx, `SELECT id, patient_id, file_name, media_type,
	    coalesce(category, ''), created_at, rank
	  FROM (SELECT d.id, d.patient_id, d.file_name, d.media_type, d.category, d.created_at,
	          ts_rank_cd(d.search_vector, q) AS rank
	        FROM documents d, to_tsquery('simple', $1) q
	        WHERE d.search_vector @@ q AND d.status = 'ready' AND d.archived_at IS NULL
	          AND ($2::uuid IS NULL OR d.patient_id = $2)) hit
	  WHERE ($3::real IS NULL OR (rank, id) < ($3, $4::uuid))
	  ORDER BY rank DESC, id DESC LIMIT $5`,
		query, s.PatientID, afterRank, afterID, s.Limit+1)
	if err != nil {
		return nil, nil, translate(err)
	}
	hits, err = pgx.CollectRows(rows, pgx.RowToStructByPos[document.Hit])
	if err != nil {
		return nil, nil, translate(err)
	}
	var next *document.SearchCursor
	if len(hits) > s.Limit {
		hits = hits[:s.Limit]
		last := hits[s.Limit-1]
		next = &document.SearchCursor{Rank: last.Rank, ID: last.ID}
	}
	return hits, next, nil
}
