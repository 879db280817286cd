package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
)

// EventImportCompleted is the outbox event of a finished import job. An import writes
// one summary event rather than one per patient: a bulk load of 100,000 patients would
// otherwise flood the relay and the queue with events no consumer acts on one by one.
const EventImportCompleted = "org.patienttracker.import.completed"

// Import job statuses.
const (
	ImportQueued    = "queued"
	ImportRunning   = "running"
	ImportSucceeded = "succeeded"
	ImportFailed    = "failed"
)

// ImportUpload is a file an admin is uploading (or has uploaded) for an import: the
// blob is imports/<ID>; the name is for display only.
type ImportUpload struct {
	ID           uuid.UUID
	FileName     string
	ContentType  string
	DeclaredSize int64
	CreatedBy    uuid.UUID
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// ImportFile is one file of a job, in the order it is loaded.
type ImportFile struct {
	Position     int       `json:"-"`
	Role         string    `json:"role"`
	UploadID     uuid.UUID `json:"uploadId"`
	FileName     string    `json:"fileName"`
	DeclaredSize int64     `json:"-"`
}

// ImportProgress are a job's counters. RowsRead = RowsLoaded + RowsRejected once done;
// a loaded row either created a record or matched one already there.
type ImportProgress struct {
	RowsRead        int64 `json:"rowsRead"`
	RowsLoaded      int64 `json:"rowsLoaded"`
	RowsRejected    int64 `json:"rowsRejected"`
	RowsWarned      int64 `json:"rowsWarned"`
	PatientsCreated int64 `json:"patientsCreated"`
	PatientsMatched int64 `json:"patientsMatched"`
	VisitsCreated   int64 `json:"visitsCreated"`
	VisitsMatched   int64 `json:"visitsMatched"`
}

func (p *ImportProgress) add(o ImportProgress) {
	p.RowsRead += o.RowsRead
	p.RowsLoaded += o.RowsLoaded
	p.RowsRejected += o.RowsRejected
	p.RowsWarned += o.RowsWarned
	p.PatientsCreated += o.PatientsCreated
	p.PatientsMatched += o.PatientsMatched
	p.VisitsCreated += o.VisitsCreated
	p.VisitsMatched += o.VisitsMatched
}

// ImportJob is an import job and its progress.
type ImportJob struct {
	ID         uuid.UUID        `json:"id"`
	Kind       string           `json:"kind"`
	Status     string           `json:"status"`
	Origin     string           `json:"-"`
	Mapping    json.RawMessage  `json:"mapping,omitempty"`
	Files      []ImportFile     `json:"files"`
	Progress   ImportProgress   `json:"progress"`
	ErrorCode  string           `json:"errorCode,omitempty"`
	Attempts   int              `json:"-"`
	Checkpoint map[string]int64 `json:"-"`
	CreatedBy  *uuid.UUID       `json:"createdBy,omitempty"`
	CreatedAt  time.Time        `json:"createdAt"`
	StartedAt  *time.Time       `json:"startedAt"`
	FinishedAt *time.Time       `json:"finishedAt"`
}

// CreateImportUpload records an upload the caller is about to make, with its audit row.
func (db *DB) CreateImportUpload(ctx context.Context, actor audit.Actor, u *ImportUpload) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO import_uploads (id, file_name, content_type,
		    declared_size, created_by, created_at, expires_at)
		  VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.FileName, u.ContentType,
			u.DeclaredSize, u.CreatedBy, u.CreatedAt, u.ExpiresAt)
		if err != nil {
			return fmt.Errorf("insert import upload: %w", err)
		}
		e := actor.Event("import.upload", "import_upload", u.ID.String(), nil, audit.Allowed)
		e.At = u.CreatedAt
		return appendAudit(ctx, tx, e)
	})
}

// uploadUsable is how long after its request an upload may still be named in a job.
const uploadUsable = 24 * time.Hour

// CreateImportJob queues a job for uploads the caller made. An upload that does not
// exist, is someone else's, is older than a day or already belongs to a job is a 422
// naming files[i].uploadId: ids the caller was not issued are never told apart.
func (db *DB) CreateImportJob(ctx context.Context, actor audit.Actor, job *ImportJob) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	job.Status, job.Origin, job.CreatedAt, job.CreatedBy = ImportQueued, "api", now,
		actor.StaffID
	return db.inTx(ctx, func(tx pgx.Tx) error {
		for i := range job.Files {
			f := &job.Files[i]
			err := tx.QueryRow(ctx, `SELECT file_name, declared_size FROM import_uploads
			  WHERE id = $1 AND created_by = $2 AND job_id IS NULL AND created_at > $3
			  FOR UPDATE`, f.UploadID, actor.StaffID, now.Add(-uploadUsable)).
				Scan(&f.FileName, &f.DeclaredSize)
			if errors.Is(err, pgx.ErrNoRows) {
				return apperror.Invalid(apperror.FieldError{
					Field: fmt.Sprintf("files[%d].uploadId", i), Code: "unknown_upload"})
			}
			if err != nil {
				return fmt.Errorf("find import upload: %w", err)
			}
			f.Position = i
		}
		if err := insertImportJob(ctx, tx, job, true); err != nil {
			return err
		}
		e := actor.Event("import.create", "import", job.ID.String(), nil, audit.Allowed)
		e.At = now
		e.Detail, _ = json.Marshal(map[string]any{"kind": job.Kind, "files": len(job.Files)})
		return appendAudit(ctx, tx, e)
	})
}

func insertImportJob(ctx context.Context, tx pgx.Tx, job *ImportJob, withFiles bool) error {
	var mapping any
	if len(job.Mapping) > 0 {
		mapping = string(job.Mapping)
	}
	_, err := tx.Exec(ctx, `INSERT INTO import_jobs (id, kind, status, origin, mapping,
	    created_by, created_at, started_at, heartbeat_at)
	  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, job.ID, job.Kind, job.Status, job.Origin,
		mapping, job.CreatedBy, job.CreatedAt, job.StartedAt)
	if err != nil {
		return fmt.Errorf("insert import job: %w", err)
	}
	if !withFiles {
		return nil
	}
	for _, f := range job.Files {
		if _, err := tx.Exec(ctx, `INSERT INTO import_job_files (job_id, position, role,
		    upload_id) VALUES ($1, $2, $3, $4)`, job.ID, f.Position, f.Role,
			f.UploadID); err != nil {
			return fmt.Errorf("insert import file: %w", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE import_uploads SET job_id = $1 WHERE id = $2",
			job.ID, f.UploadID); err != nil {
			return fmt.Errorf("claim import upload: %w", err)
		}
	}
	return nil
}

// StartLocalImportJob records a job run directly by the import command: it starts out
// running, the caller runs it at once, and its files (local paths, not uploads) are
// not stored.
func (db *DB) StartLocalImportJob(ctx context.Context, actor audit.Actor, job *ImportJob) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	job.Status, job.Origin, job.CreatedAt, job.StartedAt = ImportRunning, "cli", now, &now
	job.CreatedBy, job.Checkpoint = actor.StaffID, map[string]int64{}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := insertImportJob(ctx, tx, job, false); err != nil {
			return err
		}
		e := actor.Event("import.create", "import", job.ID.String(), nil, audit.Allowed)
		e.At = now
		e.Detail, _ = json.Marshal(map[string]any{"kind": job.Kind, "origin": "cli"})
		return appendAudit(ctx, tx, e)
	})
}

const importJobColumns = `j.id, j.kind, j.status, j.origin, j.mapping, j.rows_read,
  j.rows_loaded, j.rows_rejected, j.rows_warned, j.patients_created, j.patients_matched,
  j.visits_created, j.visits_matched, coalesce(j.error_code, ''), j.attempts, j.checkpoint,
  j.created_by, j.created_at, j.started_at, j.finished_at,
  coalesce((SELECT json_agg(json_build_object('position', f.position, 'role', f.role,
      'uploadId', f.upload_id, 'fileName', u.file_name, 'size', u.declared_size)
    ORDER BY f.position) FROM import_job_files f JOIN import_uploads u ON u.id = f.upload_id
    WHERE f.job_id = j.id), '[]')`

func scanImportJob(row pgx.Row) (*ImportJob, error) {
	var j ImportJob
	var mapping, checkpoint, files []byte
	p := &j.Progress
	err := row.Scan(&j.ID, &j.Kind, &j.Status, &j.Origin, &mapping, &p.RowsRead,
		&p.RowsLoaded, &p.RowsRejected, &p.RowsWarned, &p.PatientsCreated, &p.PatientsMatched,
		&p.VisitsCreated, &p.VisitsMatched, &j.ErrorCode, &j.Attempts, &checkpoint,
		&j.CreatedBy, &j.CreatedAt, &j.StartedAt, &j.FinishedAt, &files)
	if err != nil {
		return nil, err
	}
	j.Mapping = mapping
	if err := json.Unmarshal(checkpoint, &j.Checkpoint); err != nil {
		return nil, fmt.Errorf("decode checkpoint: %w", err)
	}
	var fs []struct {
		Position int       `json:"position"`
		Role     string    `json:"role"`
		UploadID uuid.UUID `json:"uploadId"`
		FileName string    `json:"fileName"`
		Size     int64     `json:"size"`
	}
	if err := json.Unmarshal(files, &fs); err != nil {
		return nil, fmt.Errorf("decode import files: %w", err)
	}
	j.Files = []ImportFile{}
	for _, f := range fs {
		j.Files = append(j.Files, ImportFile{Position: f.Position, Role: f.Role,
			UploadID: f.UploadID, FileName: f.FileName, DeclaredSize: f.Size})
	}
	return &j, nil
}

// FindImportJob returns a job by id.
func (db *DB) FindImportJob(ctx context.Context, id uuid.UUID) (*ImportJob, error) {
	j, err := scanImportJob(db.pool.QueryRow(ctx,
		`SELECT `+importJobColumns+` FROM import_jobs j WHERE j.id = $1`, id))
	return j, translate(err)
}

// ListImportJobs returns the newest jobs first.
func (db *DB) ListImportJobs(ctx context.Context, limit int) ([]*ImportJob, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+importJobColumns+` FROM import_jobs j
	  ORDER BY j.created_at DESC, j.id LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*ImportJob, error) {
		return scanImportJob(r)
	})
	return out, translate(err)
}

// ClaimImportJob takes the oldest queued job, or a running one whose runner stopped
// sending heartbeats before staleAfter ago, and marks it running. SKIP LOCKED lets
// several instances claim at once without waiting on each other. A job claimed
// maxAttempts times already is failed instead (too_many_attempts). It returns nil when
// there is nothing to do.
func (db *DB) ClaimImportJob(ctx context.Context, staleAfter time.Duration,
	maxAttempts int) (*ImportJob, error) {
	now := db.now().UTC().Truncate(time.Microsecond)
	var job *ImportJob
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var id uuid.UUID
		var attempts int
		err := tx.QueryRow(ctx, `SELECT id, attempts FROM import_jobs
		  WHERE origin = 'api' AND (status = 'queued' OR (status = 'running' AND
		    heartbeat_at < $1))
		  ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
			now.Add(-staleAfter)).Scan(&id, &attempts)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim import job: %w", err)
		}
		status, code := ImportRunning, ""
		if attempts >= maxAttempts {
			status, code = ImportFailed, "too_many_attempts"
		}
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET status = $2, attempts = attempts + 1,
		    error_code = nullif($3, ''), started_at = coalesce(started_at, $4),
		    heartbeat_at = $4, finished_at = CASE WHEN $2 = 'failed' THEN $4 END
		  WHERE id = $1`, id, status, code, now); err != nil {
			return fmt.Errorf("mark import job: %w", err)
		}
		if job, err = scanImportJob(tx.QueryRow(ctx,
			`SELECT `+importJobColumns+` FROM import_jobs j WHERE j.id = $1`, id)); err != nil {
			return err
		}
		return nil
	})
	return job, err
}

// PauseImportJob puts a running job back in the queue with its checkpoint, for the next
// run to resume. A pause at the run's time budget (failed false) does not count as one
// of the job's attempts; a pause after a fault does.
func (db *DB) PauseImportJob(ctx context.Context, id uuid.UUID, failed bool) error {
	_, err := db.pool.Exec(ctx, `UPDATE import_jobs SET status = 'queued',
	    attempts = CASE WHEN $2 THEN attempts ELSE attempts - 1 END
	  WHERE id = $1 AND status = 'running'`, id, failed)
	return translate(err)
}

// FinishImportJob ends a job as succeeded or failed (with a code), writing the job's
// audit row with its counts and the summary outbox event in the same transaction.
func (db *DB) FinishImportJob(ctx context.Context, actor audit.Actor, id uuid.UUID,
	status, code string) (*ImportJob, error) {
	now := db.now().UTC().Truncate(time.Microsecond)
	var job *ImportJob
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE import_jobs SET status = $2, error_code = nullif($3, ''),
		    finished_at = $4, heartbeat_at = $4 WHERE id = $1 AND status = 'running'`,
			id, status, code, now)
		if err != nil {
			return fmt.Errorf("finish import job: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return apperror.Conflict("import_not_running", "The import is not running")
		}
		if job, err = scanImportJob(tx.QueryRow(ctx,
			`SELECT `+importJobColumns+` FROM import_jobs j WHERE j.id = $1`, id)); err != nil {
			return err
		}
		outcome := audit.Allowed
		if status == ImportFailed {
			outcome = audit.Failed
		}
		e := actor.Event("import.run", "import", id.String(), nil, outcome)
		e.At, e.Reason = now, code
		e.Detail, _ = json.Marshal(job.Progress)
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
		return insertEvent(ctx, tx, now, EventImportCompleted, "imports/"+id.String(),
			map[string]any{"importId": id, "status": status,
				"patientsCreated": job.Progress.PatientsCreated,
				"visitsCreated":   job.Progress.VisitsCreated})
	})
	return job, err
}

// ImportRejection is one line of a job's report.
type ImportRejection struct {
	Seq      int64  `json:"-"`
	File     int    `json:"file"`
	Role     string `json:"role"`
	Line     *int64 `json:"line,omitempty"`
	Entry    *int   `json:"entry,omitempty"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
}

// ListImportRejections returns up to limit report rows after the row afterSeq, in order.
func (db *DB) ListImportRejections(ctx context.Context, id uuid.UUID, afterSeq int64,
	limit int) ([]ImportRejection, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, file_position, file_role, line, entry,
	    severity, code, coalesce(field, '')
	  FROM import_rejections WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		id, afterSeq, limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ImportRejection, error) {
		var x ImportRejection
		err := r.Scan(&x.Seq, &x.File, &x.Role, &x.Line, &x.Entry, &x.Severity, &x.Code,
			&x.Field)
		return x, err
	})
	return out, translate(err)
}
