package extract

import (
	"regexp"
	"slices"
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text, want string
		evidence         string
	}{
		{"lab", "LABORATORY REPORT\nSpecimen: blood. Hemoglobin 13.2 g/dL (reference range " +
			"12-16)", CategoryLabResult, "reference range"},
		{"referral", "Dear Dr Smith,\nThank you for seeing Mrs Lee. Reason for referral: " +
			"chest pain.", CategoryReferralLetter, "reason for referral"},
		{"prescription", "Rx: amoxicillin 500 mg tablets. Dispense 21. Refills: 0.",
			CategoryPrescription, "dispense"},
		{"imaging", "RADIOLOGY REPORT\nCT scan of the chest with contrast. Impression: normal.",
			CategoryImagingReport, "radiology"},
		{"insurance", "Member ID 12345 Group Number 889 Subscriber: A. Lee",
			CategoryInsuranceOrID, "member id"},
		{"consent", "Informed consent for surgery. I consent to the procedure. Signature:",
			CategoryConsentForm, "informed consent"},
		{"other", "Lorem ipsum dolor sit amet", CategoryOther, ""},
		{"word boundary", "preferred referee prescriptive", CategoryOther, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := classify(c.text)
			if got.Category != c.want {
				t.Fatalf("category %s (%v), want %s", got.Category, got.Evidence, c.want)
			}
			if c.evidence != "" && !slices.Contains(got.Evidence, c.evidence) {
				t.Errorf("evidence %v lacks %q", got.Evidence, c.evidence)
			}
		})
	}
}

func TestFindDates(t *testing.T) {
	t.Parallel()
	text := "Seen 2024-03-12, follow-up 25/12/2024 and 03/25/2024; born 12 March 1980, " +
		"next March 5, 2025. Not dates: 2024-02-30, 31/31/2020."
	want := []FoundDate{
		{"2024-03-12", "2024-03-12"}, {"25/12/2024", "2024-12-25"}, {"03/25/2024", "2024-03-25"},
		{"12 March 1980", "1980-03-12"}, {"March 5, 2025", "2025-03-05"},
	}
	if got := findDates(text); !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// isTestMRN accepts "PT-" + 7 digits + "-" + a check digit, a stand-in for
// the core's format (the caller supplies the real one).
var isTestMRN = regexp.MustCompile(`^PT-\d{7}-\d$`).MatchString

func TestMRNMismatch(t *testing.T) {
	t.Parallel()
	text := []byte("Patient MRN PT-0001234-5. Copy sent about PT-0009999-1. Ref AB-12.")
	opts := Options{IsMRN: isTestMRN, PatientMRN: "pt-0001234-5"}
	r := mustInspect(t, text, Declared{}, opts)
	if !slices.Equal(r.MRNs, []string{"PT-0001234-5", "PT-0009999-1"}) {
		t.Errorf("MRNs %v", r.MRNs)
	}
	if !r.HasWarning(WarnMRNMismatch) {
		t.Error("no mrn_mismatch warning")
	}
	own := mustInspect(t, []byte("MRN PT-0001234-5 only"), Declared{}, opts)
	if own.HasWarning(WarnMRNMismatch) {
		t.Error("the patient's own MRN raised a warning")
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	got, repaired, cut := cleanText("a\x00b\r\nc\x1b[0m\xffd\u202Bبي\u202C", 100)
	if got != "ab\nc[0md\u202Bبي\u202C" || !repaired || cut {
		t.Errorf("got %q repaired %v cut %v", got, repaired, cut)
	}
	got, _, cut = cleanText("ééé", 3)
	if got != "é" || !cut {
		t.Errorf("cut to %q (%v)", got, cut)
	}
}

func TestSimulatedOCRDeterministic(t *testing.T) {
	t.Parallel()
	data := encodeTestImage(t, TypePNG, 10, 10, exifBlock(1, "2024:01:01 00:00:00"))
	a := mustInspect(t, data, Declared{}, Options{})
	b := mustInspect(t, data, Declared{}, Options{})
	if a.Text == "" || a.Text != b.Text || a.OCR == nil || *a.OCR != *b.OCR || !a.OCR.Simulated {
		t.Fatalf("not deterministic or not marked: %+v %+v", a.OCR, b.OCR)
	}
	if a.TextSource != SourceOCR || !a.HasWarning(WarnOCRSimulated) {
		t.Errorf("source %s warnings %v", a.TextSource, a.Warnings)
	}
}

func TestAllowedTypes(t *testing.T) {
	t.Parallel()
	for _, ty := range AllowedTypes() {
		if !IsAllowedType(ty + "; charset=utf-8") {
			t.Errorf("%s not allowed", ty)
		}
	}
	for _, ty := range []string{"text/html", "image/svg+xml", "application/x-msdownload",
		"application/octet-stream"} {
		if IsAllowedType(ty) {
			t.Errorf("%s allowed", ty)
		}
	}
}
