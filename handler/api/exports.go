package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/fhir"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/staff"
)

// exportRoutes lists the export routes: admin only (exports:run), audited with their
// row counts. Whole-clinic exports share the "export" rate-limit bucket (L3).
func (s *Server) exportRoutes() []route {
	return []route{
		{http.MethodGet, "/api/patients/{id}/fhir", staff.RunExports, "read", "patient",
			s.handleExportPatient},
		{http.MethodPost, "/api/exports", staff.RunExports, "export", "", s.handleExport},
	}
}

// handleExportPatient answers a FHIR R4 collection Bundle of one patient: the Patient,
// every Encounter and a DocumentReference per ready document. References inside it are
// urn:uuid fullUrls, so it stands alone.
func (s *Server) handleExportPatient(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return s.auditMissingExport(r, c)
	}
	p, visits, docs, err := s.db.PatientExport(r.Context(), id)
	if apperror.IsKind(err, apperror.KindNotFound) {
		return s.auditMissingExport(r, c)
	}
	if err != nil {
		return err
	}

	b := fhir.NewCollection(uuid.New(), s.now())
	subject := fhir.URN(p.ID)
	if err := b.Add(subject, fhir.PatientResource(p)); err != nil {
		return err
	}
	for i := range visits {
		v := &visits[i]
		rec := fhir.VisitRecord{Visit: v.Visit, Class: v.Class, SourceSystem: v.SourceSystem,
			SourceValue: v.SourceValue}
		if err := b.Add(fhir.URN(v.ID), fhir.EncounterResource(&rec, subject)); err != nil {
			return err
		}
	}
	for _, d := range docs {
		rec := fhir.DocumentRecord(d)
		if err := b.Add(fhir.URN(d.ID), fhir.DocumentReferenceResource(&rec,
			subject)); err != nil {
			return err
		}
	}
	total := len(b.Entry)
	b.Total = &total

	e := c.actor.Event("export.fhir_patient", "patient", p.ID.String(), &p.ID, audit.Allowed)
	e.Detail, _ = json.Marshal(map[string]int{"patients": 1, "visits": len(visits),
		"documents": len(docs)})
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode bundle: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/fhir+json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// auditMissingExport records an export of a patient that does not exist and answers 404.
func (s *Server) auditMissingExport(r *http.Request, c *caller) error {
	e := c.actor.Event("export.fhir_patient", "patient", r.PathValue("id"), nil, audit.Failed)
	e.Reason = "not_found"
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	return apperror.NotFound()
}

type exportRequest struct {
	Format string `json:"format"`
}

// handleExport streams the whole clinic: Bulk-Data-style NDJSON (every Patient, then
// every Encounter, one resource per line) or the patient list as CSV with formulas
// neutralised. Rows come from one snapshot; the audit row records the counts and
// whether the stream completed.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var req exportRequest
	if err := decodeInto(body, &req); err != nil {
		return err
	}
	if req.Format != "ndjson" && req.Format != "csv" {
		return apperror.Invalid(apperror.FieldError{Field: "format", Code: "invalid_value"})
	}

	// The route's short request deadline would cut a large export: the export keeps the
	// request's values but takes its own bound, and a client that goes away ends it
	// through a failed write.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()),
		s.importsConfig().ExportTimeout)
	defer cancel()
	var counts map[string]int
	if req.Format == "csv" {
		counts, err = s.streamPatientsCSV(ctx, w)
	} else {
		counts, err = s.streamNDJSON(ctx, w)
	}
	outcome := audit.Allowed
	if err != nil {
		outcome = audit.Failed
		logAbort(r, "export", err)
	}
	e := c.actor.Event("export."+req.Format, "", "", nil, outcome)
	e.Detail, _ = json.Marshal(counts)
	if aerr := s.db.Audit(ctx, e); aerr != nil && err == nil {
		zerolog.Ctx(r.Context()).Error().Err(aerr).Msg("export audit not written")
	}
	return nil
}

// startDownload sends the headers of a streamed attachment.
func startDownload(w http.ResponseWriter, contentType, fileName string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+fileName+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
}

// logAbort notes a stream that ended early, once the status was already sent.
func logAbort(r *http.Request, what string, err error) {
	zerolog.Ctx(r.Context()).Warn().Err(err).Str("stream", what).Msg("stream ended early")
}

func (s *Server) streamNDJSON(ctx context.Context, w http.ResponseWriter) (map[string]int,
	error) {
	counts := map[string]int{"patients": 0, "visits": 0}
	startDownload(w, "application/fhir+ndjson", "clinic-export.ndjson")
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	err := s.db.ExportClinic(ctx, s.importsConfig().ExportTimeout,
		func(p *patient.Patient) error {
			counts["patients"]++
			return enc.Encode(fhir.PatientResource(p))
		},
		func(v *postgres.ExportVisit) error {
			counts["visits"]++
			rec := fhir.VisitRecord{Visit: v.Visit, Class: v.Class,
				SourceSystem: v.SourceSystem, SourceValue: v.SourceValue}
			return enc.Encode(fhir.EncounterResource(&rec, "Patient/"+v.PatientID.String()))
		})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return counts, err
}

// patientCSVHeader is the column list of the CSV export.
var patientCSVHeader = []string{"id", "mrn", "givenNames", "familyName", "birthDate",
	"sex", "phone", "email", "addressLines", "city", "region", "postalCode", "country",
	"preferredLanguage", "deceasedDate", "identifiers", "archivedAt"}

func (s *Server) streamPatientsCSV(ctx context.Context, w http.ResponseWriter) (
	map[string]int, error) {
	counts := map[string]int{"patients": 0}
	startDownload(w, "text/csv; charset=utf-8", "patients.csv")
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := newCSVWriter(bw)
	err := cw.row(patientCSVHeader...)
	if err == nil {
		err = s.db.ExportClinic(ctx, s.importsConfig().ExportTimeout,
			func(p *patient.Patient) error {
				counts["patients"]++
				return cw.row(patientCSVRow(p)...)
			}, nil)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return counts, err
}

func patientCSVRow(p *patient.Patient) []string {
	var a patient.Address
	if p.Address != nil {
		a = *p.Address
	}
	deceased, archived := "", ""
	if p.DeceasedDate != nil {
		deceased = p.DeceasedDate.String()
	}
	if p.ArchivedAt != nil {
		archived = p.ArchivedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	ids := make([]string, 0, len(p.Identifiers))
	for _, id := range p.Identifiers {
		ids = append(ids, id.System+"|"+id.Value)
	}
	return []string{p.ID.String(), p.MRN, p.GivenNames, p.FamilyName, p.BirthDate.String(),
		string(p.Sex), p.Phone, p.Email, strings.Join(a.Lines, "\n"), a.City, a.Region,
		a.PostalCode, a.Country, p.PreferredLanguage, deceased, strings.Join(ids, " "),
		archived}
}

// csvWriter writes RFC 4180 rows in which every field is quoted and no cell can run as
// a spreadsheet formula (V15): a field starting with "=", "+", "-", "@", a tab or a
// carriage return gets a leading apostrophe, which spreadsheets show as text and
// encoding/csv reads back as part of the field.
type csvWriter struct{ w io.Writer }

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: w} }

func (c *csvWriter) row(fields ...string) error {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		if NeutralizeCell(f) != f {
			b.WriteByte('\'')
		}
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(c.w, b.String())
	return err
}

// NeutralizeCell returns s as a CSV export writes it: with a leading apostrophe when it
// starts with a character that would make a spreadsheet evaluate it.
func NeutralizeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
