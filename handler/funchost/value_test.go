package funchost

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestDecodeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
		wantErr         bool
	}{
		{name: "DoubleEncoded", raw: `"\"abc\""`, want: "abc"},
		{name: "DoubleEncodedEmpty", raw: `"\"\""`, want: ""},
		{name: "IntAsText", raw: `"1"`, want: "1"},
		{name: "BoolAsText", raw: `"true"`, want: "true"},
		{name: "PlainTimestampFallsBack", raw: `"2024-11-05T14:03:27"`,
			want: "2024-11-05T14:03:27"},
		{name: "PlainStringFallsBack", raw: `"hello world"`, want: "hello world"},
		{name: "JSONTextInside", raw: `"\"{\\\"a\\\":1}\""`, want: `{"a":1}`},
		{name: "NullSentAsText", raw: `"null"`, want: ""},
		{name: "WordNullDoubleEncoded", raw: `"\"null\""`, want: "null"},
		{name: "BareNumber", raw: `42`, want: "42"},
		{name: "ObjectRejected", raw: `{"a":1}`, wantErr: true},
		{name: "Empty", raw: ``, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeText(json.RawMessage(tc.raw))
			if (err != nil) != tc.wantErr {
				t.Fatalf("DecodeText(%s) error = %v, wantErr %v", tc.raw, err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if got != tc.want {
				t.Errorf("DecodeText(%s) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
}

func TestDecodeBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw string
		want      []byte
		wantErr   bool
	}{
		{name: "OK", raw: `"AAEC/w=="`, want: []byte{0, 1, 2, 255}},
		{name: "Empty", raw: `""`, want: []byte{}},
		{name: "NotBase64", raw: `"%%%"`, wantErr: true},
		{name: "NotString", raw: `12`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeBytes(json.RawMessage(tc.raw))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			if string(got) != string(tc.want) || (err == nil && got == nil) {
				t.Errorf("DecodeBytes(%s) = %v, want %v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, raw, want string }{
		{name: "Object", raw: `{"a":1}`, want: `{"a":1}`},
		{name: "Array", raw: `[1]`, want: `[1]`},
		{name: "StringHoldingObject", raw: `"{\"a\":1}"`, want: `{"a":1}`},
		{name: "DoubleEncodedObject", raw: `"\"{\\\"a\\\":1}\""`, want: `{"a":1}`},
		{name: "StringHoldingEmptyArray", raw: `"[]"`, want: `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeJSON(json.RawMessage(tc.raw))
			if err != nil || string(got) != tc.want {
				t.Errorf("DecodeJSON(%s) = %s, %v; want %s", tc.raw, got, err, tc.want)
			}
		})
	}
	if _, err := DecodeJSON(json.RawMessage(`"plain"`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("DecodeJSON(plain) error = %v, want ErrMalformed", err)
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	base := time.Date(2024, 11, 5, 14, 3, 27, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-11-05T14:03:27Z", base},
		{"2024-11-05T14:03:27+00:00", base},
		{"2024-11-05T15:03:27+01:00", base},
		{"2024-11-05T09:03:27-05:00", base},
		{"2024-11-05T14:03:27", base},
		{"2024-11-05 14:03:27", base},
		{"2024-11-05T14:03:27.1", base.Add(100 * time.Millisecond)},
		{"2024-11-05T14:03:27.12Z", base.Add(120 * time.Millisecond)},
		{"2024-11-05T14:03:27.123456+00:00", base.Add(123456 * time.Microsecond)},
		{"2024-11-05T14:03:27.1234567Z", base.Add(123456700 * time.Nanosecond)},
		{"2024-11-05T14:03:27.1234567", base.Add(123456700 * time.Nanosecond)},
		{"2024-11-05T14:03:27.1234567+00:00", base.Add(123456700 * time.Nanosecond)},
		{"0001-01-01T00:00:00+00:00", time.Time{}},
		{"0001-01-01T00:00:00", time.Time{}},
		{"0001-01-01T00:00:00-08:00", time.Time{}},
		{"0001-01-01T00:00:00Z", time.Time{}},
		{"", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTime(tc.in)
			if err != nil {
				t.Fatalf("ParseTime(%q) error: %v", tc.in, err)
			}
			if !got.Equal(tc.want) || got.Location() != time.UTC && !got.IsZero() {
				t.Errorf("ParseTime(%q) = %v, want %v (UTC)", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"yesterday", "11/05/2024 14:03:27", "2024-13-45T99:00:00Z"} {
		if _, err := ParseTime(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseTime(%q) error = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2024, 11, 4, 2, 0, 0, 0, time.UTC), "2024-11-04T02:00:00+00:00"},
		{time.Date(2024, 11, 4, 2, 0, 0, 120_000_000, time.UTC), "2024-11-04T02:00:00.12+00:00"},
		{time.Date(2024, 11, 4, 2, 0, 0, 123_456_789, time.UTC),
			"2024-11-04T02:00:00.1234568+00:00"},
		{time.Date(2024, 11, 4, 2, 0, 0, 0, time.FixedZone("", 3600)),
			"2024-11-04T02:00:00+01:00"},
		{time.Time{}, "0001-01-01T00:00:00+00:00"},
	}
	for _, tc := range tests {
		if got := FormatTime(tc.in); got != tc.want {
			t.Errorf("FormatTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	now := time.Date(2024, 11, 5, 14, 3, 29, 118_731_000, time.UTC)
	if got, want := FormatUtcNow(now), "2024-11-05T14:03:29.1187310Z"; got != want {
		t.Errorf("FormatUtcNow = %q, want %q", got, want)
	}
	if got, want := FormatTopLevelTime(now), "2024-11-05T14:03:29+00:00"; got != want {
		t.Errorf("FormatTopLevelTime = %q, want %q", got, want)
	}
}

func TestEncodeTextRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"abc", "", `with "quotes" and \ slash`, "null", "1", "é✓"} {
		got, err := DecodeText(EncodeText(s))
		if err != nil || got != s {
			t.Errorf("DecodeText(EncodeText(%q)) = %q, %v", s, got, err)
		}
	}
	if got, want := string(EncodeText("abc")), `"\"abc\""`; got != want {
		t.Errorf("EncodeText(abc) = %s, want %s", got, want)
	}
}
