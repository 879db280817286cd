package document

import (
	"mime"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"patienttracker/handler/apperror"
)

// TestSanitizeFileName covers rows U1 and U2 of bad-inputs.md and U21's file:// URL.
func TestSanitizeFileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, err string
	}{
		{"U1 path traversal keeps the last part", "../../etc/passwd", "passwd", ""},
		{"U1 windows path", `C:\Users\ann\scan.pdf`, "scan.pdf", ""},
		{"U2 NUL", "a\u0000.pdf", "", "control_char"},
		{"U2 right-to-left override", "invoice\u202Efdp.exe", "", "bidi_char"},
		{"U2 isolate", "a\u2067b.pdf", "", "bidi_char"},
		{"U2 header injection", "a\r\nSet-Cookie: x=1.pdf", "", "control_char"},
		{"U2 300 characters", strings.Repeat("a", 296) + ".pdf", "", "too_long"},
		{"U2 device name", "CON.pdf", "_CON.pdf", ""},
		{"U2 device name lower case", "lpt1.tar.gz", "_lpt1.tar.gz", ""},
		{"U2 dot dot", "..", "document", ""},
		{"U2 empty", "", "", "required"},
		{"blank", "   ", "", "required"},
		{"U21 file URL", "file:///etc/passwd", "", "url_not_allowed"},
		{"U21 metadata URL", "http://169.254.169.254/metadata/identity/oauth2/token",
			"", "url_not_allowed"},
		{"forbidden characters", `a<b>c:d"e|f?g*.pdf`, "a_b_c_d_e_f_g_.pdf", ""},
		{"trailing dots and spaces", " report.pdf. ", "report.pdf", ""},
		{"hidden file", ".bashrc", "bashrc", ""},
		{"accents NFD to NFC", "re\u0301sume\u0301.pdf", "r\u00e9sum\u00e9.pdf", ""},
		{"non-Latin kept", "李小龍 检查.pdf", "李小龍 检查.pdf", ""},
		{"apostrophe kept", "O'Brien letter.docx", "O'Brien letter.docx", ""},
		{"255 characters", strings.Repeat("é", 251) + ".pdf", strings.Repeat("é", 251) + ".pdf",
			""},
		{"invalid UTF-8", "a\xffb.pdf", "", "invalid_utf8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SanitizeFileName(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("SanitizeFileName(%q) = %q, %v; want error %s", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("SanitizeFileName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestContentDisposition checks RFC 6266/5987 encoding: Go's own MIME parser must read
// back the exact name, and nothing in the name can add a header or parameter.
func TestContentDisposition(t *testing.T) {
	t.Parallel()
	names := []string{"scan.pdf", "r\u00e9sum\u00e9 final.pdf", "李小龍.png",
		`quote"back\slash;semi.txt`, "100% sure; filename=evil.exe", "O'Brien (1).docx",
		"emoji 😀.jpg", "tab\tname.pdf"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cd := ContentDisposition(name)
			if strings.ContainsAny(cd, "\r\n\x00") {
				t.Fatalf("header value holds a line break or NUL: %q", cd)
			}
			for _, r := range cd {
				if r > 0x7e {
					t.Fatalf("header value is not ASCII: %q", cd)
				}
			}
			disp, params, err := mime.ParseMediaType(cd)
			if err != nil {
				t.Fatalf("ParseMediaType(%q): %v", cd, err)
			}
			if disp != "attachment" {
				t.Errorf("disposition = %q, want attachment", disp)
			}
			if params["filename"] != name {
				t.Errorf("decoded filename = %q, want %q (from %q)", params["filename"], name, cd)
			}
			ext := cd[strings.Index(cd, "filename*=UTF-8''")+len("filename*=UTF-8''"):]
			if dec, err := url.PathUnescape(ext); err != nil || dec != name {
				t.Errorf("filename* decodes to %q, %v; want %q", dec, err, name)
			}
		})
	}
}

// TestCheckUpload covers rows U3 and U4: only published types, size bounds, every fault
// named by field and rule, never by value.
func TestCheckUpload(t *testing.T) {
	t.Parallel()
	lim := NewLimits(0)
	tests := []struct {
		name   string
		req    UploadRequest
		want   Upload
		faults []apperror.FieldError
	}{
		{"OK", UploadRequest{"scan.pdf", "application/pdf", 1024},
			Upload{"scan.pdf", "application/pdf", 1024}, nil},
		{"OK type with parameters", UploadRequest{"a.txt", "Text/Plain; charset=utf-8", 1},
			Upload{"a.txt", "text/plain", 1}, nil},
		{"OK empty file", UploadRequest{"a.pdf", "application/pdf", 0},
			Upload{"a.pdf", "application/pdf", 0}, nil},
		{"OK at the limit", UploadRequest{"a.png", "image/png", 25 << 20},
			Upload{"a.png", "image/png", 25 << 20}, nil},
		{"U3 html", UploadRequest{"a.pdf", "text/html", 1}, Upload{},
			[]apperror.FieldError{{Field: "contentType", Code: "type_not_allowed"}}},
		{"U3 svg", UploadRequest{"a.svg", "image/svg+xml", 1}, Upload{},
			[]apperror.FieldError{{Field: "contentType", Code: "type_not_allowed"}}},
		{"U3 exe", UploadRequest{"a.exe", "application/x-msdownload", 1}, Upload{},
			[]apperror.FieldError{{Field: "contentType", Code: "type_not_allowed"}}},
		{"U3 octet-stream", UploadRequest{"a", "application/octet-stream", 1}, Upload{},
			[]apperror.FieldError{{Field: "contentType", Code: "type_not_allowed"}}},
		{"U4 2 GB", UploadRequest{"a.pdf", "application/pdf", 2147483648}, Upload{},
			[]apperror.FieldError{{Field: "size", Code: "too_large"}}},
		{"U4 negative", UploadRequest{"a.pdf", "application/pdf", -1}, Upload{},
			[]apperror.FieldError{{Field: "size", Code: "invalid_size"}}},
		{"all at once", UploadRequest{"", "", -1}, Upload{}, []apperror.FieldError{
			{Field: "fileName", Code: "required"}, {Field: "contentType", Code: "type_not_allowed"},
			{Field: "size", Code: "invalid_size"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := lim.CheckUpload(tc.req)
			if tc.faults == nil {
				if err != nil {
					t.Fatalf("CheckUpload: %v", err)
				}
				if diff := cmp.Diff(got, tc.want); diff != "" {
					t.Errorf("upload (-got +want):\n%s", diff)
				}
				return
			}
			ae, ok := apperror.As(err)
			if !ok || ae.Kind != apperror.KindInvalid {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if diff := cmp.Diff(ae.Fields, tc.faults); diff != "" {
				t.Errorf("faults (-got +want):\n%s", diff)
			}
		})
	}
}

func TestStatusMachine(t *testing.T) {
	t.Parallel()
	all := []Status{StatusPendingUpload, StatusProcessing, StatusReady, StatusFailed,
		StatusQuarantined}
	allowed := map[[2]Status]bool{}
	for _, from := range []Status{StatusPendingUpload, StatusProcessing} {
		for _, to := range []Status{StatusProcessing, StatusReady, StatusFailed,
			StatusQuarantined} {
			allowed[[2]Status{from, to}] = true
		}
	}
	for _, from := range all {
		for _, to := range all {
			if got := from.CanBecome(to); got != allowed[[2]Status{from, to}] {
				t.Errorf("%s -> %s = %v", from, to, got)
			}
		}
	}
}

func TestSearchText(t *testing.T) {
	t.Parallel()
	got := SearchText("Lettre.pdf", "Candide fut élevé dans un beau CHÂTEAU, n'est-ce pas?")
	want := "lettre pdf candide fut eleve dans un beau chateau nest ce pas"
	if got != want {
		t.Errorf("SearchText = %q, want %q", got, want)
	}
	long := SearchText("", strings.Repeat("wörd ", MaxIndexedTextBytes))
	if len(long) > MaxIndexedTextBytes || strings.HasSuffix(long, " ") {
		t.Errorf("long text: %d bytes, ends %q", len(long), long[len(long)-8:])
	}
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	bad := "not-a-uuid"
	cursor := SearchCursor{Rank: 0.25, ID: [16]byte{1}}.Encode()
	tamper := "AAAA"
	tests := []struct {
		name    string
		req     SearchRequest
		tsquery string
		code    string
	}{
		{"OK words", SearchRequest{Q: "Château  lab"}, "chateau & lab:*", ""},
		{"OK operators are folded away", SearchRequest{Q: "a & !b | (c):*"}, "a & b & c:*", ""},
		{"OK nothing left", SearchRequest{Q: "'"}, "", ""},
		{"OK cursor", SearchRequest{Q: "x", Cursor: &cursor}, "x:*", ""},
		{"too long", SearchRequest{Q: strings.Repeat("a", 201)}, "", "validation_failed"},
		{"control", SearchRequest{Q: "a\u0000"}, "", "validation_failed"},
		{"bad patient", SearchRequest{Q: "a", PatientID: &bad}, "", "validation_failed"},
		{"tampered cursor", SearchRequest{Q: "a", Cursor: &tamper}, "", "invalid_cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSearch(tc.req)
			if tc.code != "" {
				if ae, ok := apperror.As(err); !ok || ae.Code != tc.code {
					t.Fatalf("err = %v, want code %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSearch: %v", err)
			}
			if got := s.TSQuery(); got != tc.tsquery {
				t.Errorf("TSQuery = %q, want %q", got, tc.tsquery)
			}
		})
	}
}
