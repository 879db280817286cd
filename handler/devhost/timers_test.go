package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/funchost"
)

// fakeClock is a clock whose time moves only when the test advances it.
type fakeClock struct {
	mu      sync.Mutex
	cond    *sync.Cond
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	c := &fakeClock{now: now}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	c.cond.Broadcast()
	return ch
}

// fireNext waits until someone waits on the clock, then moves time to the earliest
// deadline and wakes that waiter.
func (c *fakeClock) fireNext() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.waiters) == 0 {
		c.cond.Wait()
	}
	first := 0
	for i, w := range c.waiters {
		if w.at.Before(c.waiters[first].at) {
			first = i
		}
	}
	w := c.waiters[first]
	c.waiters = append(c.waiters[:first], c.waiters[first+1:]...)
	if w.at.After(c.now) {
		c.now = w.at
	}
	w.ch <- c.now
}

func timerFunction(schedule string, useMonitor *bool) *function {
	return &function{Name: "VisitTrends", Trigger: binding{Type: "timerTrigger",
		Name: "timer", Schedule: schedule, UseMonitor: useMonitor}}
}

func TestTimerScheduleMatchesFixture(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(time.Date(2024, 11, 3, 12, 0, 0, 0, time.UTC))
	job, err := newTimerJob(timerFunction("0 0 2 * * *", nil), os.Getenv, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan funchost.Request)
	tm := &timers{jobs: map[string]*timerJob{"VisitTrends": job}, clock: clk,
		invoke: func(_ context.Context, fn string, req funchost.Request) error {
			sent <- req
			return nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { tm.run(ctx, job) })
	defer func() { cancel(); wg.Wait() }()

	clk.fireNext()
	first := <-sent
	wantFirst := `{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{` +
		`"Last":"0001-01-01T00:00:00+00:00","Next":"2024-11-04T02:00:00+00:00",` +
		`"LastUpdated":"0001-01-01T00:00:00+00:00"},"IsPastDue":false}`
	if got := string(first.Data["timer"]); got != wantFirst {
		t.Errorf("first run = %s\nwant %s", got, wantFirst)
	}

	clk.fireNext()
	second := <-sent
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "fixtures", "timer.request.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture funchost.Request
	if err := json.Unmarshal(b, &fixture); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(compact(t, second.Data["timer"]),
		compact(t, fixture.Data["timer"])); diff != "" {
		t.Errorf("second run differs from the fixture (-got +want):\n%s", diff)
	}
	sys, err := second.Sys()
	if err != nil || sys.MethodName != "VisitTrends" ||
		sys.UtcNow != "2024-11-05T02:00:00.0000000Z" || !guidRE.MatchString(sys.RandGuid) {
		t.Errorf("sys = %+v, %v", sys, err)
	}
	if len(second.Metadata) != 1 {
		t.Errorf("Metadata keys = %d, want only sys", len(second.Metadata))
	}
}

func compact(tb testing.TB, raw json.RawMessage) string {
	tb.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestTimerJobVariants(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 3, 12, 0, 0, 0, time.UTC)
	off := false
	tests := []struct {
		name, schedule string
		useMonitor     *bool
		wantStatus     bool
		wantDST        bool
		wantErr        bool
	}{
		{name: "Nightly", schedule: "0 0 2 * * *", wantStatus: true, wantDST: true},
		{name: "EverySecondNoMonitor", schedule: "* * * * * *", wantDST: true},
		{name: "MonitorOff", schedule: "0 0 2 * * *", useMonitor: &off, wantDST: true},
		{name: "TimeSpan", schedule: "00:05:00", wantStatus: true},
		{name: "FromSetting", schedule: "%PT_TEST_SCHEDULE%", wantStatus: true, wantDST: true},
		{name: "ErrFiveFields", schedule: "0 2 * * *", wantErr: true},
		{name: "ErrGarbage", schedule: "nightly", wantErr: true},
	}
	getenv := func(k string) string {
		return map[string]string{"PT_TEST_SCHEDULE": "0 */5 * * * *"}[k]
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job, err := newTimerJob(timerFunction(tc.schedule, tc.useMonitor), getenv, now)
			if (err != nil) != tc.wantErr {
				t.Fatalf("newTimerJob error = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			info := job.info(time.Time{})
			if (info.ScheduleStatus != nil) != tc.wantStatus ||
				info.Schedule.AdjustForDST != tc.wantDST {
				t.Errorf("info = %+v", info)
			}
		})
	}
}
