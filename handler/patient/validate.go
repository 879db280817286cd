package patient

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"patienttracker/handler/apperror"
)

// validate is shared: validator caches struct metadata and is safe for concurrent use.
var validate = newValidator()

var phoneShape = regexp.MustCompile(`^\+?[0-9 ()./-]{5,30}$`)

// ruleCodes maps validator tags to the stable codes the API publishes.
var ruleCodes = map[string]string{
	"required":           "required",
	"min":                "required",
	"max":                "too_long",
	"maxbytes":           "too_long",
	"nocontrol":          "control_char",
	"nonul":              "control_char",
	"noangle":            "forbidden_char",
	"isodate":            "invalid_date",
	"instant":            "invalid_datetime",
	"oneof":              "invalid_value",
	"email":              "invalid_email",
	"phone":              "invalid_phone",
	"bcp47_language_tag": "invalid_language",
}

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	must(v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
		return !HasControl(fl.Field().String())
	}))
	must(v.RegisterValidation("nonul", func(fl validator.FieldLevel) bool {
		t := fl.Field().String()
		return utf8.ValidString(t) && !strings.ContainsRune(t, 0)
	}))
	must(v.RegisterValidation("noangle", func(fl validator.FieldLevel) bool {
		return !strings.ContainsAny(fl.Field().String(), "<>")
	}))
	must(v.RegisterValidation("maxbytes", func(fl validator.FieldLevel) bool {
		return len(fl.Field().String()) <= 800
	}))
	must(v.RegisterValidation("isodate", func(fl validator.FieldLevel) bool {
		_, ok := ParseDate(fl.Field().String())
		return ok
	}))
	must(v.RegisterValidation("instant", func(fl validator.FieldLevel) bool {
		t, err := time.Parse(time.RFC3339Nano, fl.Field().String())
		return err == nil && t.Year() >= 1 && t.Year() <= 9999
	}))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return phoneShape.MatchString(s) && countDigits(s) >= 5
	}))
	return v
}

func must(err error) {
	if err != nil {
		panic(err) // only at package initialisation, with fixed tags
	}
}

// HasControl reports whether s holds a control or bidirectional-override character,
// or is not valid UTF-8.
func HasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return true
		}
	}
	return false
}

// Struct runs the struct-tag rules on v and returns its faults as field errors.
func Struct(v any) []apperror.FieldError {
	err := validate.Struct(v)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return nil
	}
	out := make([]apperror.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		code, ok := ruleCodes[fe.Tag()]
		if !ok {
			code = "invalid_value"
		}
		if fe.Tag() == "max" && fe.Kind() == reflect.Slice {
			code = "too_many"
		}
		_, field, _ := strings.Cut(fe.Namespace(), ".")
		out = append(out, apperror.FieldError{Field: field, Code: code})
	}
	return out
}

// Validate checks f for a create (every required field present) or an update, with today
// the clinic's current date. It returns nil or an *apperror.Error listing every fault.
func Validate(f Fields, create bool, today Date) error {
	faults := Struct(f)
	if create {
		for name, v := range map[string]*string{"givenNames": f.GivenNames,
			"familyName": f.FamilyName, "birthDate": f.BirthDate, "sex": f.Sex} {
			if v == nil {
				faults = append(faults, apperror.FieldError{Field: name, Code: "required"})
			}
		}
	}
	faults = append(faults, dateFaults(f, today)...)
	if len(faults) == 0 {
		return nil
	}
	slices.SortFunc(faults, func(a, b apperror.FieldError) int {
		return strings.Compare(a.Field, b.Field)
	})
	return apperror.Invalid(faults...)
}

// dateFaults checks the ranges Go's parser does not: no birth in the future or before
// 1900, no death before birth or in the future.
func dateFaults(f Fields, today Date) []apperror.FieldError {
	var out []apperror.FieldError
	var birth Date
	if f.BirthDate != nil {
		if d, ok := ParseDate(*f.BirthDate); ok {
			birth = d
			switch {
			case today.Before(d):
				out = append(out, apperror.FieldError{Field: "birthDate", Code: "future_date"})
			case d.Before(Date{1900, 1, 1}):
				out = append(out, apperror.FieldError{Field: "birthDate", Code: "too_old"})
			}
		}
	}
	if f.DeceasedDate != nil && *f.DeceasedDate != "" {
		if d, ok := ParseDate(*f.DeceasedDate); ok {
			if today.Before(d) {
				out = append(out, apperror.FieldError{Field: "deceasedDate", Code: "future_date"})
			} else if !birth.IsZero() && d.Before(birth) {
				out = append(out, apperror.FieldError{Field: "deceasedDate",
					Code: "before_birth"})
			}
		}
	}
	return out
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Digits returns only the decimal digits of s: the form phones are matched in.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeIdentifiers trims systems and values; the stored comparison form is
// NormalizeIdentifierValue.
func NormalizeIdentifiers(ids []Identifier) []Identifier {
	out := make([]Identifier, 0, len(ids))
	for _, id := range ids {
		out = append(out, Identifier{System: strings.TrimSpace(id.System),
			Value: strings.TrimSpace(id.Value)})
	}
	return out
}

// NormalizeIdentifierValue is the form identifier values are unique in: trimmed, upper
// case, inner white space removed, so " a-777 " clashes with "A-777".
func NormalizeIdentifierValue(v string) string {
	return strings.ToUpper(strings.Join(strings.Fields(v), ""))
}
