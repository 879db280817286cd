package analytics

// AgeBand is a range of whole years of age; Max is -1 for the open top band.
type AgeBand struct {
	Label    string `json:"band"`
	Min      int    `json:"minAge"`
	Max      int    `json:"maxAge"`
	Patients int    `json:"patients"`
}

// AgeBands returns the bands patients are counted in, youngest first, with no counts.
func AgeBands() []AgeBand {
	return []AgeBand{
		{Label: "0-4", Min: 0, Max: 4}, {Label: "5-17", Min: 5, Max: 17},
		{Label: "18-34", Min: 18, Max: 34}, {Label: "35-49", Min: 35, Max: 49},
		{Label: "50-64", Min: 50, Max: 64}, {Label: "65-79", Min: 65, Max: 79},
		{Label: "80+", Min: 80, Max: -1},
	}
}

// CountAges fills the bands from a count of patients by age in whole years. Negative
// ages (a birth date after the clinic's today) fall in no band and are returned apart.
func CountAges(byAge map[int]int) (bands []AgeBand, unknown int) {
	bands = AgeBands()
	for age, n := range byAge {
		placed := false
		for i := range bands {
			if age >= bands[i].Min && (bands[i].Max < 0 || age <= bands[i].Max) {
				bands[i].Patients += n
				placed = true
				break
			}
		}
		if !placed {
			unknown += n
		}
	}
	return bands, unknown
}

// PatientStats are the clinic's patient figures, counts only.
type PatientStats struct {
	AsOf Day `json:"asOf"`
	// Total counts patients who are not archived; Archived those who are.
	Total    int `json:"total"`
	Archived int `json:"archived"`
	// Active counts non-archived patients with a counted visit in the 12 months up to now.
	Active int `json:"active"`
	// Deceased counts non-archived patients with a death date; they are left out of the
	// age bands and the sex distribution, which describe living patients.
	Deceased    int              `json:"deceased"`
	AgeBands    []AgeBand        `json:"ageBands"`
	AgeUnknown  int              `json:"ageUnknown"`
	BySex       map[string]int   `json:"bySex"`
	NewPatients NewPatientSeries `json:"newPatients"`
}

// NewPatientSeries counts new patients per period: registered (records created) and
// first visits (patients whose first counted visit fell in the period).
type NewPatientSeries struct {
	Granularity Granularity       `json:"granularity"`
	From        Day               `json:"from"`
	To          Day               `json:"to"`
	Points      []NewPatientPoint `json:"points"`
}

// NewPatientPoint is one period of a NewPatientSeries.
type NewPatientPoint struct {
	Period      Day `json:"period"`
	Registered  int `json:"registered"`
	FirstVisits int `json:"firstVisits"`
}
