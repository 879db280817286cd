package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"patienttracker/handler/postgres"
)

// Generated visits start between dataFrom and dataTo, spread evenly: about 2,700 a day
// for 10,000,000 visits over ten years and a month.
var (
	dataFrom = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	dataTo   = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
)

// ensureData returns the URL of the generated database, making it when it is missing,
// unfinished or -rebuild is given. A finished one carries the comment "ready".
func ensureData(ctx context.Context, server, name string, o options) (string, error) {
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", server, err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	var comment *string
	err = admin.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database
	  WHERE datname = $1`, name).Scan(&comment)
	url := withDatabase(server, name)
	if err == nil && comment != nil && *comment == "ready" && !o.rebuild {
		fmt.Printf("reusing %s\n", name)
		return url, nil
	}
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop: %w", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	if err := postgres.Migrate(ctx, url); err != nil {
		return "", err
	}
	start := time.Now()
	if err := generate(ctx, url, o); err != nil {
		return "", err
	}
	fmt.Printf("generated %d visits of %d patients in %.1f s\n", o.visits, o.patients,
		time.Since(start).Seconds())
	if _, err := admin.Exec(ctx, "COMMENT ON DATABASE "+ident+" IS 'ready'"); err != nil {
		return "", fmt.Errorf("mark ready: %w", err)
	}
	return url, nil
}

// generate fills patients and visits with generate_series, without the indexes, the
// foreign key checks and the visit-change trigger (session_replication_role = replica),
// in two parallel halves, then builds the indexes and analyzes.
func generate(ctx context.Context, url string, o options) error {
	if err := execAll(ctx, url,
		"DROP INDEX visits_patient, visits_start, visits_patient_counted",
		"ALTER TABLE visits DROP CONSTRAINT visits_pkey",
		`INSERT INTO patients (id, mrn, given_names, family_name, name_folded, name_compact,
		   sort_name, birth_date, sex, created_at, updated_at)
		 SELECT lpad(to_hex(i), 32, '0')::uuid, 'B' || i, 'Bench', 'Patient ' || i,
		   'bench patient', 'benchpatient', 'patient bench',
		   date '1930-01-01' + (i * 7919 % 33000), (ARRAY['female','male','other'])[1 + i % 3],
		   timestamptz '2015-06-01' + i * interval '20 minutes',
		   timestamptz '2015-06-01' + i * interval '20 minutes'
		 FROM generate_series(1, `+fmt.Sprint(o.patients)+`) AS i`,
	); err != nil {
		return err
	}
	// Two halves of the time range in parallel, each written in start order: a clinic's
	// visits arrive roughly in time order, so the table is that way round too.
	g, gctx := errgroup.WithContext(ctx)
	half := o.visits / 2
	mid := dataFrom.Add(dataTo.Sub(dataFrom) / 2)
	parts := [][2]time.Time{{dataFrom, mid}, {mid, dataTo}}
	for part, n := range []int{half, o.visits - half} {
		g.Go(func() error {
			return execAll(gctx, url, "SET session_replication_role = replica",
				"SET work_mem = '256MB'",
				fmt.Sprintf("SELECT setseed(%f)", 0.1+0.2*float64(part)),
				fmt.Sprintf(visitsSQL, n, o.patients-1, parts[part][0].Format(time.RFC3339),
					parts[part][1].Format(time.RFC3339)))
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return execAll(ctx, url, "SET maintenance_work_mem = '512MB'",
		"ALTER TABLE visits ADD PRIMARY KEY (id)",
		"CREATE INDEX visits_patient ON visits (patient_id, start_at DESC, id)",
		"CREATE INDEX visits_start ON visits (start_at)",
		`CREATE INDEX visits_patient_counted ON visits (patient_id, start_at)
		   WHERE status NOT IN ('cancelled', 'entered-in-error')`,
		"VACUUM ANALYZE patients", "VACUUM ANALYZE visits")
}

// visitsSQL makes %[1]d visits of random patients 1..%[2]d+1 starting between %[3]s
// and %[4]s, in start order: mostly finished, some cancelled, planned or in error,
// eight reasons.
const visitsSQL = `
INSERT INTO visits (id, patient_id, start_at, status, reason, reason_code, created_at,
  updated_at)
SELECT gen_random_uuid(), lpad(to_hex(1 + floor(random() * %[2]d)::int), 32, '0')::uuid,
  g.t, (ARRAY['finished','finished','finished','finished','finished','finished',
    'finished','cancelled','planned','entered-in-error'])[1 + floor(random() * 10)::int],
  r.reason, r.code, g.t, g.t
FROM (SELECT timestamptz '%[3]s' + random() * (timestamptz '%[4]s' - timestamptz '%[3]s')
        AS t, floor(random() * 8)::int AS k
      FROM generate_series(1, %[1]d)) g
JOIN (VALUES (0, 'Check-up', '185349003'), (1, 'Cough', NULL), (2, 'Follow-up', '390906007'),
  (3, 'Vaccination', '33879002'), (4, 'Back pain', '161891005'), (5, NULL, NULL),
  (6, 'Well child visit', '410620009'), (7, 'Hypertension review', '38341003'))
  AS r(k, reason, code) ON r.k = g.k
ORDER BY g.t`

// execAll runs statements in order on one new connection.
func execAll(ctx context.Context, url string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	return nil
}

// withDatabase returns the server URL with its database name replaced.
func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}
