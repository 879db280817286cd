package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/patient"
	"patienttracker/handler/postgres"
	"patienttracker/handler/visit"
)

// Default batch sizes: one transaction each.
const (
	DefaultPatientBatch = 2000
	DefaultVisitBatch   = 10000
)

// Opener opens one file of a job for reading.
type Opener func(ctx context.Context, f postgres.ImportFile) (io.ReadCloser, error)

// Runner loads import jobs into the database.
type Runner struct {
	DB *postgres.DB
	// Now is the clock and Location the clinic's zone: birth dates may not be after
	// the clinic's today.
	Now      func() time.Time
	Location *time.Location
	// PatientBatch and VisitBatch are the records per transaction (defaults above).
	PatientBatch, VisitBatch int
	// Budget bounds one Run: past it, the job is paused at a batch boundary and
	// resumed by the next run. Zero means no bound.
	Budget time.Duration
}

// ErrPaused means Run stopped at its budget; the job's checkpoint lets it resume.
var ErrPaused = errors.New("import paused at its time budget")

// Run loads every file of a running job, resuming after its checkpoint. It returns
// nil when every file was read to its end, ErrPaused when the budget ran out first, an
// *ErrFile when a file as a whole cannot be read as its kind (the job should fail with
// its code), and any other error for faults worth retrying. It does not finish the job.
func (r *Runner) Run(ctx context.Context, job *postgres.ImportJob, open Opener,
	actor audit.Actor) error {
	start := time.Now() // the budget is real elapsed time, whatever the clinic clock says
	files := slices.Clone(job.Files)
	slices.SortFunc(files, func(a, b postgres.ImportFile) int { return a.Position - b.Position })
	seen := &sourceSet{seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	for _, f := range files {
		err := r.runFile(ctx, job, f, open, actor, seen, start)
		if fe, ok := IsFileError(err); ok {
			return r.reportFileError(ctx, job, f, actor, fe)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// openReader picks the reader for a file of the job's kind.
func openReader(job *postgres.ImportJob, role string, rc io.Reader) (reader, error) {
	switch {
	case job.Kind == string(KindSynthea) && role == RolePatients:
		return newSyntheaPatients(rc)
	case job.Kind == string(KindSynthea) && role == RoleEncounters:
		return newSyntheaEncounters(rc)
	case job.Kind == string(KindPatientCSV) && role == RolePatients:
		var m Mapping
		if err := json.Unmarshal(job.Mapping, &m); err != nil {
			return nil, fileError("invalid_mapping", "mapping")
		}
		return newMappedPatients(rc, m)
	case job.Kind == string(KindBundle) && role == RoleBundle:
		return newBundleRecords(rc)
	}
	return nil, fileError("invalid_role", "role")
}

func (r *Runner) runFile(ctx context.Context, job *postgres.ImportJob, f postgres.ImportFile,
	open Opener, actor audit.Actor, seen *sourceSet, start time.Time) error {
	rc, err := open(ctx, f)
	if err != nil {
		return err
	}
	defer rc.Close()
	rd, err := openReader(job, f.Role, rc)
	if err != nil {
		return err
	}
	skip := job.Checkpoint[fmt.Sprint(f.Position)]
	b := r.newBatch(job, f, actor)
	ld := newLoader(ctx, r.DB)
	defer ld.wait()
	for n := int64(1); ; n++ {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Role, err)
		}
		if n <= skip {
			seen.add(&rec)
			continue
		}
		r.accept(b, &rec, seen)
		b.Checkpoint = n
		if !r.full(b) {
			continue
		}
		if err := ld.send(b); err != nil {
			return err
		}
		b = r.nextBatch(b)
		if r.Budget > 0 && time.Since(start) > r.Budget {
			if err := ld.wait(); err != nil {
				return err
			}
			return ErrPaused
		}
	}
	if b.Read > 0 || len(b.Problems) > 0 {
		if err := ld.send(b); err != nil {
			return err
		}
	}
	return ld.wait()
}

// nextBatch starts the batch that follows b in the same file.
func (r *Runner) nextBatch(b *postgres.ImportBatch) *postgres.ImportBatch {
	return &postgres.ImportBatch{Job: b.Job, Actor: b.Actor, FilePosition: b.FilePosition,
		FileRole: b.FileRole, Checkpoint: b.Checkpoint}
}

// loader loads a file's batches in order on a goroutine of its own, so the next batch
// is read and validated while the database loads the last one. It lives only as long
// as runFile: wait joins it before the run returns.
type loader struct {
	ch     chan *postgres.ImportBatch
	done   chan struct{}
	failed atomic.Bool
	closed bool
	err    error
}

func newLoader(ctx context.Context, db *postgres.DB) *loader {
	l := &loader{ch: make(chan *postgres.ImportBatch), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for b := range l.ch {
			if l.err != nil {
				continue
			}
			if _, err := db.LoadImportBatch(ctx, b); err != nil {
				l.err = err
				l.failed.Store(true)
			}
		}
	}()
	return l
}

// send hands b over, waiting while the batch before it is still being loaded. After a
// failed load it stops and returns the load's error.
func (l *loader) send(b *postgres.ImportBatch) error {
	if l.failed.Load() {
		return l.wait()
	}
	l.ch <- b
	return nil
}

// wait lets the last batch finish and returns the first load error.
func (l *loader) wait() error {
	if !l.closed {
		close(l.ch)
		l.closed = true
	}
	<-l.done
	return l.err
}

func (r *Runner) newBatch(job *postgres.ImportJob, f postgres.ImportFile,
	actor audit.Actor) *postgres.ImportBatch {
	return &postgres.ImportBatch{Job: job.ID, Actor: actor, FilePosition: f.Position,
		FileRole: f.Role, Checkpoint: job.Checkpoint[fmt.Sprint(f.Position)]}
}

func (r *Runner) full(b *postgres.ImportBatch) bool {
	pb, vb := r.PatientBatch, r.VisitBatch
	if pb <= 0 {
		pb = DefaultPatientBatch
	}
	if vb <= 0 {
		vb = DefaultVisitBatch
	}
	return len(b.Patients) >= pb || len(b.Visits) >= vb || len(b.Problems) >= vb
}

// flush loads the batch and empties it, keeping its file and checkpoint.
func (r *Runner) flush(ctx context.Context, b *postgres.ImportBatch) error {
	if b.Read == 0 && len(b.Problems) == 0 {
		return nil
	}
	if _, err := r.DB.LoadImportBatch(ctx, b); err != nil {
		return err
	}
	b.Patients, b.Visits, b.Problems = b.Patients[:0], b.Visits[:0], b.Problems[:0]
	b.Read, b.Rejected, b.Warned = 0, 0, 0
	return nil
}

// reportFileError writes the file-level fault to the job's report, then returns it.
func (r *Runner) reportFileError(ctx context.Context, job *postgres.ImportJob,
	f postgres.ImportFile, actor audit.Actor, fe *ErrFile) error {
	b := r.newBatch(job, f, actor)
	b.Problems = []postgres.ImportProblem{{Line: 1, Code: fe.Code, Field: fe.Field}}
	if f.Role == RoleBundle {
		b.Problems[0].Line = 0
	}
	if err := r.flush(ctx, b); err != nil {
		return err
	}
	return fe
}

// accept validates a record and adds it to the batch, or its problems to the report.
func (r *Runner) accept(b *postgres.ImportBatch, rec *Record, seen *sourceSet) {
	b.Read++
	switch {
	case rec.Patient != nil:
		r.checkPatient(rec, b, seen)
	case rec.Visit != nil:
		r.checkVisit(rec, b, seen)
	}
	warned := false
	for _, p := range rec.Problems {
		b.Problems = append(b.Problems, postgres.ImportProblem{Line: rec.Line,
			Entry: rec.Entry, Warning: p.Warning, Code: p.Code, Field: p.Field})
		warned = warned || p.Warning
	}
	switch {
	case rec.Rejected():
		b.Rejected++
	case warned:
		b.Warned++
	}
}

func (r *Runner) checkPatient(rec *Record, b *postgres.ImportBatch, seen *sourceSet) {
	pr := rec.Patient
	if pr.Source.Value == "" {
		rec.Problems = append(rec.Problems, Problem{Field: "sourceId", Code: "required"})
	} else if !seen.add(rec) {
		rec.Problems = append(rec.Problems, Problem{Field: "sourceId",
			Code: "duplicate_source_id"})
	}
	if pr.Source.Value != "" {
		ids := []patient.Identifier{pr.Source}
		pr.Fields.Identifiers = &ids
	}
	today := patient.DateOf(r.now().In(r.location()))
	for _, f := range faults(patient.Validate(pr.Fields, true, today)) {
		if strings.HasPrefix(f.Field, "identifiers") {
			f.Field = "sourceId"
		}
		rec.Problems = append(rec.Problems, f)
	}
	if rec.Rejected() {
		return
	}
	p := patient.Patient{Identifiers: []patient.Identifier{}}
	pr.Fields.Apply(&p)
	b.Patients = append(b.Patients, postgres.ImportPatient{Line: rec.Line, Entry: rec.Entry,
		Source: p.Identifiers[0], Patient: p})
}

func (r *Runner) checkVisit(rec *Record, b *postgres.ImportBatch, seen *sourceSet) {
	vr := rec.Visit
	if vr.Source.Value == "" {
		rec.Problems = append(rec.Problems, Problem{Field: "sourceId", Code: "required"})
	} else if !seen.add(rec) {
		rec.Problems = append(rec.Problems, Problem{Field: "sourceId",
			Code: "duplicate_source_id"})
	}
	if vr.Patient.Value == "" && !rec.Rejected() {
		rec.Problems = append(rec.Problems, Problem{Field: "patient", Code: "required"})
	}
	if vr.Fields.Status == nil {
		s := string(visit.Finished)
		vr.Fields.Status = &s
	}
	rec.Problems = append(rec.Problems, faults(visit.Validate(vr.Fields, nil,
		patient.Date{}))...)
	if len(vr.Source.Value) > 200 || patient.HasControl(vr.Source.Value) {
		rec.Problems = append(rec.Problems, Problem{Field: "sourceId", Code: "invalid_value"})
	}
	if rec.Rejected() {
		return
	}
	var v visit.Visit
	vr.Fields.Apply(&v)
	b.Visits = append(b.Visits, postgres.ImportVisit{Line: rec.Line, Entry: rec.Entry,
		Source: vr.Source, PatientSource: vr.Patient, Visit: v, Class: vr.Class})
}

func (r *Runner) location() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

// faults turns a validation error into problems.
func faults(err error) []Problem {
	ae, ok := apperror.As(err)
	if !ok {
		return nil
	}
	out := make([]Problem, 0, len(ae.Fields))
	for _, f := range ae.Fields {
		out = append(out, Problem{Field: f.Field, Code: f.Code})
	}
	return out
}

// sourceSet remembers the source identifiers a run has met, by a 64-bit hash, so a
// million visits cost megabytes, not the ids themselves.
type sourceSet struct {
	seed maphash.Seed
	seen map[uint64]struct{}
}

// add records the record's source and reports whether it was new.
func (s *sourceSet) add(rec *Record) bool {
	var kind string
	var id patient.Identifier
	switch {
	case rec.Patient != nil:
		kind, id = "p", rec.Patient.Source
	case rec.Visit != nil:
		kind, id = "v", rec.Visit.Source
	default:
		return true
	}
	if id.Value == "" {
		return true
	}
	var h maphash.Hash
	h.SetSeed(s.seed)
	_, _ = h.WriteString(kind + "\x00" + id.System + "\x00" +
		patient.NormalizeIdentifierValue(id.Value))
	k := h.Sum64()
	if _, dup := s.seen[k]; dup {
		return false
	}
	s.seen[k] = struct{}{}
	return true
}
