package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FoundDate is a date written in the document's text.
type FoundDate struct {
	// Text is the date as written.
	Text string `json:"text"`
	// Date is the calendar date, YYYY-MM-DD.
	Date string `json:"date"`
}

// findWindow bounds how much text the date and MRN scans read.
const findWindow = 1 << 20

// maxFindings bounds the dates and MRNs reported.
const maxFindings = 100

var (
	isoDate     = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	numericDate = regexp.MustCompile(`\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b`)
	monthName   = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|` +
		`aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
	dayMonthYear = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+` + monthName +
		`\.?,?\s+(\d{4})\b`)
	monthDayYear = regexp.MustCompile(`(?i)\b` + monthName + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
)

// findDates returns the distinct dates written in text, in order of first
// appearance per pattern: ISO 8601, dd/mm/yyyy (or dd.mm.yyyy; read as
// mm/dd/yyyy only when the day-first reading is impossible), "12 March
// 2024" and "March 12, 2024". Impossible dates (2024-02-30) are skipped.
func findDates(text string) []FoundDate {
	text = text[:cutPoint(text, findWindow)]
	out := []FoundDate{}
	seen := map[string]bool{}
	add := func(raw string, y, m, d int) {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if y < 1800 || y > 2200 || t.Day() != d || int(t.Month()) != m {
			return
		}
		if seen[raw] || len(out) >= maxFindings {
			return
		}
		seen[raw] = true
		out = append(out, FoundDate{Text: raw, Date: t.Format(time.DateOnly)})
	}
	for _, g := range isoDate.FindAllStringSubmatch(text, -1) {
		add(g[0], atoi(g[1]), atoi(g[2]), atoi(g[3]))
	}
	for _, g := range numericDate.FindAllStringSubmatch(text, -1) {
		d, m := atoi(g[1]), atoi(g[2])
		if m > 12 && d <= 12 {
			d, m = m, d
		}
		add(g[0], atoi(g[3]), m, d)
	}
	for _, g := range dayMonthYear.FindAllStringSubmatch(text, -1) {
		add(g[0], atoi(g[3]), monthNumber(g[2]), atoi(g[1]))
	}
	for _, g := range monthDayYear.FindAllStringSubmatch(text, -1) {
		add(g[0], atoi(g[3]), monthNumber(g[1]), atoi(g[2]))
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func monthNumber(s string) int {
	months := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
		"oct", "nov", "dec"}
	p := strings.ToLower(s)[:3]
	for i, m := range months {
		if m == p {
			return i + 1
		}
	}
	return 0
}

// mrnToken matches the candidates handed to Options.IsMRN: runs of
// letters, digits and inner hyphens.
var mrnToken = regexp.MustCompile(`[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*`)

// findMRNs returns the distinct tokens of text that isMRN accepts.
func findMRNs(text string, isMRN func(string) bool) []string {
	out := []string{}
	if isMRN == nil {
		return out
	}
	text = text[:cutPoint(text, findWindow)]
	seen := map[string]bool{}
	for _, tok := range mrnToken.FindAllString(text, -1) {
		if len(tok) < 4 || len(tok) > 32 || seen[tok] || !isMRN(tok) {
			continue
		}
		seen[tok] = true
		if out = append(out, tok); len(out) >= maxFindings {
			break
		}
	}
	return out
}

// canonicalMRN folds the spellings of one MRN together for comparison:
// upper case, no hyphens or spaces.
func canonicalMRN(s string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.ToUpper(strings.TrimSpace(s)))
}

// foreignMRN reports whether any found MRN is not the patient's.
func foreignMRN(found []string, patientMRN string) bool {
	if patientMRN == "" {
		return false
	}
	want := canonicalMRN(patientMRN)
	for _, m := range found {
		if canonicalMRN(m) != want {
			return true
		}
	}
	return false
}
