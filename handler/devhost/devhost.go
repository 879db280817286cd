package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// devhost ties the pieces together: the request router and the background triggers.
type devhost struct {
	mux     *http.ServeMux
	timers  *timers
	watcher *blobWatcher
	log     zerolog.Logger
}

// newDevhost wires the router and the triggers. Functions switched off with the app
// setting AzureWebJobs.<Name>.Disabled=true get no timer or blob trigger.
func newDevhost(ctx context.Context, cfg config, a *app, env map[string]string,
	sup *supervisor, wg *sync.WaitGroup, log zerolog.Logger) (*devhost, error) {
	iv := newInvoker(sup, log)
	invoke := func(ctx context.Context, fn string, req funchost.Request) error {
		_, err := iv.invoke(ctx, fn, req)
		return err
	}
	clk := realClock{}
	d := &devhost{mux: http.NewServeMux(), log: log,
		timers: &timers{jobs: map[string]*timerJob{}, clock: clk, invoke: invoke, log: log}}

	var blobFns []*function
	for _, fn := range a.Functions {
		if strings.EqualFold(env["AzureWebJobs."+fn.Name+".Disabled"], "true") {
			log.Info().Str("function", fn.Name).Msg("function disabled by app setting")
			continue
		}
		switch {
		case isType(fn.Trigger, "timerTrigger"):
			job, err := newTimerJob(fn, func(k string) string { return env[k] }, clk.Now())
			if err != nil {
				return nil, err
			}
			d.timers.jobs[fn.Name] = job
		case isType(fn.Trigger, "blobTrigger"):
			blobFns = append(blobFns, fn)
		}
	}
	var err error
	if d.watcher, err = newWatcher(cfg, a, env, blobFns, clk, invoke, log); err != nil {
		return nil, err
	}

	au := newAuth(cfg.devUsers, cfg.allowTestUserHeader)
	au.register(d.mux)
	ad := &admin{app: a, timers: d.timers, watcher: d.watcher, ctx: ctx, wg: wg, log: log}
	d.mux.HandleFunc("POST /admin/functions/{name}", ad.handle)
	apiHandler := newAPI(a, sup, au, iv, log)
	site := staticSite{root: cfg.staticDir}
	d.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if apiHandler.isAPI(r.URL.Path) {
			apiHandler.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
	return d, nil
}

// newWatcher connects the blob watcher, or returns nil when there are no blob functions
// or no storage to watch.
func newWatcher(cfg config, a *app, env map[string]string, fns []*function, clk clock,
	invoke invokeFunc, log zerolog.Logger) (*blobWatcher, error) {
	if len(fns) == 0 {
		return nil, nil
	}
	w := &blobWatcher{fns: fns, interval: cfg.blobPollInterval, threshold: a.PoisonThreshold,
		clock: clk, invoke: invoke, log: log, tries: map[string]int{}, done: map[string]bool{}}
	var err error
	switch setting := env[fns[0].Trigger.Connection]; {
	case cfg.blobURL != "":
		w.client, err = newBlobClient(cfg.blobURL, cfg.blobAccount, cfg.blobKey)
	case setting != "":
		w.client, err = blobClientFromSetting(setting)
	default:
		log.Warn().Str("connection", fns[0].Trigger.Connection).
			Msg("no blob storage configured; blob triggers are off (pass -azurite-blob-url)")
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blob watcher: %w", err)
	}
	return w, nil
}

// start launches the timers and the blob watcher; they stop when ctx ends.
func (d *devhost) start(ctx context.Context, wg *sync.WaitGroup) {
	for _, job := range d.timers.jobs {
		wg.Go(func() { d.timers.run(ctx, job) })
	}
	if d.watcher != nil {
		wg.Go(func() { d.watcher.run(ctx) })
	}
}
