package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// admin answers POST /admin/functions/<Name> like the real host: 202 at once, and the
// function runs in the background. A timer function runs with its current status; a
// blob function takes the input "container/blob-name" and gets that blob's envelope.
type admin struct {
	app     *app
	timers  *timers
	watcher *blobWatcher // nil when no blob storage is configured
	ctx     context.Context
	wg      *sync.WaitGroup
	log     zerolog.Logger
}

func (a *admin) handle(w http.ResponseWriter, r *http.Request) {
	fn := a.find(r.PathValue("name"))
	if fn == nil {
		writeProblem(w, http.StatusNotFound, "No function has this name.")
		return
	}
	var body struct {
		Input string `json:"input"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil &&
		!errors.Is(err, io.EOF) {
		writeProblem(w, http.StatusBadRequest, `The body must be {"input": "..."}.`)
		return
	}

	var run func(ctx context.Context) error
	switch {
	case isType(fn.Trigger, "timerTrigger") && a.timers.jobs[fn.Name] != nil:
		job := a.timers.jobs[fn.Name]
		run = func(ctx context.Context) error {
			return a.timers.fire(ctx, job, time.Time{}, time.Time{})
		}
	case isType(fn.Trigger, "blobTrigger") && a.watcher != nil:
		run = func(ctx context.Context) error { return a.watcher.fetch(ctx, fn, body.Input) }
	case isType(fn.Trigger, "blobTrigger"):
		writeProblem(w, http.StatusServiceUnavailable, "No blob storage is configured.")
		return
	default:
		writeProblem(w, http.StatusBadRequest,
			"Only timer and blob functions can be run from the admin endpoint here.")
		return
	}

	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := run(a.ctx); err != nil && a.ctx.Err() == nil {
			a.log.Warn().Err(err).Str("function", fn.Name).Msg("admin run failed")
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

func (a *admin) find(name string) *function {
	for _, fn := range a.app.Functions {
		if strings.EqualFold(fn.Name, name) {
			return fn
		}
	}
	return nil
}
