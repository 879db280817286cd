package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
)

type coreOptions struct {
	dbURL       string
	binary      string
	patients    int
	duration    time.Duration
	concurrency int
}

// sample holds real values from the seeded table to query for.
type sample struct {
	ids      []uuid.UUID
	mrns     []string
	births   []string
	prefixes []string
	common   []string
	rare     []string
	fullName []string
}

func benchCore(ctx context.Context, o coreOptions) error {
	if err := ensureDatabase(ctx, o.dbURL); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, o.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if err := seedPatients(ctx, conn, o.patients); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `INSERT INTO staff (id, email, display_name, role, active,
	    identity_provider, identity_user_id, bound_at, created_at, updated_at)
	  VALUES ($1, 'bench@clinic.test', 'Bench', 'clinician', true, 'aad', 'bench', now(),
	    now(), now()) ON CONFLICT DO NOTHING`, uuid.New()); err != nil {
		return err
	}
	s, err := takeSample(ctx, conn)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %d cores; PostgreSQL, the binary and the load all share them\n",
		numCPU())

	startup, err := measureStartup(ctx, o)
	if err != nil {
		return err
	}
	fmt.Printf("\nstart-up to first answer on GET /: p50 %.1f ms over 7 starts (goal < 20 ms)\n",
		ms(startup))

	port, stopBinary, err := startBinary(ctx, o)
	if err != nil {
		return err
	}
	defer stopBinary()
	return compareGet(ctx, o, s, port)
}

func numCPU() int { return runtime.NumCPU() }

func takeSample(ctx context.Context, conn *pgx.Conn) (sample, error) {
	var s sample
	rows, err := conn.Query(ctx, `SELECT id, mrn, birth_date::text, given_names, family_name
	  FROM patients TABLESAMPLE SYSTEM (1) LIMIT 2000`)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var id uuid.UUID
		var mrn, birth, given, family string
		if err := rows.Scan(&id, &mrn, &birth, &given, &family); err != nil {
			return s, err
		}
		s.ids = append(s.ids, id)
		s.mrns = append(s.mrns, mrn)
		s.births = append(s.births, birth)
		f := patient.Fold(family)
		s.prefixes = append(s.prefixes, f[:min(4, len(f))])
		s.fullName = append(s.fullName, given+" "+family)
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	s.common = []string{"son", "mar", "ez", "ann"}
	for i := 0; i < 50; i++ {
		s.rare = append(s.rare, fmt.Sprintf("q%dz", i*1000))
	}
	return s, nil
}

// measureStartup starts the binary seven times and takes the median time until it
// answers GET /, polling every millisecond.
func measureStartup(ctx context.Context, o coreOptions) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < 7; i++ {
		port, err := freePort()
		if err != nil {
			return 0, err
		}
		cmd := binaryCmd(o, port)
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		url := "http://127.0.0.1:" + strconv.Itoa(port) + "/"
		for {
			resp, err := http.Get(url)
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Since(t0) > 30*time.Second {
				_ = cmd.Process.Kill()
				return 0, fmt.Errorf("binary did not answer GET / within 30 s")
			}
			time.Sleep(time.Millisecond)
		}
		times = append(times, time.Since(t0))
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	return summarize(times, 0, time.Second).p50, nil
}

func binaryCmd(o coreOptions, port int) *exec.Cmd {
	cmd := exec.Command(o.binary)
	cmd.Env = append(os.Environ(), "FUNCTIONS_CUSTOMHANDLER_PORT="+strconv.Itoa(port),
		"PT_ENVIRONMENT=test", "PT_DATABASE_URL="+o.dbURL, "PT_LOG_LEVEL=warn",
		"PT_SEARCH_PER_MINUTE=0", "PT_READS_PER_MINUTE=0", "PT_DATABASE_MAX_CONNS=32")
	return cmd
}

func startBinary(ctx context.Context, o coreOptions) (int, func(), error) {
	port, err := freePort()
	if err != nil {
		return 0, nil, err
	}
	cmd := binaryCmd(o, port)
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	for i := 0; i < 3000; i++ {
		if resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/"); err == nil {
			resp.Body.Close()
			return port, stop, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	return 0, nil, fmt.Errorf("binary did not start")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

var principal = func() string {
	b, _ := json.Marshal(map[string]any{"identityProvider": "aad", "userId": "bench",
		"userDetails": "bench@clinic.test", "userRoles": []string{"anonymous", "authenticated"}})
	return base64.StdEncoding.EncodeToString(b)
}()

// compareGet runs the audited GET through the binary and an unaudited raw pgx
// GET-by-id server at the same concurrency, then the search shapes.
func compareGet(ctx context.Context, o coreOptions, s sample, port int) error {
	pool, err := pgxpool.New(ctx, o.dbURL+"&pool_max_conns=32")
	if err != nil {
		return err
	}
	defer pool.Close()
	rawURL, stopRaw, err := startRawServer(pool)
	if err != nil {
		return err
	}
	defer stopRaw()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency,
		MaxConnsPerHost: o.concurrency}}
	api := "http://127.0.0.1:" + strconv.Itoa(port)

	fmt.Printf("\nGET a patient by id, %d connections, %s each:\n", o.concurrency, o.duration)
	raw := load(ctx, client, o.concurrency, o.duration, func(i int64) *http.Request {
		r, _ := http.NewRequest("GET", rawURL+"/raw/"+s.ids[i%int64(len(s.ids))].String(), nil)
		return r
	})
	fmt.Printf("  raw pgx server (no auth, no audit): %s\n", raw)
	got := load(ctx, client, o.concurrency, o.duration, func(i int64) *http.Request {
		r, _ := http.NewRequest("GET", api+"/api/patients/"+s.ids[i%int64(len(s.ids))].String(), nil)
		r.Header.Set("X-Ms-Client-Principal", principal)
		return r
	})
	fmt.Printf("  binary (signed in, audited):       %s\n", got)
	fmt.Printf("  ratio: %.0f%% of the raw server's requests per second (goal >= 40%%)\n",
		100*got.rps/raw.rps)
	return benchSearch(ctx, o, s, client, api, pool)
}

func startRawServer(pool *pgxpool.Pool) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /raw/{id}", func(w http.ResponseWriter, r *http.Request) {
		var out struct {
			ID, MRN, Given, Family, Birth, Sex string
		}
		err := pool.QueryRow(r.Context(), `SELECT id::text, mrn, given_names, family_name,
		  birth_date::text, sex FROM patients WHERE id = $1`, r.PathValue("id")).Scan(
			&out.ID, &out.MRN, &out.Given, &out.Family, &out.Birth, &out.Sex)
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// benchSearch measures each search shape through the binary and the same search done
// directly through the postgres package, one query at a time.
func benchSearch(ctx context.Context, o coreOptions, s sample, client *http.Client,
	api string, pool *pgxpool.Pool) error {
	db, err := postgres.Open(ctx, postgres.Options{URL: o.dbURL, MaxConns: 8})
	if err != nil {
		return err
	}
	defer db.Close()
	shapes := searchShapes(s)
	fmt.Printf("\nsearch shapes at %d patients, one at a time, %s each (goal p95 < 100 ms):\n",
		o.patients, o.duration/2)
	for _, sh := range shapes {
		via := load(ctx, client, 1, o.duration/2, func(i int64) *http.Request {
			body := fmt.Sprintf(`{"q":%q}`, sh.terms[i%int64(len(sh.terms))])
			r, _ := http.NewRequest("POST", api+"/api/patients/search", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Ms-Client-Principal", principal)
			return r
		})
		direct := timeDirect(ctx, db, sh.terms, o.duration/2)
		fmt.Printf("  %-16s binary p50 %6.2f ms p95 %6.2f ms | direct p50 %6.2f ms p95 %6.2f ms\n",
			sh.name, ms(via.p50), ms(via.p95), ms(direct.p50), ms(direct.p95))
	}
	return nil
}

func timeDirect(ctx context.Context, db *postgres.DB, terms []string, d time.Duration) stats {
	var lat []time.Duration
	start := time.Now()
	for i := 0; time.Since(start) < d; i++ {
		search, err := patient.ParseSearch(patient.SearchRequest{Q: terms[i%len(terms)]})
		if err != nil {
			continue
		}
		t0 := time.Now()
		if _, err := db.SearchPatients(ctx, search); err == nil {
			lat = append(lat, time.Since(t0))
		}
	}
	return summarize(lat, 0, time.Since(start))
}

// benchSearchOnly times the search shapes through the postgres package alone.
func benchSearchOnly(ctx context.Context, o coreOptions) error {
	if err := ensureDatabase(ctx, o.dbURL); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, o.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if err := seedPatients(ctx, conn, o.patients); err != nil {
		return err
	}
	s, err := takeSample(ctx, conn)
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, postgres.Options{URL: o.dbURL, MaxConns: 4})
	if err != nil {
		return err
	}
	defer db.Close()
	for _, sh := range searchShapes(s) {
		d := timeDirect(ctx, db, sh.terms, o.duration/2)
		fmt.Printf("  %-16s p50 %6.2f ms  p95 %6.2f ms  (%d searches)\n", sh.name, ms(d.p50),
			ms(d.p95), d.requests)
	}
	return nil
}

type shape struct {
	name  string
	terms []string
}

func searchShapes(s sample) []shape {
	return []shape{{"MRN", s.mrns}, {"birth date", s.births}, {"name prefix", s.prefixes},
		{"common fragment", s.common}, {"rare fragment", s.rare},
		{"given + family", s.fullName}}
}
