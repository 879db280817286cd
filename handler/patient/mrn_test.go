package patient

import (
	"strings"
	"testing"
)

func TestFormatMRN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{
		{100000, "PT-0100000-9"},
		{1, "PT-0000001-8"},
		{9999999, "PT-9999999-7"},
	}
	for _, tt := range tests {
		if got := FormatMRN(tt.n); got != tt.want {
			t.Errorf("FormatMRN(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// luhnValid is the textbook Luhn test over the number and its check digit.
func luhnValid(digits string) bool {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestMRNCheckDigit(t *testing.T) {
	t.Parallel()
	for n := int64(100000); n < 101000; n++ {
		mrn := FormatMRN(n)
		if !luhnValid(strings.ReplaceAll(mrn[3:], "-", "")) {
			t.Fatalf("%s fails the textbook Luhn test", mrn)
		}
		if got, ok := ParseMRN(mrn); !ok || got != mrn {
			t.Fatalf("ParseMRN(%q) = %q, %v", mrn, got, ok)
		}
		// Every single-digit error in the number is caught by the check digit.
		digits := []byte(mrn)
		for i := 3; i < 10; i++ {
			orig := digits[i]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig {
					continue
				}
				digits[i] = d
				if _, ok := ParseMRN(string(digits)); ok {
					t.Fatalf("ParseMRN(%q) accepted a mistyped %q", digits, mrn)
				}
			}
			digits[i] = orig
		}
	}
}

func TestParseMRN_Shapes(t *testing.T) {
	t.Parallel()
	mrn := FormatMRN(123456)
	plain := strings.ReplaceAll(mrn, "-", "")
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"canonical", mrn, true},
		{"lower case", strings.ToLower(mrn), true},
		{"no dashes", plain, true},
		{"lower, no dashes", strings.ToLower(plain), true},
		{"too short", "PT-012345-1", false},
		{"SQL", "' OR 1=1 --", false},
		{"empty", "", false},
		{"padded", " " + mrn, false},
		{"trailing", mrn + "0", false},
	}
	for _, tt := range tests {
		got, ok := ParseMRN(tt.in)
		if ok != tt.ok || (ok && got != mrn) {
			t.Errorf("%s: ParseMRN(%q) = %q, %v; want ok=%v", tt.name, tt.in, got, ok, tt.ok)
		}
	}
}
