package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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
const maxCounted = 10000

// SearchResult is one page of patients and the total matching the search, capped at
// maxCounted (TotalCapped says so).
type SearchResult struct {
	Items       []patient.Summary
	Next        *patient.Cursor
	Total       int
	TotalCapped bool
}

// SearchPatients runs a search. Name fragments are matched through the trigram index in
// a materialised step first, so PostgreSQL cannot choose to walk the sort index and
// filter row by row (seconds for a rare fragment at a million patients).
func (db *DB) SearchPatients(ctx context.Context, s patient.Search) (SearchResult, error) {
	where, args := searchWhere(s)
	sc := sortColumns[s.SortKey]
	dir, cmp := "ASC", ">"
	if s.Descending {
		dir, cmp = "DESC", "<"
	}
	from := "patients p"
	if s.Term.Shape == patient.ShapeName {
		from = "matched m JOIN patients p ON p.id = m.id"
	}
	pageWhere := where
	pageArgs := args
	if s.After != nil {
		pageArgs = append(append([]any(nil), args...), s.After.Key, s.After.ID)
		pageWhere = append(append([]string(nil), where...), fmt.Sprintf("(%s, p.id) %s ($%d::%s, $%d)",
			sc.col, cmp, len(pageArgs)-1, sc.cast, len(pageArgs)))
	}
	prefix := matchedCTE(s.Term)
	q := fmt.Sprintf(`%s SELECT p.id, p.mrn, p.given_names, p.family_name, p.birth_date, p.sex,
	    coalesce(p.phone, ''), p.archived_at, p.sort_name, p.created_at
	  FROM %s WHERE %s ORDER BY %s %s, p.id %s LIMIT %d`, prefix, from,
		strings.Join(pageWhere, " AND "), sc.col, dir, dir, s.Limit+1)
	var res SearchResult
	rows, err := db.pool.Query(ctx, q, pageArgs...)
	if err != nil {
		return res, translate(err)
	}
	type row struct {
		sum      patient.Summary
		sortName string
		created  time.Time
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var birth time.Time
		var sex string
		err := r.Scan(&x.sum.ID, &x.sum.MRN, &x.sum.GivenNames, &x.sum.FamilyName, &birth,
			&sex, &x.sum.Phone, &x.sum.ArchivedAt, &x.sortName, &x.created)
		x.sum.BirthDate, x.sum.Sex = patient.DateOf(birth), patient.Sex(sex)
		return x, err
	})
	if err != nil {
		return res, translate(err)
	}
	if len(all) > s.Limit {
		last := all[s.Limit-1]
		res.Next = &patient.Cursor{ID: last.sum.ID,
			Key: patient.SortValue(s.SortKey, last.sum, last.sortName, last.created)}
		all = all[:s.Limit]
	}
	res.Items = make([]patient.Summary, 0, len(all))
	for _, x := range all {
		res.Items = append(res.Items, x.sum)
	}
	countQ := fmt.Sprintf(`%s SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) c`,
		prefix, from, strings.Join(where, " AND "), maxCounted+1)
	if err := db.pool.QueryRow(ctx, countQ, args...).Scan(&res.Total); err != nil {
		return res, translate(err)
	}
	if res.Total > maxCounted {
		res.Total, res.TotalCapped = maxCounted, true
	}
	return res, nil
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
	return "WITH matched AS MATERIALIZED (SELECT id FROM patients WHERE " +
		strings.Join(conds, " AND ") + ")"
}

func searchWhere(s patient.Search) ([]string, []any) {
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
