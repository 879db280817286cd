package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/google/uuid"

	"patienttracker/handler/audit"
	"patienttracker/handler/postgres"
)

// LocalFile is a file on disk and the role it plays in its job.
type LocalFile struct {
	Path string
	Role string
}

// Plan is one job the import command runs: a kind, its mapping and its files in order.
type Plan struct {
	Kind    Kind
	Mapping *Mapping
	Files   []LocalFile
}

// ScanFolder recognises the import files directly in dir by their content, never by
// their names: FHIR Bundles, Synthea patients and encounters tables, and patient tables
// whose header DefaultMapping understands. It returns at most one plan per kind (all
// bundles together; Synthea patients before encounters; one plan per generic table,
// since each has its own mapping) and the names of the files it did not recognise.
func ScanFolder(dir string) ([]Plan, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read folder: %w", err)
	}
	var bundles, patients, encounters []LocalFile
	var tables []Plan
	var skipped []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		kind, role, mapping, err := recognise(path)
		if err != nil {
			return nil, nil, err
		}
		f := LocalFile{Path: path, Role: role}
		switch {
		case kind == KindBundle:
			bundles = append(bundles, f)
		case kind == KindSynthea && role == RolePatients:
			patients = append(patients, f)
		case kind == KindSynthea:
			encounters = append(encounters, f)
		case kind == KindPatientCSV:
			tables = append(tables, Plan{Kind: kind, Mapping: mapping, Files: []LocalFile{f}})
		default:
			skipped = append(skipped, e.Name())
		}
	}
	var plans []Plan
	if len(patients)+len(encounters) > 0 {
		plans = append(plans, Plan{Kind: KindSynthea, Files: slices.Concat(patients, encounters)})
	}
	plans = append(plans, tables...)
	if len(bundles) > 0 {
		plans = append(plans, Plan{Kind: KindBundle, Files: bundles})
	}
	return plans, skipped, nil
}

// recognise looks at the start of a file: a JSON object whose resourceType is Bundle, or
// a table header. An empty kind means "not an import file".
func recognise(path string) (Kind, string, *Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	head, err := bufio.NewReaderSize(f, sniffBytes).Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", "", nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(head, bom))
	if bytes.HasPrefix(trimmed, []byte("{")) {
		if isBundleHead(path) {
			return KindBundle, RoleBundle, nil, nil
		}
		return "", "", nil, nil
	}
	t, err := newTable(bytes.NewReader(head))
	if err != nil {
		return "", "", nil, nil
	}
	switch {
	case t.require("Id", "BIRTHDATE", "FIRST", "LAST", "GENDER") == nil:
		return KindSynthea, RolePatients, nil, nil
	case t.require("Id", "START", "STOP", "PATIENT") == nil:
		return KindSynthea, RoleEncounters, nil, nil
	}
	if m, ok := DefaultMapping(t.header); ok {
		return KindPatientCSV, RolePatients, &m, nil
	}
	return "", "", nil, nil
}

// isBundleHead reads the top-level keys of a JSON document until resourceType.
func isBundleHead(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		if key == "resourceType" {
			var rt string
			return dec.Decode(&rt) == nil && rt == "Bundle"
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// RunLocal records a job for plan and runs it to its end from local files, as actor.
// The job ends succeeded, or failed with the code of a file that could not be read.
func (r *Runner) RunLocal(ctx context.Context, actor audit.Actor, plan Plan) (
	*postgres.ImportJob, error) {
	job := &postgres.ImportJob{ID: uuid.New(), Kind: string(plan.Kind)}
	if plan.Mapping != nil {
		job.Mapping, _ = json.Marshal(plan.Mapping)
	}
	paths := map[int]string{}
	for i, f := range plan.Files {
		job.Files = append(job.Files, postgres.ImportFile{Position: i, Role: f.Role,
			FileName: filepath.Base(f.Path)})
		paths[i] = f.Path
	}
	files := job.Files
	if err := r.DB.StartLocalImportJob(ctx, actor, job); err != nil {
		return nil, err
	}
	job.Files = files
	open := func(_ context.Context, f postgres.ImportFile) (io.ReadCloser, error) {
		return os.Open(paths[f.Position])
	}
	status, code := postgres.ImportSucceeded, ""
	runErr := r.Run(ctx, job, open, actor)
	if fe, ok := IsFileError(runErr); ok {
		status, code, runErr = postgres.ImportFailed, fe.Code, nil
	}
	if runErr != nil {
		status, code = postgres.ImportFailed, "internal"
	}
	done, err := r.DB.FinishImportJob(context.WithoutCancel(ctx), actor, job.ID, status, code)
	if runErr != nil {
		return done, runErr
	}
	return done, err
}
