package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// invokeFunc sends one envelope invocation.
type invokeFunc func(ctx context.Context, fn string, req funchost.Request) error

// ncrontab parses the host's 6-field NCRONTAB ({second} {minute} {hour} {day}
// {month} {day-of-week}).
var ncrontab = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom |
	cron.Month | cron.Dow | cron.Descriptor)

// timeSpanRE matches the TimeSpan form of a schedule ("hh:mm:ss" or "d.hh:mm:ss").
var timeSpanRE = regexp.MustCompile(`^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$`)

// timerJob is one timerTrigger binding with its in-memory schedule status (the real
// host keeps it in AzureWebJobsStorage; here it lives as long as the dev host).
type timerJob struct {
	fn           *function
	sched        cron.Schedule
	adjustForDST bool
	useMonitor   bool

	mu     sync.Mutex
	status funchost.ScheduleStatus
}

// newTimerJob parses fn's schedule; %NAME% schedules are read from the app settings.
func newTimerJob(fn *function, getenv func(string) string, now time.Time) (*timerJob,
	error) {
	expr := strings.TrimSpace(fn.Trigger.Schedule)
	if strings.HasPrefix(expr, "%") && strings.HasSuffix(expr, "%") && len(expr) > 2 {
		expr = strings.TrimSpace(getenv(expr[1 : len(expr)-1]))
	}
	j := &timerJob{fn: fn}
	if m := timeSpanRE.FindStringSubmatch(expr); m != nil {
		j.sched = cron.Every(timeSpan(m))
	} else {
		sched, err := ncrontab.Parse(expr)
		if err != nil {
			return nil, fmt.Errorf("timer %s: schedule %q: %w", fn.Name, expr, err)
		}
		j.sched, j.adjustForDST = sched, true
	}
	// The host's default: monitor schedules whose interval is at least a minute.
	first := j.sched.Next(now)
	j.status.Next = funchost.Time{Time: first}
	j.useMonitor = j.sched.Next(first).Sub(first) >= time.Minute
	if fn.Trigger.UseMonitor != nil {
		j.useMonitor = *fn.Trigger.UseMonitor
	}
	return j, nil
}

func timeSpan(m []string) time.Duration {
	n := func(s string) time.Duration { v, _ := strconv.Atoi(s); return time.Duration(v) }
	return n(m[1])*24*time.Hour + n(m[2])*time.Hour + n(m[3])*time.Minute +
		n(m[4])*time.Second
}

// info returns the TimerInfo of a run of the occurrence at next.
func (j *timerJob) info(next time.Time) funchost.TimerInfo {
	j.mu.Lock()
	defer j.mu.Unlock()
	info := funchost.TimerInfo{Schedule: funchost.TimerSchedule{AdjustForDST: j.adjustForDST}}
	if j.useMonitor {
		st := j.status
		if !next.IsZero() {
			st.Next = funchost.Time{Time: next}
		}
		info.ScheduleStatus = &st
	}
	return info
}

// ran records a run at occurrence, as the host's listener does after each run.
func (j *timerJob) ran(occurrence time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.status = funchost.ScheduleStatus{Last: funchost.Time{Time: occurrence},
		Next:        funchost.Time{Time: j.sched.Next(occurrence)},
		LastUpdated: funchost.Time{Time: occurrence}}
}

// timers fires timer functions on schedule, on start-up and on demand.
type timers struct {
	jobs   map[string]*timerJob
	clock  clock
	invoke invokeFunc
	log    zerolog.Logger
}

// fire invokes the job's function. scheduled is the occurrence being run (zero keeps
// the status's Next, as for start-up and manual runs); ranAt, when set, is recorded as
// the run the status remembers (zero for manual runs, which change nothing).
func (t *timers) fire(ctx context.Context, j *timerJob, scheduled, ranAt time.Time) error {
	env := funchost.Envelope{FunctionName: j.fn.Name, Binding: j.fn.Trigger.Name,
		Now: t.clock.Now(), RandGUID: uuid.NewString()}
	req, err := funchost.BuildTimer(env, j.info(scheduled))
	if err != nil {
		return fmt.Errorf("fire timer %s: %w", j.fn.Name, err)
	}
	err = t.invoke(ctx, j.fn.Name, req)
	if !ranAt.IsZero() {
		// A failed timer run is only logged; the next occurrence runs as scheduled.
		j.ran(ranAt)
	}
	return err
}

// run fires j on its schedule until ctx ends; runOnStartup fires it once at once.
func (t *timers) run(ctx context.Context, j *timerJob) {
	if j.fn.Trigger.RunOnStartup {
		_ = t.fire(ctx, j, time.Time{}, t.clock.Now())
	}
	for {
		now := t.clock.Now()
		next := j.sched.Next(now)
		select {
		case <-ctx.Done():
			return
		case <-t.clock.After(next.Sub(now)):
		}
		if err := t.fire(ctx, j, next, next); err != nil && ctx.Err() == nil {
			t.log.Warn().Err(err).Str("function", j.fn.Name).Msg("timer run failed")
		}
	}
}
