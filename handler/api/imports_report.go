package api

import (
	"bufio"
	"encoding/base64"
	"mime"
	"net/http"
	"strconv"

	"patienttracker/handler/audit"
	"patienttracker/handler/postgres"
)

// reportPage bounds a JSON page of an import report; CSV downloads stream it whole.
const (
	reportPageDefault = 1000
	reportPageMax     = 10000
)

type reportResponse struct {
	Items      []postgres.ImportRejection `json:"items"`
	NextCursor *string                    `json:"nextCursor"`
}

// handleImportRejections serves a job's report: line (or bundle entry), severity,
// reason code and field, never a value from the file. JSON pages by default; the whole
// report as CSV with ?format=csv or Accept: text/csv.
func (s *Server) handleImportRejections(w http.ResponseWriter, r *http.Request,
	c *caller) error {
	job, err := s.findImport(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	after := int64(0)
	if cur := q.Get("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		if after, err = strconv.ParseInt(string(b), 10, 64); err != nil || after < 0 {
			return badRequest("invalid_cursor", "The cursor is not one this API issued",
				"cursor")
		}
	}
	e := c.actor.Event("import.report", "import", job.ID.String(), nil, audit.Allowed)
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	if wantsCSV(r) {
		return s.streamReportCSV(w, r, job)
	}
	limit := reportPageDefault
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("invalid_limit", "The limit is not a positive number", "limit")
		}
		limit = min(n, reportPageMax)
	}
	items, err := s.db.ListImportRejections(r.Context(), job.ID, after, limit+1)
	if err != nil {
		return err
	}
	out := reportResponse{Items: items}
	if len(items) > limit {
		out.Items = items[:limit]
		next := base64.RawURLEncoding.EncodeToString(
			[]byte(strconv.FormatInt(items[limit-1].Seq, 10)))
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []postgres.ImportRejection{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func wantsCSV(r *http.Request) bool {
	if r.URL.Query().Get("format") == "csv" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Accept"))
	return mt == "text/csv"
}

// streamReportCSV writes the whole report as CSV (file, role, line, entry, severity,
// code, field), a page of rows at a time.
func (s *Server) streamReportCSV(w http.ResponseWriter, r *http.Request,
	job *postgres.ImportJob) error {
	first, err := s.db.ListImportRejections(r.Context(), job.ID, 0, 5000)
	if err != nil {
		return err
	}
	startDownload(w, "text/csv; charset=utf-8", "import-"+job.ID.String()+"-report.csv")
	bw := bufio.NewWriter(w)
	cw := newCSVWriter(bw)
	_ = cw.row("file", "role", "line", "entry", "severity", "code", "field")
	for page := first; len(page) > 0; {
		for _, x := range page {
			_ = cw.row(strconv.Itoa(x.File), x.Role, optInt(x.Line), optInt32(x.Entry),
				x.Severity, x.Code, x.Field)
		}
		if page, err = s.db.ListImportRejections(r.Context(), job.ID,
			page[len(page)-1].Seq, 5000); err != nil {
			break
		}
	}
	if ferr := bw.Flush(); ferr != nil || err != nil {
		// The status is sent; all that is left is to stop.
		logAbort(r, "import report", err)
	}
	return nil
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func optInt32(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}
