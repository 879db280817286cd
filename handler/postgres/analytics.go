package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/analytics"
)

// rollupLockKey is the advisory lock that makes one rollup run at a time.
const rollupLockKey = 7302114004

// uncountedSQL lists analytics.UncountedStatuses for SQL.
var uncountedSQL = "('" + strings.Join(analytics.UncountedStatuses, "', '") + "')"

// figuresSQL computes the figures of every period of granularity $4 that holds a visit
// whose clinic-local day ($1 is the zone) is within $2..$3. A visit's day is found by a
// binary search of its start among the days' local midnights (width_bucket), which
// equals converting each start to local time (the zones' local dates only move
// forward) at a fraction of the cost. %[1]s lists the uncounted statuses; %[2]s is the
// new-patient count (nw).
const figuresSQL = `
WITH b AS (
  SELECT array_agg((($2::date + i)::timestamp AT TIME ZONE $1) ORDER BY i) AS bounds
  FROM generate_series(0, $3::date - $2::date + 1) AS i
),
v AS (
  SELECT patient_id, status, start_at, coalesce(reason_code, '') AS code,
         coalesce(reason, '') AS reason,
         date_trunc($4, ($2::date + width_bucket(start_at, (SELECT bounds FROM b)) - 1)
           ::timestamp)::date AS period,
         status NOT IN %[1]s AS counted
  FROM visits
  WHERE start_at >= ($2::date::timestamp AT TIME ZONE $1)
    AND start_at < (($3::date + 1)::timestamp AT TIME ZONE $1)
),
st AS (
  SELECT period, jsonb_object_agg(status, n) AS by_status
  FROM (SELECT period, status, count(*) AS n FROM v GROUP BY 1, 2) s GROUP BY period
),
ct AS (
  SELECT period, count(*) AS visits, count(DISTINCT patient_id) AS uniq
  FROM v WHERE counted GROUP BY period
),
rs AS (
  SELECT period, jsonb_agg(jsonb_build_array(code, reason, n) ORDER BY n DESC, code, reason)
    AS by_reason
  FROM (SELECT period, code, reason, count(*) AS n FROM v WHERE counted GROUP BY 1, 2, 3) r
  GROUP BY period
),
%[2]s
SELECT st.period, coalesce(ct.visits, 0)::int AS visits, coalesce(ct.uniq, 0)::int AS uniq,
       coalesce(nw.n, 0)::int AS new_patients, st.by_status,
       coalesce(rs.by_reason, '[]'::jsonb) AS by_reason
FROM st LEFT JOIN ct USING (period) LEFT JOIN rs USING (period) LEFT JOIN nw USING (period)`

// newStoredSQL counts new patients from patient_first_visits, which the rollup keeps
// up to date before it computes (see updateFirstVisits).
const newStoredSQL = `
nw AS (
  SELECT date_trunc($4, ($2::date + width_bucket(first_at, (SELECT bounds FROM b)) - 1)
           ::timestamp)::date AS period, count(*) AS n
  FROM patient_first_visits
  WHERE first_at >= ($2::date::timestamp AT TIME ZONE $1)
    AND first_at < (($3::date + 1)::timestamp AT TIME ZONE $1)
  GROUP BY 1
)`

// newLiveSQL counts new patients among those seen in the days, for days the rollup has
// not reached: a patient is new when no counted visit of theirs starts before their
// first one in the days, which the partial index visits_patient_counted answers.
const newLiveSQL = `
fv AS (
  SELECT patient_id, min(start_at) AS first_at FROM v WHERE counted GROUP BY patient_id
),
nw AS (
  SELECT date_trunc($4, ($2::date + width_bucket(first_at, (SELECT bounds FROM b)) - 1)
           ::timestamp)::date AS period, count(*) AS n
  FROM fv
  WHERE NOT EXISTS (SELECT 1 FROM visits w WHERE w.patient_id = fv.patient_id
    AND w.start_at < fv.first_at AND w.status NOT IN %[1]s)
  GROUP BY 1
)`

// figuresQuery returns figuresSQL counting new patients from patient_first_visits
// (stored) or from the visits themselves (live).
func figuresQuery(stored bool) string {
	nw := fmt.Sprintf(newLiveSQL, uncountedSQL)
	if stored {
		nw = newStoredSQL
	}
	return fmt.Sprintf(figuresSQL, uncountedSQL, nw)
}

// upsertSQL stores the figures of $2..$3 for granularity $4: changed slots are updated,
// new ones inserted, emptied ones deleted, and unchanged rows are not touched at all.
const upsertSQL = `
WITH fig AS MATERIALIZED (%s),
up AS (
  INSERT INTO visit_rollups AS r (granularity, period_start, visits, unique_patients,
    new_patients, by_status, by_reason)
  SELECT $4, period, visits, uniq, new_patients, by_status, by_reason FROM fig
  ON CONFLICT (granularity, period_start) DO UPDATE SET visits = EXCLUDED.visits,
    unique_patients = EXCLUDED.unique_patients, new_patients = EXCLUDED.new_patients,
    by_status = EXCLUDED.by_status, by_reason = EXCLUDED.by_reason
  WHERE (r.visits, r.unique_patients, r.new_patients, r.by_status, r.by_reason)
    IS DISTINCT FROM (EXCLUDED.visits, EXCLUDED.unique_patients, EXCLUDED.new_patients,
      EXCLUDED.by_status, EXCLUDED.by_reason)
  RETURNING 1
),
del AS (
  DELETE FROM visit_rollups r
  WHERE r.granularity = $4 AND r.period_start BETWEEN $2::date AND $3::date
    AND NOT EXISTS (SELECT 1 FROM fig WHERE fig.period = r.period_start)
  RETURNING 1
)
SELECT (SELECT count(*) FROM fig), (SELECT count(*) FROM up), (SELECT count(*) FROM del)`

// RollupInput is what one rollup run needs.
type RollupInput struct {
	Location *time.Location
	// Today is the clinic's day at the run's time; the run completes through yesterday.
	Today analytics.Day
	// Window is how many recent days every run recomputes, to absorb late edits.
	Window int
	// Now is the run's time, recorded in the state.
	Now time.Time
	// Timeout bounds the run's statements (a full rebuild reads every visit).
	Timeout time.Duration
}

// RollupResult says what a run did.
type RollupResult struct {
	// Skipped is true when another run held the lock; this one did nothing.
	Skipped bool
	Plan    analytics.RollupPlan
	// Periods counts the non-empty periods computed; Written the rows inserted or
	// changed; Deleted the rows of periods that no longer hold a visit.
	Periods, Written, Deleted int64
}

// RollupVisits brings the visit rollups up to date through the clinic's yesterday, in
// one transaction under an advisory lock: a second run at the same time finds the lock
// taken and returns Skipped, and a run repeated later rewrites nothing that is right.
func (db *DB) RollupVisits(ctx context.Context, in RollupInput) (RollupResult, error) {
	var res RollupResult
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := setRollupLimits(ctx, tx, in.Timeout); err != nil {
			return err
		}
		var locked bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock($1)",
			int64(rollupLockKey)).Scan(&locked); err != nil {
			return fmt.Errorf("rollup lock: %w", err)
		}
		if !locked {
			res.Skipped = true
			return nil
		}
		state, changed, err := readRollupState(ctx, tx, in.Location)
		if err != nil {
			return err
		}
		res.Plan = analytics.PlanRollup(state, in.Today, in.Location, in.Window)
		if err := updateFirstVisits(ctx, tx, res.Plan, changed); err != nil {
			return err
		}
		if err := storeFigures(ctx, tx, in.Location, res.Plan, &res); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO visit_rollup_state (id, time_zone, completed_through,
		    updated_at) VALUES (true, $1, $2::date, $3)
		  ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone,
		    completed_through = EXCLUDED.completed_through, updated_at = EXCLUDED.updated_at`,
			in.Location.String(), res.Plan.Through.String(), in.Now.UTC())
		if err != nil {
			return fmt.Errorf("save rollup state: %w", err)
		}
		return nil
	})
	return res, err
}

// RollupWorkMem is the work_mem a rollup transaction uses: a first run groups every
// visit, and the default 4 MB would spill each aggregate to disk.
const RollupWorkMem = "64MB"

func setRollupLimits(ctx context.Context, tx pgx.Tx, timeout time.Duration) error {
	// No timeout given keeps the connection's own statement_timeout.
	var ms *string
	if timeout > 0 {
		v := fmt.Sprint(timeout.Milliseconds())
		ms = &v
	}
	_, err := tx.Exec(ctx, `SELECT set_config('statement_timeout',
	    coalesce($1::text, current_setting('statement_timeout')), true),
	    set_config('work_mem', $2, true)`, ms, RollupWorkMem)
	if err != nil {
		return fmt.Errorf("set rollup limits: %w", err)
	}
	return nil
}

// readRollupState reads the state, consuming the visit change log: the rows deleted
// here are exactly those this run sees, so a change committed meanwhile stays for the
// next run. It also returns the patients the consumed changes named.
func readRollupState(ctx context.Context, tx pgx.Tx, loc *time.Location) (
	analytics.RollupState, []uuid.UUID, error) {
	var s analytics.RollupState
	var completed, dirty, first *time.Time
	var tz *string
	var patients []uuid.UUID
	err := tx.QueryRow(ctx, `
	  WITH consumed AS (DELETE FROM visit_changes RETURNING patient_id, earliest_start)
	  SELECT (SELECT completed_through FROM visit_rollup_state),
	         (SELECT time_zone FROM visit_rollup_state),
	         (SELECT (min(earliest_start) AT TIME ZONE $1)::date FROM consumed),
	         (SELECT (min(start_at) AT TIME ZONE $1)::date FROM visits),
	         (SELECT coalesce(array_agg(DISTINCT patient_id), '{}') FROM consumed)`,
		loc.String()).Scan(&completed, &tz, &dirty, &first, &patients)
	if err != nil {
		return s, nil, fmt.Errorf("read rollup state: %w", err)
	}
	s.CompletedThrough, s.DirtyFrom, s.FirstVisit = dayPtr(completed), dayPtr(dirty),
		dayPtr(first)
	if tz != nil {
		s.TimeZone = *tz
	}
	return s, patients, nil
}

func dayPtr(t *time.Time) analytics.Day {
	if t == nil {
		return analytics.Day{}
	}
	return analytics.DayOf(*t)
}

// storeFigures recomputes every granularity's periods of the plan. A full plan first
// drops every stored slot, since the days may have been cut in another zone.
func storeFigures(ctx context.Context, tx pgx.Tx, loc *time.Location,
	plan analytics.RollupPlan, res *RollupResult) error {
	if plan.Full {
		tag, err := tx.Exec(ctx, "DELETE FROM visit_rollups")
		if err != nil {
			return fmt.Errorf("clear rollups: %w", err)
		}
		res.Deleted += tag.RowsAffected()
	}
	for _, g := range analytics.Granularities {
		first, last, ok := plan.PeriodsToStore(g)
		if !ok {
			continue
		}
		var periods, written, deleted int64
		err := tx.QueryRow(ctx, fmt.Sprintf(upsertSQL, figuresQuery(true)),
			loc.String(), first.String(), g.End(last).String(), string(g)).
			Scan(&periods, &written, &deleted)
		if err != nil {
			return fmt.Errorf("store %s rollups: %w", g, err)
		}
		res.Periods += periods
		res.Written += written
		res.Deleted += deleted
	}
	return nil
}

// updateFirstVisits keeps patient_first_visits exact: every patient with a counted
// visit, with the first one. A full plan rebuilds it. Otherwise only a change to a
// patient's visits can move their first one, and each such change named the patient in
// the log, so those patients are looked up again (one probe of visits_patient_counted
// each) and nobody else is.
func updateFirstVisits(ctx context.Context, tx pgx.Tx, plan analytics.RollupPlan,
	changed []uuid.UUID) error {
	if plan.Full {
		_, err := tx.Exec(ctx, `TRUNCATE patient_first_visits;
		  INSERT INTO patient_first_visits (patient_id, first_at)
		  SELECT patient_id, min(start_at) FROM visits WHERE status NOT IN `+uncountedSQL+`
		  GROUP BY patient_id`)
		if err != nil {
			return fmt.Errorf("rebuild first visits: %w", err)
		}
		return nil
	}
	// Short statements over a few thousand rows: compiling them would cost more.
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return fmt.Errorf("set rollup jit: %w", err)
	}
	if len(changed) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `WITH m AS (
	    SELECT p.patient_id, (SELECT min(w.start_at) FROM visits w
	      WHERE w.patient_id = p.patient_id AND w.status NOT IN `+uncountedSQL+`) AS first_at
	    FROM unnest($1::uuid[]) AS p(patient_id)),
	  gone AS (DELETE FROM patient_first_visits f USING m
	    WHERE f.patient_id = m.patient_id AND m.first_at IS NULL)
	  INSERT INTO patient_first_visits AS f (patient_id, first_at)
	  SELECT patient_id, first_at FROM m WHERE first_at IS NOT NULL
	  ON CONFLICT (patient_id) DO UPDATE SET first_at = EXCLUDED.first_at
	  WHERE f.first_at <> EXCLUDED.first_at`, changed)
	if err != nil {
		return fmt.Errorf("update first visits: %w", err)
	}
	return nil
}

// RollupStatus is how far the stored rollups reach, for the readers.
type RollupStatus struct {
	// CompletedThrough is the last day rolled up in the clinic's current zone; zero when
	// there is none (never run, or the zone changed since).
	CompletedThrough analytics.Day
}

// VisitRollupStatus returns how far the rollups cut in loc reach.
func (db *DB) VisitRollupStatus(ctx context.Context, loc *time.Location) (RollupStatus, error) {
	var st RollupStatus
	var through time.Time
	err := db.pool.QueryRow(ctx, `SELECT completed_through FROM visit_rollup_state
	  WHERE time_zone = $1`, loc.String()).Scan(&through)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, translate(err)
	}
	st.CompletedThrough = analytics.DayOf(through)
	return st, nil
}

// StoredVisitFigures returns the stored figures of g's periods starting first..last.
// A period with no row had no visit.
func (db *DB) StoredVisitFigures(ctx context.Context, g analytics.Granularity, first,
	last analytics.Day) (map[analytics.Day]analytics.Figures, error) {
	rows, err := db.pool.Query(ctx, `SELECT period_start, visits, unique_patients,
	    new_patients, by_status, by_reason
	  FROM visit_rollups WHERE granularity = $1 AND period_start BETWEEN $2::date AND $3::date`,
		string(g), first.String(), last.String())
	if err != nil {
		return nil, translate(err)
	}
	return collectFigures(rows)
}

// LiveVisitFigures computes g's figures from the visits themselves for the days
// from..through (whole periods are the caller's business), without storing them.
func (db *DB) LiveVisitFigures(ctx context.Context, loc *time.Location,
	g analytics.Granularity, from, through analytics.Day) (
	map[analytics.Day]analytics.Figures, error) {
	rows, err := db.pool.Query(ctx, figuresQuery(false), loc.String(), from.String(),
		through.String(), string(g))
	if err != nil {
		return nil, translate(err)
	}
	return collectFigures(rows)
}

func collectFigures(rows pgx.Rows) (map[analytics.Day]analytics.Figures, error) {
	out := map[analytics.Day]analytics.Figures{}
	for rows.Next() {
		var period time.Time
		var f analytics.Figures
		var byStatus, byReason []byte
		if err := rows.Scan(&period, &f.Visits, &f.UniquePatients, &f.NewPatients,
			&byStatus, &byReason); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		var err error
		if f.ByReason, err = decodeReasons(byReason); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal(byStatus, &f.ByStatus); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode rollup statuses: %w", err)
		}
		out[analytics.DayOf(period)] = f
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// decodeReasons reads the [["code","reason",n], ...] form of by_reason.
func decodeReasons(b []byte) ([]analytics.ReasonCount, error) {
	var raw [][3]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode rollup reasons: %w", err)
	}
	out := make([]analytics.ReasonCount, 0, len(raw))
	for _, r := range raw {
		code, _ := r[0].(string)
		reason, _ := r[1].(string)
		n, _ := r[2].(float64)
		out = append(out, analytics.ReasonCount{Code: code, Reason: reason, Visits: int(n)})
	}
	analytics.SortReasons(out)
	return out, nil
}
