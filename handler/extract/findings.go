package extract

import (
	"iter"
	"regexp"
	"slices"
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

// findWindow bounds how much text the date and MRN scans read: the
// dates and identifiers that matter sit in a document's first pages, and
// the regular expressions cost about 10 ms per 100 KB.
const findWindow = 128 << 10

// maxFindings bounds the dates and MRNs reported.
const maxFindings = 100

var (
	isoDate     = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	numericDate = regexp.MustCompile(`\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b`)
	monthName   = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|` +
		`aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
	dayMonthYear = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+` + monthName +
		`\.?,?\s+(\d{4})\b`)
	monthDayYear = regexp.MustCompile(`(?i)\b` + monthName +
		`\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
)

// findDates returns the distinct dates written in text, in order of
// appearance: ISO 8601, dd/mm/yyyy (or dd.mm.yyyy; read as mm/dd/yyyy only
// when the day-first reading is impossible), "12 March 2024" and "March
// 12, 2024". Impossible dates (2024-02-30) are skipped. Every form holds a
// four-digit year, so the patterns only run on a short window around each
// year-like number: a linear scan instead of four regular expressions over
// the whole text.
func findDates(text string) []FoundDate {
	text = text[:cutPoint(text, findWindow)]
	type hit struct {
		start, end int
		d          FoundDate
	}
	var hits []hit
	seen := map[[2]int]bool{}
	for s, e := range yearRuns(text) {
		lo, hi := runeStartAfter(text, max(0, s-24)), cutPoint(text, e+12)
		w := text[lo:hi]
		for _, p := range datePatterns {
			for _, m := range p.re.FindAllStringSubmatchIndex(w, -1) {
				key := [2]int{lo + m[0], lo + m[1]}
				if seen[key] {
					continue
				}
				seen[key] = true
				g := func(i int) string { return w[m[2*i]:m[2*i+1]] }
				if d, ok := p.date(g); ok {
					d.Text = w[m[0]:m[1]]
					hits = append(hits, hit{key[0], key[1], d})
				}
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.start - b.start })
	out := []FoundDate{}
	texts := map[string]bool{}
	for _, h := range hits {
		if !texts[h.d.Text] && len(out) < maxFindings {
			texts[h.d.Text] = true
			out = append(out, h.d)
		}
	}
	return out
}

// datePatterns pair each date form with its reading.
var datePatterns = []struct {
	re   *regexp.Regexp
	date func(g func(int) string) (FoundDate, bool)
}{
	{isoDate, func(g func(int) string) (FoundDate, bool) {
		return makeDate(atoi(g(1)), atoi(g(2)), atoi(g(3)))
	}},
	{numericDate, func(g func(int) string) (FoundDate, bool) {
		d, m := atoi(g(1)), atoi(g(2))
		if m > 12 && d <= 12 {
			d, m = m, d
		}
		return makeDate(atoi(g(3)), m, d)
	}},
	{dayMonthYear, func(g func(int) string) (FoundDate, bool) {
		return makeDate(atoi(g(3)), monthNumber(g(2)), atoi(g(1)))
	}},
	{monthDayYear, func(g func(int) string) (FoundDate, bool) {
		return makeDate(atoi(g(3)), monthNumber(g(1)), atoi(g(2)))
	}},
}

// makeDate validates a calendar date.
func makeDate(y, m, d int) (FoundDate, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1800 || y > 2200 || t.Day() != d || int(t.Month()) != m {
		return FoundDate{}, false
	}
	return FoundDate{Date: t.Format(time.DateOnly)}, true
}

// yearRuns yields the spans of runs of exactly four digits.
func yearRuns(s string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				continue
			}
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j-i == 4 && !yield(i, j) {
				return
			}
			i = j
		}
	}
}

// runeStartAfter returns the first rune boundary at or after i.
func runeStartAfter(s string, i int) int {
	for i < len(s) && !utf8RuneStart(s[i]) {
		i++
	}
	return i
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
