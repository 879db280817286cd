package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// stats summarises one load phase.
type stats struct {
	requests int64
	errors   int64
	rps      float64
	p50, p95 time.Duration
}

func (s stats) String() string {
	return fmt.Sprintf("%8.0f req/s  p50 %6.2f ms  p95 %6.2f ms  (%d requests, %d errors)",
		s.rps, ms(s.p50), ms(s.p95), s.requests, s.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs workers that each send requests made by next until the duration ends.
func load(ctx context.Context, client *http.Client, workers int, d time.Duration,
	next func(i int64) *http.Request) stats {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var n, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				r := next(n.Add(1)).WithContext(ctx)
				t0 := time.Now()
				resp, err := client.Do(r)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					break
				}
				if err != nil || resp.StatusCode >= 300 {
					errs.Add(1)
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return summarize(lat, errs.Load(), elapsed)
}

func summarize(lat []time.Duration, errs int64, elapsed time.Duration) stats {
	slices.Sort(lat)
	s := stats{requests: int64(len(lat)), errors: errs,
		rps: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		s.p50 = lat[len(lat)*50/100]
		s.p95 = lat[min(len(lat)*95/100, len(lat)-1)]
	}
	return s
}
