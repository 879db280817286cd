package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/analytics"
)

// PatientCounts returns the clinic's patient figures on its day today at the instant
// now: totals, active patients (a counted visit in the 12 months up to now), and the
// age bands and sex distribution of living, non-archived patients. Counts only.
func (db *DB) PatientCounts(ctx context.Context, loc *time.Location, today analytics.Day,
	now time.Time) (analytics.PatientStats, error) {
	var st analytics.PatientStats
	since := today.AddMonths(-12).Midnight(loc)
	err := db.pool.QueryRow(ctx, `SELECT
	    count(*) FILTER (WHERE archived_at IS NULL),
	    count(*) FILTER (WHERE archived_at IS NOT NULL),
	    count(*) FILTER (WHERE archived_at IS NULL AND deceased_date IS NOT NULL),
	    (SELECT count(DISTINCT v.patient_id) FROM visits v
	     JOIN patients p ON p.id = v.patient_id AND p.archived_at IS NULL
	     WHERE v.start_at >= $1 AND v.start_at <= $2 AND v.status NOT IN `+uncountedSQL+`)
	  FROM patients`, since.UTC(), now.UTC()).
		Scan(&st.Total, &st.Archived, &st.Deceased, &st.Active)
	if err != nil {
		return st, translate(err)
	}

	byAge := map[int]int{}
	st.BySex = map[string]int{}
	rows, err := db.pool.Query(ctx, `SELECT date_part('year', age($1::date, birth_date))::int,
	    sex, count(*)::int
	  FROM patients WHERE archived_at IS NULL AND deceased_date IS NULL GROUP BY 1, 2`,
		today.String())
	if err != nil {
		return st, translate(err)
	}
	var age, n int
	var sex string
	_, err = pgx.ForEachRow(rows, []any{&age, &sex, &n}, func() error {
		byAge[age] += n
		st.BySex[sex] += n
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("count patients by age: %w", translate(err))
	}
	st.AgeBands, st.AgeUnknown = analytics.CountAges(byAge)
	return st, nil
}

// RegisteredPatients counts the patient records created in each period of g whose
// clinic-local creation day is within from..through, archived or not.
func (db *DB) RegisteredPatients(ctx context.Context, loc *time.Location,
	g analytics.Granularity, from, through analytics.Day) (map[analytics.Day]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT date_trunc($4, created_at AT TIME ZONE $1)::date,
	    count(*)::int
	  FROM patients
	  WHERE created_at >= (($2::date - 1)::timestamp AT TIME ZONE $1)
	    AND created_at < (($3::date + 2)::timestamp AT TIME ZONE $1)
	    AND (created_at AT TIME ZONE $1)::date BETWEEN $2::date AND $3::date
	  GROUP BY 1`, loc.String(), from.String(), through.String(), string(g))
	if err != nil {
		return nil, translate(err)
	}
	out := map[analytics.Day]int{}
	var p time.Time
	var n int
	_, err = pgx.ForEachRow(rows, []any{&p, &n}, func() error {
		out[analytics.DayOf(p)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count registrations: %w", translate(err))
	}
	return out, nil
}
