package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"patienttracker/handler/patient"
)

// sortColumns maps the fixed sort keys to columns; no column name ever comes from input.
var sortColumns = map[string]struct{ col, cast string }{
	"name":      {"p.sort_name", "text"},
	"birthDate": {"p.birth_date", "date"},
	"mrn":       {"p.mrn", "text"},
	"createdAt": {"p.created_at", "timestamptz"},
}

// maxCounted caps the total a search reports, so counting never costs more than a page.
const maxCounted = 1000

// nameBudget bounds the first of the two ways a name search is tried.
const nameBudget = 80 * time.Millisecond

// SearchResult is one page of patients and the total matching the search, capped at
// maxCounted (TotalCapped says so).
type SearchResult struct {
	Items       []patient.Summary
	Next        *patient.Cursor
	Total       int
	TotalCapped bool
}

// strategy is how a name search finds its rows.
type strategy int

const (
	// walk follows the sort index and filters row by row: fast when the name fragment is
	// common (the page fills after a few rows), slow when it is rare.
	walk strategy = iota
	// materialize collects the matches through the trigram index first, then sorts them:
	// fast when the fragment is rare, slow when it matches a large part of the clinic.
	materialize
)

// SearchPatients runs a search. A name search is tried one way with a short statement
// timeout and, if that runs out, the other way: PostgreSQL's estimates for trigram
// matches are too rough to trust its choice (a rare fragment can cost seconds when it
// walks the sort index; a common one when it sorts every match). Long fragments are more
// often rare, so they are tried through the trigram index first.
func (db *DB) SearchPatients(ctx context.Context, s patient.Search) (SearchResult, error) {
	if s.Term.Shape != patient.ShapeName {
		return db.searchWith(ctx, s, materialize, 0)
	}
	first, second := walk, materialize
	if longest(s.Term.Tokens) >= 6 {
		first, second = materialize, walk
	}
	res, err := db.searchWith(ctx, s, first, nameBudget)
	if !isStatementTimeout(err) {
		return res, err
	}
	return db.searchWith(ctx, s, second, 0)
}

func (db *DB) searchWith(ctx context.Context, s patient.Search, st strategy,
	budget time.Duration) (SearchResult, error) {
	var res SearchResult
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if budget > 0 {
			if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d",
				budget.Milliseconds())); err != nil {
				return err
			}
		}
		if s.Term.Shape == patient.ShapeName && st == walk {
			// A walk must not fall back on the trigram index: that is the other strategy.
			if _, err := tx.Exec(ctx, "SET LOCAL enable_bitmapscan = off"); err != nil {
				return err
			}
		}
		var err error
		res, err = searchPage(ctx, tx, s, st)
		return err
	})
	return res, err
}

func searchPage(ctx context.Context, tx pgx.Tx, s patient.Search, st strategy) (
	SearchResult, error) {
	where, args := searchWhere(s, st)
	sc := sortColumns[s.SortKey]
	dir, cmp := "ASC", ">"
	if s.Descending {
		dir, cmp = "DESC", "<"
	}
	from, prefix := "patients p", ""
	if s.Term.Shape == patient.ShapeName && st == materialize {
		from, prefix = "matched p", matchedCTE(s.Term)
	}
	pageWhere := where
	pageArgs := args
	if s.After != nil {
		pageArgs = append(append([]any(nil), args...), s.After.Key, s.After.ID)
		pageWhere = append(append([]string(nil), where...), fmt.Sprintf(
			"(%s, p.id) %s ($%d::%s, $%d)", sc.col, cmp, len(pageArgs)-1, sc.cast, len(pageArgs)))
	}
	var res SearchResult
	walking := s.Term.Shape == patient.ShapeName && st == walk
	if err := setSeqScan(ctx, tx, walking, false); err != nil {
		return res, err
	}
	// Ids first, so a walk can stay inside the covering index; the rows come after.
	q := fmt.Sprintf(`%s SELECT p.id FROM %s WHERE %s ORDER BY %s %s, p.id %s LIMIT %d`,
		prefix, from, strings.Join(pageWhere, " AND "), sc.col, dir, dir, s.Limit+1)
	rows, err := tx.Query(ctx, q, pageArgs...)
	if err != nil {
		return res, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return res, err
	}
	if res.Items, res.Next, err = fetchSummaries(ctx, tx, ids, s); err != nil {
		return res, err
	}
	if err := setSeqScan(ctx, tx, walking, true); err != nil {
		return res, err
	}
	countQ := fmt.Sprintf(`%s SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) c`,
		prefix, from, strings.Join(where, " AND "), maxCounted+1)
	if err := tx.QueryRow(ctx, countQ, args...).Scan(&res.Total); err != nil {
		return res, err
	}
	if res.Total > maxCounted {
		res.Total, res.TotalCapped = maxCounted, true
	}
	return res, nil
}

// setSeqScan turns sequential scans off for a walk's page query (so it follows the sort
// index) and back on for its count (which stops early once it has seen enough matches).
func setSeqScan(ctx context.Context, tx pgx.Tx, walking, on bool) error {
	if !walking {
		return nil
	}
	_, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL enable_seqscan = %t", on))
	return err
}

// fetchSummaries reads the page's rows in the order of ids, the last one beyond the page
// becoming the next cursor.
func fetchSummaries(ctx context.Context, tx pgx.Tx, ids []uuid.UUID, s patient.Search) (
	[]patient.Summary, *patient.Cursor, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, p.mrn, p.given_names, p.family_name,
	    p.birth_date, p.sex, coalesce(p.phone, ''), p.archived_at, p.sort_name, p.created_at
	  FROM patients p WHERE p.id = ANY($1)`, ids)
	if err != nil {
		return nil, nil, err
	}
	type row struct {
		sum      patient.Summary
		sortName string
		created  time.Time
	}
	byID := make(map[uuid.UUID]row, len(ids))
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var x row
		var birth time.Time
		var sex string
		err := r.Scan(&x.sum.ID, &x.sum.MRN, &x.sum.GivenNames, &x.sum.FamilyName, &birth,
			&sex, &x.sum.Phone, &x.sum.ArchivedAt, &x.sortName, &x.created)
		x.sum.BirthDate, x.sum.Sex = patient.DateOf(birth), patient.Sex(sex)
		byID[x.sum.ID] = x
		return struct{}{}, err
	})
	if err != nil {
		return nil, nil, err
	}
	var next *patient.Cursor
	if len(ids) > s.Limit {
		last := byID[ids[s.Limit-1]]
		next = &patient.Cursor{Sort: s.SortSpec(), ID: last.sum.ID,
			Key: patient.SortValue(s.SortKey, last.sum, last.sortName, last.created)}
		ids = ids[:s.Limit]
	}
	items := make([]patient.Summary, 0, len(ids))
	for _, id := range ids {
		items = append(items, byID[id].sum)
	}
	return items, next, nil
}

func longest(tokens []string) int {
	n := 0
	for _, t := range tokens {
		n = max(n, len(t))
	}
	return n
}

// isStatementTimeout reports whether err is PostgreSQL cancelling a statement that ran
// past statement_timeout (SQLSTATE 57014).
func isStatementTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "57014"
}

// matchedCTE selects the ids whose compact name holds every token, through the trigram
// index. Tokens are folded to letters and digits, and LIKE's own characters are escaped
// all the same.
func matchedCTE(t patient.Term) string {
	if t.Shape != patient.ShapeName {
		return ""
	}
	conds := make([]string, len(t.Tokens))
	for i := range t.Tokens {
		conds[i] = fmt.Sprintf(`name_compact LIKE '%%' || $%d || '%%' ESCAPE '\'`, i+1)
	}
	return `WITH matched AS MATERIALIZED (SELECT id, sort_name, birth_date, mrn, created_at,
	    archived_at, sex FROM patients WHERE ` + strings.Join(conds, " AND ") + ")"
}

func searchWhere(s patient.Search, st strategy) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	switch s.Term.Shape {
	case patient.ShapeName:
		for _, tok := range s.Term.Tokens {
			args = append(args, escapeLike(tok))
			if st == walk {
				where = append(where, fmt.Sprintf(
					`p.name_compact LIKE '%%' || $%d || '%%' ESCAPE '\'`, len(args)))
			}
		}
	case patient.ShapeMRN:
		add("p.mrn = $%d", s.Term.MRN)
	case patient.ShapeBirthDate:
		add("p.birth_date = $%d::date", s.Term.BirthDate.String())
	case patient.ShapePhone:
		add("reverse(p.phone_digits) LIKE reverse($%d) || '%%'", escapeLike(s.Term.Digits))
	case patient.ShapeNone:
		where = append(where, "false")
	}
	switch s.Archived {
	case patient.ArchivedExclude:
		where = append(where, "p.archived_at IS NULL")
	case patient.ArchivedOnly:
		where = append(where, "p.archived_at IS NOT NULL")
	}
	if s.Sex != nil {
		add("p.sex = $%d", string(*s.Sex))
	}
	if s.BirthDateFrom != nil {
		add("p.birth_date >= $%d::date", s.BirthDateFrom.String())
	}
	if s.BirthDateTo != nil {
		add("p.birth_date <= $%d::date", s.BirthDateTo.String())
	}
	if s.VisitedSince != nil {
		add(`EXISTS (SELECT 1 FROM visits v WHERE v.patient_id = p.id
		  AND v.start_at >= $%d::date)`, s.VisitedSince.String())
	}
	if len(where) == 0 {
		where = append(where, "true")
	}
	return where, args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
