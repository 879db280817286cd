// Package analyticstest helps the analytics tests: it loads visits into a test database
// (random ones, or the shared Synthea encounters), and computes the expected figures with
// plain, from-scratch GROUP BY queries over the visits, the oracle the rollup must equal.
package analyticstest

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"patienttracker/handler/analytics"
)

// Querier is what the helpers need of a connection, pool or transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// SharedDir returns ../shared as PT_SHARED_DIR names it (the Makefile sets it), or
// skips the test loudly without it.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PT_SHARED_DIR")
	if dir == "" {
		tb.Skip("SKIPPED: ../shared not found: PT_SHARED_DIR is not set")
	}
	if _, err := os.Stat(filepath.Join(dir, "testdata", "real")); err != nil {
		tb.Skipf("SKIPPED: ../shared not found at PT_SHARED_DIR: %v", err)
	}
	return dir
}

// InsertPatient stores a patient with placeholder demographics and returns its id.
func InsertPatient(tb testing.TB, q Querier, id uuid.UUID, birth string, sex string,
	created time.Time) uuid.UUID {
	tb.Helper()
	mrn := "T" + id.String()[:8]
	_, err := q.Exec(context.Background(), `INSERT INTO patients (id, mrn, given_names,
	    family_name, name_folded, name_compact, sort_name, birth_date, sex, created_at,
	    updated_at) VALUES ($1, $2, 'Test', 'Patient', 'test patient', 'testpatient',
	    'patient test', $3::date, $4, $5, $5)`, id, mrn, birth, sex, created)
	if err != nil {
		tb.Fatalf("insert patient: %v", err)
	}
	return id
}

// Visit is a visit to insert.
type Visit struct {
	ID, PatientID uuid.UUID
	Start         time.Time
	Status        string
	Reason, Code  string
}

// InsertVisits stores visits in one statement.
func InsertVisits(tb testing.TB, q Querier, vs []Visit) {
	tb.Helper()
	rows := make([][]any, len(vs))
	for i, v := range vs {
		rows[i] = []any{v.ID, v.PatientID, v.Start, v.Status, nullable(v.Reason),
			nullable(v.Code)}
	}
	ids, pats, starts, statuses, reasons, codes := columns(rows)
	_, err := q.Exec(context.Background(), `INSERT INTO visits (id, patient_id, start_at,
	    status, reason, reason_code, created_at, updated_at)
	  SELECT u.id, u.pid, u.st, u.status, u.reason, u.code, now(), now()
	  FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[],
	    $6::text[]) AS u(id, pid, st, status, reason, code)`,
		ids, pats, starts, statuses, reasons, codes)
	if err != nil {
		tb.Fatalf("insert visits: %v", err)
	}
}

func columns(rows [][]any) (ids, pats []uuid.UUID, starts []time.Time, statuses []string,
	reasons, codes []*string) {
	for _, r := range rows {
		ids = append(ids, r[0].(uuid.UUID))
		pats = append(pats, r[1].(uuid.UUID))
		starts = append(starts, r[2].(time.Time))
		statuses = append(statuses, r[3].(string))
		reasons = append(reasons, r[4].(*string))
		codes = append(codes, r[5].(*string))
	}
	return
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// LoadSynthea loads the shared Synthea patients and encounters (every encounter as a
// finished visit whose reason is its description) and returns the visits loaded.
func LoadSynthea(tb testing.TB, q Querier) []Visit {
	tb.Helper()
	dir := filepath.Join(SharedDir(tb), "testdata", "real", "synthea-csv")
	for _, p := range readCSV(tb, filepath.Join(dir, "patients.csv")) {
		sex := map[string]string{"M": "male", "F": "female"}[p["GENDER"]]
		InsertPatient(tb, q, uuid.MustParse(p["Id"]), p["BIRTHDATE"], sex,
			time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	}
	var vs []Visit
	for _, e := range readCSV(tb, filepath.Join(dir, "encounters.csv")) {
		start, err := time.Parse(time.RFC3339, e["START"])
		if err != nil {
			tb.Fatalf("encounter start: %v", err)
		}
		vs = append(vs, Visit{ID: uuid.MustParse(e["Id"]),
			PatientID: uuid.MustParse(e["PATIENT"]), Start: start, Status: "finished",
			Reason: e["DESCRIPTION"], Code: e["CODE"]})
	}
	InsertVisits(tb, q, vs)
	return vs
}

func readCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		tb.Fatalf("read %s: %v", path, err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// Statuses are the visit statuses, for random data.
var Statuses = []string{"planned", "arrived", "in-progress", "finished", "cancelled",
	"entered-in-error"}

var reasons = [][2]string{{"", ""}, {"185349003", "Check-up"}, {"", "Cough"},
	{"410620009", "Well child visit"}, {"", "Encounter for 'check-up'"}}

// RandomVisits makes n visits of the given patients with starts between from and to,
// a third of them within an hour of a local midnight or of one of the given instants
// (DST changes), so day boundaries are exercised.
func RandomVisits(r *rand.Rand, patients []uuid.UUID, n int, from, to time.Time,
	loc *time.Location, edges []time.Time) []Visit {
	out := make([]Visit, 0, n)
	span := to.Sub(from)
	for i := 0; i < n; i++ {
		start := from.Add(time.Duration(r.Int64N(int64(span))))
		switch r.IntN(3) {
		case 0:
			d := analytics.DayIn(start, loc)
			start = d.Midnight(loc).Add(time.Duration(r.IntN(120)-60) * time.Minute)
		case 1:
			if len(edges) > 0 {
				start = edges[r.IntN(len(edges))].Add(time.Duration(r.IntN(180)-90) *
					time.Minute)
			}
		}
		rs := reasons[r.IntN(len(reasons))]
		out = append(out, Visit{ID: uuid.New(), PatientID: patients[r.IntN(len(patients))],
			Start: start.Truncate(time.Second).UTC(), Status: Statuses[r.IntN(len(Statuses))],
			Code: rs[0], Reason: rs[1]})
	}
	return out
}

// Transitions returns the instants within from..to where loc's UTC offset changes.
func Transitions(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	_, prev := from.In(loc).Zone()
	for t := from; t.Before(to); t = t.Add(time.Hour) {
		if _, off := t.In(loc).Zone(); off != prev {
			out = append(out, t)
			prev = off
		}
	}
	return out
}

// Rollups maps each granularity to its figures by period start.
type Rollups map[analytics.Granularity]map[analytics.Day]analytics.Figures

// Stored reads every stored rollup.
func Stored(tb testing.TB, q Querier) Rollups {
	tb.Helper()
	out := Rollups{}
	for _, g := range analytics.Granularities {
		out[g] = map[analytics.Day]analytics.Figures{}
	}
	rows, err := q.Query(context.Background(), `SELECT granularity, period_start, visits,
	  unique_patients, new_patients, by_status, by_reason FROM visit_rollups`)
	if err != nil {
		tb.Fatalf("read rollups: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var p time.Time
		var f analytics.Figures
		var byReason [][3]any
		if err := rows.Scan(&g, &p, &f.Visits, &f.UniquePatients, &f.NewPatients,
			&f.ByStatus, &byReason); err != nil {
			tb.Fatalf("scan rollup: %v", err)
		}
		for _, r := range byReason {
			f.ByReason = append(f.ByReason, analytics.ReasonCount{Code: r[0].(string),
				Reason: r[1].(string), Visits: int(r[2].(float64))})
		}
		analytics.SortReasons(f.ByReason)
		out[analytics.Granularity(g)][analytics.DayOf(p)] = f
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("read rollups: %v", err)
	}
	return out
}

// Oracle computes, from scratch with plain GROUP BY queries over every visit, the
// figures of every period of every granularity that ends by through (the rollup keeps
// only finished periods), in the zone loc.
func Oracle(tb testing.TB, q Querier, loc *time.Location, through analytics.Day) Rollups {
	tb.Helper()
	out := Rollups{}
	for _, g := range analytics.Granularities {
		figs := map[analytics.Day]analytics.Figures{}
		oracleStatuses(tb, q, loc, g, figs)
		oracleCounted(tb, q, loc, g, figs)
		oracleReasons(tb, q, loc, g, figs)
		oracleNew(tb, q, loc, g, figs)
		for p := range figs {
			if g.End(p).After(through) {
				delete(figs, p)
			}
		}
		out[g] = figs
	}
	return out
}

const periodExpr = `date_trunc($2, start_at AT TIME ZONE $1)::date`

func oracleRows(tb testing.TB, q Querier, sql string, loc *time.Location,
	g analytics.Granularity, each func(rows pgx.Rows)) {
	tb.Helper()
	rows, err := q.Query(context.Background(), sql, loc.String(), string(g))
	if err != nil {
		tb.Fatalf("oracle: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		each(rows)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("oracle: %v", err)
	}
}

func oracleStatuses(tb testing.TB, q Querier, loc *time.Location, g analytics.Granularity,
	figs map[analytics.Day]analytics.Figures) {
	oracleRows(tb, q, `SELECT `+periodExpr+`, status, count(*)::int FROM visits
	  GROUP BY 1, 2`, loc, g, func(rows pgx.Rows) {
		var p time.Time
		var status string
		var n int
		mustScan(tb, rows, &p, &status, &n)
		f := figs[analytics.DayOf(p)]
		if f.ByStatus == nil {
			f.ByStatus = map[string]int{}
		}
		f.ByStatus[status] = n
		figs[analytics.DayOf(p)] = f
	})
}

func oracleCounted(tb testing.TB, q Querier, loc *time.Location, g analytics.Granularity,
	figs map[analytics.Day]analytics.Figures) {
	oracleRows(tb, q, `SELECT `+periodExpr+`, count(*)::int, count(DISTINCT patient_id)::int
	  FROM visits WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY 1`,
		loc, g, func(rows pgx.Rows) {
			var p time.Time
			var n, u int
			mustScan(tb, rows, &p, &n, &u)
			f := figs[analytics.DayOf(p)]
			f.Visits, f.UniquePatients = n, u
			figs[analytics.DayOf(p)] = f
		})
}

func oracleReasons(tb testing.TB, q Querier, loc *time.Location, g analytics.Granularity,
	figs map[analytics.Day]analytics.Figures) {
	oracleRows(tb, q, `SELECT `+periodExpr+`, coalesce(reason_code, ''), coalesce(reason, ''),
	    count(*)::int
	  FROM visits WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY 1, 2, 3`,
		loc, g, func(rows pgx.Rows) {
			var p time.Time
			var r analytics.ReasonCount
			mustScan(tb, rows, &p, &r.Code, &r.Reason, &r.Visits)
			f := figs[analytics.DayOf(p)]
			f.ByReason = append(f.ByReason, r)
			analytics.SortReasons(f.ByReason)
			figs[analytics.DayOf(p)] = f
		})
}

func oracleNew(tb testing.TB, q Querier, loc *time.Location, g analytics.Granularity,
	figs map[analytics.Day]analytics.Figures) {
	oracleRows(tb, q, `SELECT `+periodExpr+`, count(*)::int
	  FROM (SELECT patient_id, min(start_at) AS start_at FROM visits
	        WHERE status NOT IN ('cancelled', 'entered-in-error') GROUP BY patient_id) f
	  GROUP BY 1`, loc, g, func(rows pgx.Rows) {
		var p time.Time
		var n int
		mustScan(tb, rows, &p, &n)
		f := figs[analytics.DayOf(p)]
		f.NewPatients = n
		figs[analytics.DayOf(p)] = f
	})
}

func mustScan(tb testing.TB, rows pgx.Rows, dst ...any) {
	tb.Helper()
	if err := rows.Scan(dst...); err != nil {
		tb.Fatalf("oracle scan: %v", err)
	}
}

// Describe names a rollup for failure messages.
func Describe(g analytics.Granularity, d analytics.Day) string {
	return fmt.Sprintf("%s %s", g, d)
}
