// Package analytics holds the clinic's statistics: which visits count, how days, weeks
// and months are cut in the clinic's time zone, the nightly rollup's plan, trends with a
// moving average, top reasons and age bands. It returns counts only: no patient
// identifiers and no row-level data ever leave it.
//
// Definitions, used by the rollup, by the live figures and by the tests' from-scratch
// queries alike:
//   - A visit belongs to the clinic-local day its start falls on (PT_CLINIC_TIMEZONE).
//   - ByStatus counts every visit, whatever its status.
//   - A visit is counted (Visits, ByReason, unique, new and returning patients) unless it
//     was cancelled or entered in error: it happened or is expected to.
//   - A patient is new in a period when their first counted visit ever falls in it, and
//     returning when they have a counted visit in the period but are not new there.
package analytics

import (
	"cmp"
	"slices"
)

// UncountedStatuses are the visit statuses that do not count as visits.
var UncountedStatuses = []string{"cancelled", "entered-in-error"}

// ReasonCount is the number of counted visits with one reason.
type ReasonCount struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Visits int    `json:"visits"`
}

// Figures are the counts of one period.
type Figures struct {
	Visits         int            `json:"visits"`
	UniquePatients int            `json:"uniquePatients"`
	NewPatients    int            `json:"newPatients"`
	ByStatus       map[string]int `json:"byStatus"`
	ByReason       []ReasonCount  `json:"byReason"`
}

// Returning is the number of patients seen in the period who were not new in it.
func (f Figures) Returning() int { return f.UniquePatients - f.NewPatients }

// SortReasons orders reasons by visits (most first), then code, then reason, so equal
// figures always compare equal.
func SortReasons(rs []ReasonCount) {
	slices.SortFunc(rs, func(a, b ReasonCount) int {
		if c := cmp.Compare(b.Visits, a.Visits); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
}

// TopReasons merges the reasons of several periods and returns the n most frequent.
func TopReasons(figs []Figures, n int) []ReasonCount {
	type key struct{ code, reason string }
	sum := map[key]int{}
	for _, f := range figs {
		for _, r := range f.ByReason {
			sum[key{r.Code, r.Reason}] += r.Visits
		}
	}
	out := make([]ReasonCount, 0, len(sum))
	for k, v := range sum {
		out = append(out, ReasonCount{Code: k.code, Reason: k.reason, Visits: v})
	}
	SortReasons(out)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// MovingAverage returns, for each value, the mean of it and the window-1 values before
// it. The first window-1 values average over what is there.
func MovingAverage(values []float64, window int) []float64 {
	if window < 1 {
		window = 1
	}
	out := make([]float64, len(values))
	sum := 0.0
	for i, v := range values {
		sum += v
		if i >= window {
			sum -= values[i-window]
		}
		out[i] = sum / float64(min(i+1, window))
	}
	return out
}
