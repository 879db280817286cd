package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/analytics/analyticstest"
	"patienttracker/handler/funchost"
	"patienttracker/handler/jobs"
	"patienttracker/handler/postgres"
	"patienttracker/handler/postgres/pgtest"
)

// openDB returns the store on a fresh test database.
func openDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), postgres.Options{URL: pgtest.NewDatabase(tb)})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(db.Close)
	return db
}

// timerFixture reads ../shared/fixtures/timer.request.json as a generic JSON object.
func timerFixture(tb testing.TB) map[string]any {
	tb.Helper()
	path := filepath.Join(analyticstest.SharedDir(tb), "fixtures", "timer.request.json")
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatalf("fixture: %v", err)
	}
	return m
}

// timerVariants are the fixture and the variants functions-contract.md §8.B lists.
func timerVariants(tb testing.TB) map[string]map[string]any {
	tb.Helper()
	status := func(m map[string]any) map[string]any {
		return m["Data"].(map[string]any)["timer"].(map[string]any)["ScheduleStatus"].(map[string]any)
	}
	out := map[string]map[string]any{}
	out["Fixture"] = timerFixture(tb)
	m := timerFixture(tb)
	m["Data"].(map[string]any)["timer"].(map[string]any)["ScheduleStatus"] = nil
	out["ScheduleStatusNull"] = m
	m = timerFixture(tb)
	status(m)["Last"], status(m)["LastUpdated"] = "0001-01-01T00:00:00+00:00",
		"0001-01-01T00:00:00+00:00"
	out["FirstRunLast0001"] = m
	m = timerFixture(tb)
	m["Data"].(map[string]any)["timer"].(map[string]any)["IsPastDue"] = true
	out["IsPastDue"] = m
	m = timerFixture(tb)
	status(m)["Last"], status(m)["Next"] = "2024-11-04T02:00:00", "2024-11-05T02:00:00"
	out["TimesWithoutOffset"] = m
	m = timerFixture(tb)
	status(m)["Last"] = "2024-11-04T02:00:00.1234567+00:00"
	out["SevenFractionDigits"] = m
	return out
}

// builtTimer is a timer envelope made by funchost's builder (what the dev host sends),
// for tests that need no shared fixture.
func builtTimer(tb testing.TB, name string, now time.Time) funchost.Request {
	tb.Helper()
	req, err := funchost.BuildTimer(funchost.Envelope{FunctionName: name,
		Binding: jobs.TimerBinding, Now: now, RandGUID: uuid.NewString()},
		funchost.TimerInfo{Schedule: funchost.TimerSchedule{AdjustForDST: true}})
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

// withUtcNow sets sys.UtcNow of an envelope.
func withUtcNow(m map[string]any, t time.Time) map[string]any {
	m["Metadata"].(map[string]any)["sys"].(map[string]any)["UtcNow"] = funchost.FormatUtcNow(t)
	return m
}

// reply is the host's view of an envelope reply.
type reply struct {
	Status      int
	Outputs     map[string]any
	Logs        []string
	ReturnValue any
	raw         []byte
}

// invoke sends an envelope to fn the way the host does (chunked POST /<name>) and
// checks the reply's shape: JSON content type, a JSON object, Logs strings only.
func invoke(tb testing.TB, name string, fn funchost.Func, envelope any) reply {
	tb.Helper()
	body, err := json.Marshal(envelope)
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	funchost.Handle(mux, name, fn)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(zerolog.Nop().WithContext(r.Context())))
	}))
	defer srv.Close()
	// An io.Reader of unknown length makes the client send the body chunked.
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/"+name,
		io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(funchost.HeaderInvocationID, uuid.NewString())
	req.Header.Set(funchost.HeaderHostVersion, "4.1037.0.0")
	req.Header.Set("User-Agent", "Azure-Functions-Host/4.1037.0.0")
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("reply content type %q", ct)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		tb.Fatalf("reply is not a JSON object: %s", raw)
	}
	for _, k := range []string{"Outputs", "Logs", "ReturnValue"} {
		if _, ok := keys[k]; !ok {
			tb.Fatalf("reply lacks %s: %s", k, raw)
		}
	}
	r := reply{Status: resp.StatusCode, raw: raw}
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("reply shape: %v: %s", err, raw)
	}
	if len(r.Outputs) != 0 || r.ReturnValue != nil {
		tb.Fatalf("timer reply has outputs or a return value: %s", raw)
	}
	return r
}
