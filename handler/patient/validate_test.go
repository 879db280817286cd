package patient

import (
	"slices"
	"strings"
	"testing"

	"patienttracker/handler/apperror"
)

// today is the clinic date the validation tests run on.
var today = Date{2026, 11, 30}

func codes(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	ae, ok := apperror.As(err)
	if !ok || ae.Kind != apperror.KindInvalid {
		t.Fatalf("error %v is not a validation error", err)
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func valid() Fields {
	s := func(v string) *string { return &v }
	return Fields{GivenNames: s("Ann"), FamilyName: s("Lee"), BirthDate: s("1980-01-02"),
		Sex: s("female")}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	tests := []struct {
		name string
		edit func(*Fields)
		want []string
	}{
		{"OK", func(*Fields) {}, nil},
		{"V1 angle brackets", func(f *Fields) { f.GivenNames = s("<img src=x onerror=alert(1)>") },
			[]string{"givenNames:forbidden_char"}},
		{"V6 impossible day", func(f *Fields) { f.BirthDate = s("2024-02-30") },
			[]string{"birthDate:invalid_date"}},
		{"V7 tomorrow", func(f *Fields) { f.BirthDate = s("2026-12-01") },
			[]string{"birthDate:future_date"}},
		{"V7 today", func(f *Fields) { f.BirthDate = s("2026-11-30") }, nil},
		{"V7 1899", func(f *Fields) { f.BirthDate = s("1899-12-31") },
			[]string{"birthDate:too_old"}},
		{"V7 year zero", func(f *Fields) { f.BirthDate = s("0000-01-01") },
			[]string{"birthDate:too_old"}},
		{"V8 leap day", func(f *Fields) { f.BirthDate = s("2024-02-29") }, nil},
		{"V8 not a leap year", func(f *Fields) { f.BirthDate = s("2023-02-29") },
			[]string{"birthDate:invalid_date"}},
		{"V9 instant", func(f *Fields) { f.BirthDate = s("2024-01-05T00:00:00Z") },
			[]string{"birthDate:invalid_date"}},
		{"V9 slashes", func(f *Fields) { f.BirthDate = s("05/01/2024") },
			[]string{"birthDate:invalid_date"}},
		{"V9 short", func(f *Fields) { f.BirthDate = s("2024-1-5") },
			[]string{"birthDate:invalid_date"}},
		{"V10 NUL", func(f *Fields) { f.GivenNames = s("A\u0000B") },
			[]string{"givenNames:control_char"}},
		{"bidi override", func(f *Fields) { f.FamilyName = s("Lee\u202e") },
			[]string{"familyName:control_char"}},
		{"V13 too long", func(f *Fields) { f.FamilyName = s(strings.Repeat("a", 10000)) },
			[]string{"familyName:too_long"}},
		{"200 runes of 4 bytes", func(f *Fields) { f.FamilyName = s(strings.Repeat("𠀋", 200)) },
			nil},
		{"over 800 bytes", func(f *Fields) { f.FamilyName = s(strings.Repeat("𠀋", 201)) },
			[]string{"familyName:too_long"}},
		{"V18 email header injection",
			func(f *Fields) { f.Email = s("a@b.test\r\nBcc: all@x.test") },
			[]string{"email:invalid_email"}},
		{"V18 phone injection", func(f *Fields) { f.Phone = s("+1 555 0100; DROP") },
			[]string{"phone:invalid_phone"}},
		{"phone OK", func(f *Fields) { f.Phone = s("+1 (555) 010-0100") }, nil},
		{"V21 injected sex", func(f *Fields) { f.Sex = s("X' OR '1'='1") },
			[]string{"sex:invalid_value"}},
		{"V21 trailing space", func(f *Fields) { f.Sex = s("male ") },
			[]string{"sex:invalid_value"}},
		{"V21 upper case", func(f *Fields) { f.Sex = s("MALE") },
			[]string{"sex:invalid_value"}},
		{"empty name", func(f *Fields) { f.GivenNames = s("") },
			[]string{"givenNames:required"}},
		{"missing", func(f *Fields) { f.Sex, f.BirthDate = nil, nil },
			[]string{"birthDate:required", "sex:required"}},
		{"death before birth", func(f *Fields) { f.DeceasedDate = s("1979-12-31") },
			[]string{"deceasedDate:before_birth"}},
		{"death in future", func(f *Fields) { f.DeceasedDate = s("2027-01-01") },
			[]string{"deceasedDate:future_date"}},
		{"address control", func(f *Fields) { f.Address = &Address{City: "a\nb"} },
			[]string{"address.city:control_char"}},
		{"too many identifiers", func(f *Fields) {
			ids := make([]Identifier, 21)
			for i := range ids {
				ids[i] = Identifier{System: "s", Value: "v"}
			}
			f.Identifiers = &ids
		}, []string{"identifiers:too_many"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := valid()
			tt.edit(&f)
			got := codes(t, Validate(f, true, today))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("faults %v, want %v", got, tt.want)
			}
		})
	}
}

// TestValidate_V14NamesPass: apostrophes, hyphens and non-Latin scripts are ordinary names.
func TestValidate_V14NamesPass(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"José Ñúñez", "李小龍", "O'Brien", "Smith-Jones",
		"Nguyễn Văn A", "O’Brien", "=HYPERLINK(\"x\")"} {
		f := valid()
		f.FamilyName = &name
		if err := Validate(f, true, today); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}

func TestValidate_UpdateNeedsNothing(t *testing.T) {
	t.Parallel()
	if err := Validate(Fields{}, false, today); err != nil {
		t.Errorf("empty update refused: %v", err)
	}
}

func TestNormalizeIdentifierValue(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"A-777": "A-777", " a-777 ": "A-777",
		"a 777": "A777", "a\t-777": "A-777"} {
		if got := NormalizeIdentifierValue(in); got != want {
			t.Errorf("NormalizeIdentifierValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHasControl(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"Ann": false, "A\x00B": true, "a\tb": true,
		"\u202eabc": true, "a\xffb": true, "Zoë": false, "李": false} {
		if got := HasControl(s); got != want {
			t.Errorf("HasControl(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestApply_NamesInNFC is BL-01's storage rule: one normal form, accents kept.
func TestApply_NamesInNFC(t *testing.T) {
	t.Parallel()
	given, family := "Zoe\u0308", "Godi\u0301nez-Nu\u0301n\u0303ez"
	p := &Patient{}
	Fields{GivenNames: &given, FamilyName: &family}.Apply(p)
	if p.GivenNames != "Zoë" || p.FamilyName != "Godínez-Núñez" {
		t.Errorf("Apply stored %q %q, want NFC", p.GivenNames, p.FamilyName)
	}
}
