package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"patienttracker/handler/analytics"
	"patienttracker/handler/postgres"
)

// The clinic the bench rolls up for, and the day of its full run.
var (
	clinic, _ = time.LoadLocation("America/New_York")
	fullToday = analytics.NewDay(2026, 1, 10)
)

type bench struct {
	db     *postgres.DB
	conn   *pgx.Conn
	visits int
	// floors adds the cheaper baselines: UTC days, and day figures only.
	floors bool
	// window is the runs' window of recent days.
	window int
}

// plainSQL are the from-scratch GROUP BY queries that give every figure the rollup
// stores, for one granularity ($2) in the zone $1 (%[1]s is the period of the column
// %[2]s). zoned is how one writes them for clinic-local days; utc groups by UTC dates,
// which is wrong for the clinic (BL-04) but shows the cost of the grouping alone.
const plainSQL = `
SELECT %[1]s, status, count(*) FROM visits GROUP BY 1, 2;
SELECT %[1]s, count(*), count(DISTINCT patient_id) FROM visits
 WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY 1;
SELECT %[1]s, reason_code, reason, count(*) FROM visits
 WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY 1, 2, 3;
SELECT %[3]s, count(*) FROM (SELECT min(start_at) AS f FROM visits
 WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY patient_id) x GROUP BY 1`

var (
	zoned = []string{"date_trunc($2, start_at AT TIME ZONE $1)::date",
		"date_trunc($2, f AT TIME ZONE $1)::date"}
	utc = []string{"date_trunc($2, start_at AT TIME ZONE 'UTC')::date",
		"date_trunc($2, f AT TIME ZONE 'UTC')::date"}
)

// plain runs the plain aggregate for the granularities and reads every row, as the
// rollup does.
func (b *bench) plain(ctx context.Context, gs []analytics.Granularity, period []string) (
	time.Duration, error) {
	start := time.Now()
	for _, g := range gs {
		for _, q := range strings.Split(fmt.Sprintf(plainSQL, period[0], "start_at",
			period[1]), ";") {
			args := []any{clinic.String(), string(g)}
			if !strings.Contains(q, "$1") { // the UTC form names no zone
				q, args = strings.ReplaceAll(q, "$2", "$1"), args[1:]
			}
			rows, err := b.conn.Query(ctx, q, args...)
			if err != nil {
				return 0, fmt.Errorf("plain aggregate: %w", err)
			}
			for rows.Next() {
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return 0, fmt.Errorf("plain aggregate: %w", err)
			}
		}
	}
	return time.Since(start), nil
}

func (b *bench) reset(ctx context.Context) error {
	_, err := b.conn.Exec(ctx, `DELETE FROM visit_rollups; DELETE FROM visit_rollup_state;
	  DELETE FROM visit_changes; DELETE FROM visits WHERE reason = 'Night edit'`)
	return err
}

func (b *bench) rollup(ctx context.Context, today analytics.Day) (postgres.RollupResult,
	time.Duration, error) {
	start := time.Now()
	res, err := b.db.RollupVisits(ctx, postgres.RollupInput{Location: clinic, Today: today,
		Window: b.window, Now: today.Midnight(clinic).Add(5 * time.Hour), Timeout: time.Hour})
	return res, time.Since(start), err
}

// full measures the first (full) rollup and the plain aggregates over every visit,
// alternating, and keeps the best of each.
func (b *bench) full(ctx context.Context, runs int) error {
	inf := time.Duration(1 << 62)
	best := map[string]time.Duration{"zoned": inf, "utc": inf, "day": inf, "full": inf}
	all := analytics.Granularities
	for i := 0; i < max(runs, 1); i++ {
		measures := map[string]func() (time.Duration, error){
			"zoned": func() (time.Duration, error) { return b.plain(ctx, all, zoned) },
		}
		if b.floors {
			measures["utc"] = func() (time.Duration, error) { return b.plain(ctx, all, utc) }
			measures["day"] = func() (time.Duration, error) {
				return b.plain(ctx, []analytics.Granularity{analytics.Daily}, zoned)
			}
		}
		for name, m := range measures {
			d, err := m()
			if err != nil {
				return err
			}
			best[name] = min(best[name], d)
		}
		if err := b.reset(ctx); err != nil {
			return err
		}
		res, d, err := b.rollup(ctx, fullToday)
		if err != nil {
			return err
		}
		if !res.Plan.Full {
			return fmt.Errorf("full run planned %+v", res.Plan)
		}
		best["full"] = min(best["full"], d)
	}
	fmt.Printf("visits: %d; clinic zone %s; best of %d runs; work_mem %s\n", b.visits, clinic,
		runs, postgres.RollupWorkMem)
	report("full rollup vs plain GROUP BY, local days", best["full"], best["zoned"], "<= 1.5x")
	if b.floors {
		report("full rollup vs plain GROUP BY, UTC days", best["full"], best["utc"], "(floor)")
		fmt.Printf("%-44s %9.1f ms\n", "plain GROUP BY, local days, day figures only",
			ms(best["day"]))
	}
	return nil
}

// nights measures five ordinary nights after the full run, each after a day's edits
// (50 new visits, 20 status changes), and the night a month ends.
func (b *bench) nights(ctx context.Context) error {
	var times []time.Duration
	var plainTimes []time.Duration
	for today := fullToday.AddDays(1); !today.After(fullToday.AddDays(5)); today = today.AddDays(1) {
		if err := b.dayOfEdits(ctx, today.AddDays(-1)); err != nil {
			return err
		}
		res, d, err := b.rollup(ctx, today)
		if err != nil {
			return err
		}
		p, err := b.plainNight(ctx, res.Plan)
		if err != nil {
			return err
		}
		times, plainTimes = append(times, d), append(plainTimes, p)
	}
	report(fmt.Sprintf("night run (median of 5 nights, window %d)", b.window), median(times),
		median(plainTimes), "< 100 ms")
	monthEnd := analytics.NewDay(2026, 2, 1)
	res, d, err := b.rollup(ctx, monthEnd)
	if err != nil {
		return err
	}
	p, err := b.plainNight(ctx, res.Plan)
	if err != nil {
		return err
	}
	report("night a month ends (January recomputed)", d, p, "(reported)")
	return nil
}

// plainNight is the cheapest plain aggregate over the days a night recomputes: visits
// and unique patients by day and status, through the index on start_at.
func (b *bench) plainNight(ctx context.Context, plan analytics.RollupPlan) (time.Duration,
	error) {
	start := time.Now()
	rows, err := b.conn.Query(ctx, `SELECT (start_at AT TIME ZONE $1)::date, status, count(*),
	    count(DISTINCT patient_id)
	  FROM visits WHERE start_at >= $2 AND start_at < $3 GROUP BY 1, 2`, clinic.String(),
		plan.From.Midnight(clinic), plan.Through.AddDays(1).Midnight(clinic))
	if err != nil {
		return 0, fmt.Errorf("plain night aggregate: %w", err)
	}
	for rows.Next() {
	}
	rows.Close()
	return time.Since(start), rows.Err()
}

// dayOfEdits adds the day's visits and changes a few statuses, as a clinic day would.
func (b *bench) dayOfEdits(ctx context.Context, day analytics.Day) error {
	_, err := b.conn.Exec(ctx, `INSERT INTO visits (id, patient_id, start_at, status, reason,
	    created_at, updated_at)
	  SELECT gen_random_uuid(), patient_id, $1::timestamptz + i * interval '10 minutes',
	    'finished', 'Night edit', now(), now()
	  FROM (SELECT patient_id, row_number() OVER () AS i FROM visits
	        WHERE start_at >= $1::timestamptz - interval '30 days' LIMIT 50) p`,
		day.Midnight(clinic).Add(8*time.Hour))
	if err != nil {
		return fmt.Errorf("day of edits: %w", err)
	}
	_, err = b.conn.Exec(ctx, `UPDATE visits SET status = 'cancelled'
	  WHERE id IN (SELECT id FROM visits WHERE start_at >= $1 AND start_at < $2
	               AND status = 'finished' LIMIT 20)`,
		day.AddDays(-3).Midnight(clinic), day.Midnight(clinic))
	if err != nil {
		return fmt.Errorf("day of edits: %w", err)
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
