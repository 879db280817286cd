package api

import (
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// limiter keeps token buckets per staff member and kind of call. Counts are per instance:
// with several instances the effective limit is that many times higher (see README).
type limiter struct {
	mu      sync.Mutex
	perMin  map[string]int
	buckets map[string]*rate.Limiter
	seen    map[string]time.Time
}

func newLimiter(searchPerMinute, readsPerMinute int) *limiter {
	return &limiter{perMin: map[string]int{"search": searchPerMinute, "read": readsPerMinute},
		buckets: map[string]*rate.Limiter{}, seen: map[string]time.Time{}}
}

// allow reports whether the staff member may make one more call of this kind now, and
// when to retry if not. A limit of zero or less means unlimited.
func (l *limiter) allow(kind string, staffID uuid.UUID, now time.Time) (bool, time.Duration) {
	n := l.perMin[kind]
	if n <= 0 {
		return true, 0
	}
	key := kind + "/" + staffID.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		burst := max(n/6, 1)
		b = rate.NewLimiter(rate.Limit(float64(n)/60), burst)
		l.buckets[key] = b
	}
	l.seen[key] = now
	if len(l.seen) > 10000 {
		l.forget(now)
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// forget drops buckets idle for ten minutes; they would be full again anyway.
func (l *limiter) forget(now time.Time) {
	for k, t := range l.seen {
		if now.Sub(t) > 10*time.Minute {
			delete(l.seen, k)
			delete(l.buckets, k)
		}
	}
}
