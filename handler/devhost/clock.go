package main

import "time"

// clock is the dev host's time source; tests replace it to drive timers and the blob
// watcher without waiting.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// realClock is the wall clock.
type realClock struct{}

// Now implements clock.
func (realClock) Now() time.Time { return time.Now() }

// After implements clock.
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
