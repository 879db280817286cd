package patient

import (
	"fmt"
	"regexp"
	"strconv"
)

// An MRN reads PT-1234567-8: a seven-digit number from a sequence and a Luhn check digit.
var mrnShape = regexp.MustCompile(`^(?i)PT-?(\d{7})-?(\d)$`)

// FormatMRN returns the MRN for a sequence number (below 10,000,000).
func FormatMRN(n int64) string {
	digits := fmt.Sprintf("%07d", n)
	return "PT-" + digits + "-" + strconv.Itoa(luhn(digits))
}

// ParseMRN returns the canonical MRN for s if s has the MRN shape and a valid check
// digit, accepting lower case and missing dashes.
func ParseMRN(s string) (string, bool) {
	m := mrnShape.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	if strconv.Itoa(luhn(m[1])) != m[2] {
		return "", false
	}
	return "PT-" + m[1] + "-" + m[2], true
}

// LooksLikeMRN reports whether s has the MRN shape, check digit aside.
func LooksLikeMRN(s string) bool {
	return mrnShape.MatchString(s)
}

// luhn returns the Luhn check digit of a string of decimal digits.
func luhn(digits string) int {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}
