package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/blobstore"
	"patienttracker/handler/funchost"
	"patienttracker/handler/postgres"
)

// Retention says how long the nightly cleanup leaves things alone.
type Retention struct {
	// UploadGrace is how long an upload request may stay pending_upload before it is
	// removed with any partial blob (PT_UPLOAD_GRACE_HOURS). It must outlast the upload
	// SAS by far, so no upload can still arrive.
	UploadGrace time.Duration
	// OrphanMinAge is how old a blob with no document row must be before it is removed.
	OrphanMinAge time.Duration
	// Quarantine is how long quarantined blobs are kept (PT_QUARANTINE_RETENTION_DAYS).
	Quarantine time.Duration
	// Events is how long published outbox events are kept (PT_EVENTS_RETENTION_DAYS).
	Events time.Duration
}

// Cleanup answers the Cleanup timer. It removes upload requests that never completed
// (row and partial blob), blobs with no document row, quarantined blobs and published
// outbox events past their retention; it never touches patients, visits, documents in
// any other status, their blobs, or the audit log. Every removal is counted in one log
// line.
type Cleanup struct {
	DB *postgres.DB
	// Store is the document storage; nil when none is configured (local runs), in
	// which case only the database is cleaned.
	Store     *blobstore.Store
	Retention Retention
	// Now is the clock used when the envelope carries no sys.UtcNow.
	Now func() time.Time
}

// CleanupCounts are what one run removed.
type CleanupCounts struct {
	ExpiredUploads   int
	UploadBlobs      int
	OrphanBlobs      int
	QuarantinedBlobs int
	PublishedEvents  int64
}

// cleanupBatch bounds the upload requests expired per transaction and the blob names
// checked against the database at once.
const cleanupBatch = 500

// Handle runs one invocation. Each part runs even when an earlier one failed; any
// failure is answered 500 after the counts are logged.
func (j *Cleanup) Handle(ctx context.Context, inv *funchost.Invocation) (
	funchost.Result, error) {
	var res funchost.Result
	start := time.Now()
	run := decodeTimer(ctx, inv, clockOr(j.Now))
	actor := audit.System(CleanupName, inv.ID)
	var c CleanupCounts
	var errs []error

	n, err := j.DB.DeletePublishedEvents(ctx, run.now.Add(-j.Retention.Events))
	c.PublishedEvents = n
	errs = append(errs, wrap("trim published events", err))
	errs = append(errs, wrap("expire upload requests", j.expireUploads(ctx, actor, run.now, &c)))
	if j.Store != nil {
		errs = append(errs, wrap("remove orphan blobs", j.removeOrphans(ctx, run.now, &c)))
		errs = append(errs, wrap("remove quarantined blobs",
			j.removeQuarantined(ctx, run.now, &c)))
	}

	err = errors.Join(errs...)
	ev := zerolog.Ctx(ctx).Info()
	if err != nil {
		ev = zerolog.Ctx(ctx).Warn().Err(err)
	}
	ev.Int("expired_uploads", c.ExpiredUploads).Int("upload_blobs", c.UploadBlobs).
		Int("orphan_blobs", c.OrphanBlobs).Int("quarantined_blobs", c.QuarantinedBlobs).
		Int64("published_events", c.PublishedEvents).Bool("storage", j.Store != nil).
		Int64("duration_ms", time.Since(start).Milliseconds()).Msg("cleanup done")
	res.Log("cleanup: %d expired uploads (%d blobs), %d orphan blobs, %d quarantined blobs, "+
		"%d published events removed", c.ExpiredUploads, c.UploadBlobs, c.OrphanBlobs,
		c.QuarantinedBlobs, c.PublishedEvents)
	if err != nil {
		return res, funchost.Retryable(fmt.Errorf("cleanup: %w", err))
	}
	return res, nil
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// expireUploads removes pending upload requests past the grace period, then their
// blobs. A blob whose delete fails is an orphan now, and a later run removes it.
func (j *Cleanup) expireUploads(ctx context.Context, actor audit.Actor, now time.Time,
	c *CleanupCounts) error {
	cutoff := now.Add(-j.Retention.UploadGrace)
	for {
		expired, err := j.DB.ExpireUploadIntents(ctx, actor, cutoff, cleanupBatch)
		if err != nil {
			return err
		}
		c.ExpiredUploads += len(expired)
		if j.Store != nil {
			for _, u := range expired {
				if err := j.Store.Delete(ctx, u.BlobName()); err != nil {
					return err
				}
				c.UploadBlobs++
			}
		}
		if len(expired) < cleanupBatch {
			return nil
		}
	}
}

// removeOrphans deletes blobs of the documents container that belong to no document
// row and are older than OrphanMinAge, checking names against the database in batches.
func (j *Cleanup) removeOrphans(ctx context.Context, now time.Time, c *CleanupCounts) error {
	var batch []string
	flush := func() error {
		known, err := j.DB.KnownDocumentBlobs(ctx, batch)
		if err != nil {
			return err
		}
		for _, name := range batch {
			if known[name] {
				continue
			}
			if err := j.Store.Delete(ctx, name); err != nil {
				return err
			}
			c.OrphanBlobs++
		}
		batch = batch[:0]
		return nil
	}
	cutoff := now.Add(-j.Retention.OrphanMinAge)
	err := j.Store.List(ctx, "", func(b blobstore.BlobInfo) error {
		if !b.LastModified.Before(cutoff) {
			return nil
		}
		batch = append(batch, b.Name)
		if len(batch) == cleanupBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// removeQuarantined deletes quarantined blobs older than the quarantine retention. The
// document rows stay: they record what was refused and why.
func (j *Cleanup) removeQuarantined(ctx context.Context, now time.Time,
	c *CleanupCounts) error {
	cutoff := now.Add(-j.Retention.Quarantine)
	var expired []string
	err := j.Store.ListQuarantined(ctx, "", func(b blobstore.BlobInfo) error {
		if b.LastModified.Before(cutoff) {
			expired = append(expired, b.Name)
		}
		return nil
	})
	if apperror.IsKind(err, apperror.KindNotFound) {
		return nil // the quarantine container is made on first use
	}
	if err != nil {
		return err
	}
	for _, name := range expired {
		if err := j.Store.DeleteQuarantined(ctx, name); err != nil {
			return err
		}
		c.QuarantinedBlobs++
	}
	return nil
}
