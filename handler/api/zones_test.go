package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The process's own zone (TZ) must change nothing: birth dates are dates, instants are
// written in UTC. time.Local cannot be changed safely inside a test binary that runs tests
// in parallel under -race, so each zone runs in a child process of this same binary.

const zoneChildEnv = "PT_ZONE_CHILD"

var uuidPattern = regexp.MustCompile(
	`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// runZoneChild runs TestZoneChild at the time zone tz and returns its transcript.
func runZoneChild(t *testing.T, tz string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestZoneChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TZ="+tz, zoneChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("child at TZ=%s: %v\n%s", tz, err, out)
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "ZONE-RESULT "); ok {
			return rest
		}
	}
	t.Errorf("child at TZ=%s printed no transcript:\n%s", tz, out)
	return ""
}

// TestV9_BL03_ReadBackInAnyZone is V9's and BL-03's time-zone half: the same calls made by
// processes at TZ=Pacific/Kiritimati (UTC+14), America/Adak (UTC-10), Asia/Tokyo and
// America/Los_Angeles give byte-identical answers, with every birth date exactly as sent.
func TestV9_BL03_ReadBackInAnyZone(t *testing.T) {
	t.Parallel()
	zones := []string{"UTC", "Pacific/Kiritimati", "America/Adak", "Asia/Tokyo",
		"America/Los_Angeles"}
	got := make([]string, len(zones))
	var wg sync.WaitGroup
	for i, tz := range zones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = runZoneChild(t, tz)
		}()
	}
	wg.Wait()
	for i, tz := range zones[1:] {
		if got[i+1] != got[0] {
			t.Errorf("TZ=%s answers differ from TZ=%s:\n%s\n%s", tz, zones[0], got[i+1], got[0])
		}
	}
}

// TestZoneChild makes BL-03's calls and prints what came back, ids blanked out.
func TestZoneChild(t *testing.T) {
	if os.Getenv(zoneChildEnv) == "" {
		t.Skip("runs only as a child of TestV9_BL03_ReadBackInAnyZone")
	}
	if name, _ := time.Now().Zone(); os.Getenv("TZ") != "UTC" && name == "UTC" {
		t.Fatalf("the child did not take TZ=%s", os.Getenv("TZ"))
	}
	e := newEnv(t)
	var transcript []string
	keep := func(res result) {
		transcript = append(transcript, uuidPattern.ReplaceAllString(string(res.body), "ID"))
	}
	// Two browsers, one in Los Angeles and one at Kiritimati, both send the date as typed.
	ids := []string{}
	for _, name := range []string{"Losangeles", "Kiritimati"} {
		body := patientBody("familyName", name)
		body["birthDate"] = "1990-01-01"
		res := e.do(req{user: "u-front", method: "POST", path: "/api/patients", body: body})
		checkJSON(t, res, http.StatusCreated)
		keep(res)
		ids = append(ids, res.json(t)["id"].(string))
	}
	for _, id := range ids {
		res := e.do(req{user: "u-clin", method: "GET", path: "/api/patients/" + id})
		if got := res.json(t)["birthDate"]; got != "1990-01-01" {
			t.Errorf("birthDate read back %v", got)
		}
		keep(res)
		v := e.createVisit(id, "2026-11-30T23:30:00-10:00", "late visit")
		res = e.do(req{user: "u-clin", method: "GET", path: "/api/visits/" + v["id"].(string)})
		keep(res)
	}
	for _, body := range []map[string]any{{"q": "1990-01-01"},
		{"birthDateFrom": "1990-01-01", "birthDateTo": "1990-01-01"},
		{"sort": "name"}, {"sort": "-mrn"}} {
		res := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search", body: body})
		checkJSON(t, res, http.StatusOK)
		keep(res)
	}
	if total := e.do(req{user: "u-clin", method: "POST", path: "/api/patients/search",
		body: map[string]any{"q": "1990-01-01"}}).json(t)["total"]; total != float64(2) {
		t.Errorf("birth-date search found %v, want both", total)
	}
	res := e.do(req{user: "u-admin", method: "GET", path: "/api/audit?limit=3"})
	keep(res)
	b, _ := json.Marshal(transcript)
	t.Logf("transcript ready")
	os.Stdout.WriteString("\nZONE-RESULT " + string(b) + "\n")
}
