package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document categories.
const (
	CategoryLabResult      = "lab_result"
	CategoryReferralLetter = "referral_letter"
	CategoryPrescription   = "prescription"
	CategoryImagingReport  = "imaging_report"
	CategoryInsuranceOrID  = "insurance_or_id_card"
	CategoryConsentForm    = "consent_form"
	CategoryOther          = "other"
)

// Classification is the category Inspect chose and the evidence for it.
type Classification struct {
	Category string `json:"category"`
	// Evidence lists the matched terms that decided it, strongest first.
	Evidence []string `json:"evidence"`
	// Score is the summed weight of the evidence; 0 for other.
	Score int `json:"score"`
}

// classifyWindow is how much text the rules read: the kind of a document
// shows in its first pages.
const classifyWindow = 64 << 10

// minScore is the least evidence that names a category; weaker evidence
// gives "other".
const minScore = 3

// rule is one weighted term of a category. Terms are lowercase words or
// phrases matched on word boundaries.
type rule struct {
	term   string
	weight int
}

// rules lists the categories in priority order (ties go to the first).
var rules = []struct {
	category string
	terms    []rule
}{
	{CategoryLabResult, []rule{
		{"laboratory", 2}, {"lab results", 3}, {"lab result", 3}, {"specimen", 2},
		{"reference range", 3}, {"ref range", 3}, {"hemoglobin", 2}, {"haemoglobin", 2},
		{"glucose", 1}, {"cholesterol", 1}, {"creatinine", 1}, {"hba1c", 2}, {"urinalysis", 2},
		{"pathology", 2}, {"complete blood count", 3}, {"collected", 1}, {"test results", 2},
	}},
	{CategoryReferralLetter, []rule{
		{"referral", 3}, {"referred", 2}, {"refer", 1}, {"dear dr", 2}, {"dear doctor", 2},
		{"dear colleague", 2}, {"thank you for seeing", 3}, {"yours sincerely", 1},
		{"kind regards", 1}, {"reason for referral", 3},
	}},
	{CategoryPrescription, []rule{
		{"prescription", 3}, {"rx", 2}, {"dispense", 2}, {"refills", 2}, {"refill", 1},
		{"sig", 1}, {"tablets", 1}, {"tablet", 1}, {"capsules", 1}, {"twice daily", 2},
		{"once daily", 2}, {"pharmacy", 1}, {"prescribed", 1}, {"prescriber", 2},
	}},
	{CategoryImagingReport, []rule{
		{"radiology", 3}, {"radiologist", 3}, {"x-ray", 2}, {"xray", 2}, {"ct scan", 2},
		{"mri", 2}, {"ultrasound", 2}, {"mammogram", 2}, {"impression", 1}, {"findings", 1},
		{"contrast", 1}, {"imaging", 2},
	}},
	{CategoryInsuranceOrID, []rule{
		{"insurance", 2}, {"member id", 3}, {"policy number", 3}, {"group number", 3},
		{"subscriber", 2}, {"payer", 1}, {"medicare", 2}, {"medicaid", 2}, {"copay", 2},
		{"identity card", 3}, {"id card", 3}, {"driver license", 3}, {"passport", 2},
	}},
	{CategoryConsentForm, []rule{
		{"consent", 3}, {"i consent", 3}, {"informed consent", 3}, {"i agree", 2},
		{"i authorize", 2}, {"authorise", 1}, {"authorize", 1}, {"signature", 1},
		{"witness", 1}, {"risks and benefits", 2}, {"privacy policy", 2},
	}},
}

// classify picks the category whose terms, found in the text and metadata,
// weigh most; below minScore the document is "other".
func classify(text string, metadata ...string) Classification {
	norm := normaliseForMatch(strings.Join(append(metadata, text[:cutPoint(text,
		classifyWindow)]), "\n"))
	matched := matchTerms(norm)
	best := Classification{Category: CategoryOther, Evidence: []string{}}
	for _, c := range rules {
		var found []rule
		score := 0
		for _, r := range c.terms {
			if matched[r.term] {
				found = append(found, r)
				score += r.weight
			}
		}
		if score >= minScore && score > best.Score {
			slices.SortStableFunc(found, func(a, b rule) int { return b.weight - a.weight })
			best = Classification{Category: c.category, Score: score}
			for _, r := range found {
				best.Evidence = append(best.Evidence, r.term)
			}
		}
	}
	return best
}

// normaliseForMatch lower-cases s and turns every run of characters other
// than letters, digits and hyphens into one space, framed by spaces, so a
// term is found on word boundaries by a plain substring search.
func normaliseForMatch(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for i := 0; i < len(s); {
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, nearly all of the text, skips the Unicode tables.
			r, i = rune(asciiFold[c]), i+1
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				r = unicode.ToLower(r)
			} else {
				r = 0
			}
		}
		if r != 0 {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// asciiFold maps the ASCII letters, digits and hyphen to their lower case
// and every other ASCII byte to 0 (a word boundary).
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	t['-'] = '-'
	return t
}()

// termsByFirstWord indexes the rules' terms by their first word.
var termsByFirstWord = func() map[string][]string {
	m := map[string][]string{}
	for _, c := range rules {
		for _, r := range c.terms {
			first, _, _ := strings.Cut(r.term, " ")
			if !slices.Contains(m[first], r.term) {
				m[first] = append(m[first], r.term)
			}
		}
	}
	return m
}()

// matchTerms returns the terms found in norm (a normaliseForMatch result)
// on word boundaries, as strings.Contains(norm, " "+term+" ") would, but
// in one pass over its words instead of one search per term.
func matchTerms(norm string) map[string]bool {
	found := map[string]bool{}
	for i := 0; i+1 < len(norm); {
		start := i + 1 // norm's words are single-space separated and framed
		end := start + strings.IndexByte(norm[start:], ' ')
		if end < start {
			break
		}
		for _, term := range termsByFirstWord[norm[start:end]] {
			rest := norm[start:]
			if len(rest) > len(term) && rest[len(term)] == ' ' && rest[:len(term)] == term {
				found[term] = true
			}
		}
		i = end
	}
	return found
}

// cutPoint returns the largest index ≤ n that falls on a rune boundary.
func cutPoint(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return n
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
