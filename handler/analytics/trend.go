package analytics

import "math"

// TrendPoint is one period of a visit trend.
type TrendPoint struct {
	Period            Day            `json:"period"`
	Visits            int            `json:"visits"`
	MovingAverage     float64        `json:"movingAverage"`
	UniquePatients    int            `json:"uniquePatients"`
	NewPatients       int            `json:"newPatients"`
	ReturningPatients int            `json:"returningPatients"`
	ByStatus          map[string]int `json:"byStatus"`
	ByReason          []ReasonCount  `json:"byReason"`
}

// Trend is a visit trend over a range of clinic days.
type Trend struct {
	From            Day           `json:"from"`
	To              Day           `json:"to"`
	Granularity     Granularity   `json:"granularity"`
	Window          int           `json:"movingAverageWindow"`
	Points          []TrendPoint  `json:"points"`
	Totals          Totals        `json:"totals"`
	TopReasons      []ReasonCount `json:"topReasons"`
	RolledUpThrough *Day          `json:"rolledUpThrough"`
}

// Totals sums the counts that add up across periods. Unique patients do not add up
// (one patient seen in two periods is one patient), so they are not summed here.
type Totals struct {
	Visits      int            `json:"visits"`
	NewPatients int            `json:"newPatients"`
	ByStatus    map[string]int `json:"byStatus"`
}

// TopReasonCount is how many reasons a trend lists as its top reasons.
const TopReasonCount = 10

// BuildTrend assembles the trend for the periods of g that overlap from..to. figs holds
// the figures by period start for those periods and for the window-1 periods before
// them (used only to start the moving average); a missing period had no visits.
func BuildTrend(g Granularity, from, to Day, figs map[Day]Figures, window int) Trend {
	periods := g.Periods(from, to)
	lead := make([]Day, 0, window)
	if len(periods) > 0 {
		for i := window - 1; i >= 1; i-- {
			lead = append(lead, g.Before(periods[0], i))
		}
	}
	all := append(lead, periods...)
	values := make([]float64, len(all))
	for i, p := range all {
		values[i] = float64(figs[p].Visits)
	}
	avg := MovingAverage(values, window)

	t := Trend{From: from, To: to, Granularity: g, Window: window,
		Points: make([]TrendPoint, 0, len(periods)),
		Totals: Totals{ByStatus: map[string]int{}}}
	inRange := make([]Figures, 0, len(periods))
	for i, p := range periods {
		f := figs[p]
		inRange = append(inRange, f)
		t.Points = append(t.Points, point(p, f, avg[len(lead)+i]))
		t.Totals.Visits += f.Visits
		t.Totals.NewPatients += f.NewPatients
		for s, n := range f.ByStatus {
			t.Totals.ByStatus[s] += n
		}
	}
	t.TopReasons = TopReasons(inRange, TopReasonCount)
	return t
}

func point(p Day, f Figures, avg float64) TrendPoint {
	byStatus := f.ByStatus
	if byStatus == nil {
		byStatus = map[string]int{}
	}
	byReason := f.ByReason
	if byReason == nil {
		byReason = []ReasonCount{}
	}
	return TrendPoint{Period: p, Visits: f.Visits, MovingAverage: math.Round(avg*100) / 100,
		UniquePatients: f.UniquePatients, NewPatients: f.NewPatients,
		ReturningPatients: f.Returning(), ByStatus: byStatus, ByReason: byReason}
}
