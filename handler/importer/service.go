package importer

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/audit"
	"patienttracker/handler/funchost"
	"patienttracker/handler/postgres"
)

// FunctionName is the timer function that runs queued import jobs.
const FunctionName = "RunImports"

// Service runs the import jobs the API queues, from the RunImports timer: never from a
// goroutine left behind by a request, which Flex Consumption may stop at any moment.
type Service struct {
	Runner *Runner
	Blobs  *Blobs
	// StaleAfter is how long a running job may go without a heartbeat before another
	// run takes it over (default 2 minutes); MaxAttempts bounds the takeovers (5).
	StaleAfter  time.Duration
	MaxAttempts int
}

// Timer is the RunImports function. The schedule's status (IsPastDue and the rest) is
// not used: each run simply takes whatever is queued. Failures are recorded on the job,
// so the invocation itself always succeeds and burns no host retries.
func (s *Service) Timer() funchost.Func {
	return func(ctx context.Context, inv *funchost.Invocation) (funchost.Result, error) {
		var res funchost.Result
		if _, err := inv.DecodeTimer("timer"); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("timer info unreadable; running anyway")
		}
		n, err := s.RunQueued(ctx, inv.ID)
		if err != nil {
			return res, err
		}
		res.Log("import jobs run: %d", n)
		return res, nil
	}
}

// RunQueued claims and runs jobs until none is left or the runner's budget is spent,
// and returns how many it ran. A job whose files cannot be read as its kind ends failed
// with the file's code; one that meets a fault worth retrying goes back to the queue.
func (s *Service) RunQueued(ctx context.Context, invocationID string) (int, error) {
	start := time.Now()
	stale, attempts := s.StaleAfter, s.MaxAttempts
	if stale <= 0 {
		stale = 2 * time.Minute
	}
	if attempts <= 0 {
		attempts = 5
	}
	n := 0
	for s.Runner.Budget <= 0 || time.Since(start) < s.Runner.Budget {
		job, err := s.Runner.DB.ClaimImportJob(ctx, stale, attempts)
		if err != nil || job == nil {
			return n, err
		}
		n++
		if job.Status != postgres.ImportRunning {
			zerolog.Ctx(ctx).Warn().Str("import_id", job.ID.String()).
				Msg("import failed after too many attempts")
			continue
		}
		if err := s.runOne(ctx, job, invocationID); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Service) runOne(ctx context.Context, job *postgres.ImportJob, invocationID string) error {
	log := zerolog.Ctx(ctx).With().Str("import_id", job.ID.String()).Logger()
	actor := audit.Actor{StaffID: job.CreatedBy, Provider: "system", UserID: FunctionName,
		Role: "system", RequestID: invocationID}
	open := func(ctx context.Context, f postgres.ImportFile) (io.ReadCloser, error) {
		return s.Blobs.Open(ctx, f.UploadID, f.DeclaredSize)
	}
	err := s.Runner.Run(ctx, job, open, actor)
	status, code := postgres.ImportSucceeded, ""
	switch fe, isFile := IsFileError(err); {
	case errors.Is(err, ErrPaused):
		log.Info().Msg("import paused at its budget")
		return s.Runner.DB.PauseImportJob(context.WithoutCancel(ctx), job.ID, false)
	case isFile:
		status, code = postgres.ImportFailed, fe.Code
	case err != nil:
		log.Warn().Err(err).Msg("import interrupted; queued again")
		return s.Runner.DB.PauseImportJob(context.WithoutCancel(ctx), job.ID, true)
	}
	done, err := s.Runner.DB.FinishImportJob(context.WithoutCancel(ctx), actor, job.ID,
		status, code)
	if err != nil {
		return err
	}
	for _, f := range job.Files {
		if err := s.Blobs.Delete(context.WithoutCancel(ctx), f.UploadID); err != nil {
			log.Warn().Err(err).Msg("uploaded import file not deleted")
		}
	}
	log.Info().Str("status", status).Int64("rows_read", done.Progress.RowsRead).
		Int64("rows_rejected", done.Progress.RowsRejected).Msg("import finished")
	return nil
}
