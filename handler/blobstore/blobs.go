package blobstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"patienttracker/handler/apperror"
)

// ScanResultTag is the blob index tag Microsoft Defender for Storage writes with its
// malware-scanning verdict ("No threats found" or "Malicious"; other values mean the
// scan did not complete).
const ScanResultTag = "Malware Scanning scan result"

// Scan verdicts Defender for Storage writes.
const (
	ScanClean     = "No threats found"
	ScanMalicious = "Malicious"
)

// SetServingHeaders stores the sniffed media type as the blob's Content-Type, and
// "attachment" as its Content-Disposition, so that even a request without the SAS
// overrides never renders the document inline.
func (s *Store) SetServingHeaders(ctx context.Context, name, mediaType string) error {
	attachment := "attachment"
	_, err := s.blob(s.container, name).SetHTTPHeaders(ctx, blob.HTTPHeaders{
		BlobContentType: &mediaType, BlobContentDisposition: &attachment}, nil)
	if err != nil {
		return fmt.Errorf("set blob headers: %w", translate(err))
	}
	return nil
}

// Quarantine moves a blob that must never be served out of the documents container:
// content (the bytes the trigger delivered) is written to the quarantine container
// under the same name, with the reason as metadata, and the original is deleted. It is
// idempotent; a blob that is already gone is not an error.
func (s *Store) Quarantine(ctx context.Context, name string, content []byte,
	reason string) error {
	meta := map[string]*string{"reason": &reason}
	opts := &blockblob.UploadBufferOptions{Metadata: meta}
	bb := s.svc.NewContainerClient(s.quarantine).NewBlockBlobClient(name)
	_, err := bb.UploadBuffer(ctx, content, opts)
	if isCode(err, string(bloberror.ContainerNotFound)) {
		// Created on first use: Storage Blob Data Contributor may create containers.
		if err = s.ensureContainer(ctx, s.quarantine); err == nil {
			_, err = bb.UploadBuffer(ctx, content, opts)
		}
	}
	if err != nil {
		return fmt.Errorf("quarantine blob: %w", translate(err))
	}
	return s.Delete(ctx, name)
}

// Delete removes a blob from the documents container; deleting a missing blob succeeds.
func (s *Store) Delete(ctx context.Context, name string) error {
	_, err := s.blob(s.container, name).Delete(ctx, nil)
	if err != nil && !isCode(err, string(bloberror.BlobNotFound)) {
		return fmt.Errorf("delete blob: %w", translate(err))
	}
	return nil
}

// ScanResult returns the malware-scanning verdict Defender for Storage left on a blob
// as an index tag, or "" when there is none (yet).
func (s *Store) ScanResult(ctx context.Context, name string) (string, error) {
	resp, err := s.blob(s.container, name).GetTags(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("get blob tags: %w", translate(err))
	}
	for _, t := range resp.BlobTagSet {
		if t.Key != nil && t.Value != nil && *t.Key == ScanResultTag {
			return *t.Value, nil
		}
	}
	return "", nil
}

// Download returns a blob's bytes, refusing (too_large) one larger than limit.
func (s *Store) Download(ctx context.Context, name string, limit int64) ([]byte, error) {
	resp, err := s.blob(s.container, name).DownloadStream(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("download blob: %w", translate(err))
	}
	defer resp.Body.Close()
	if resp.ContentLength != nil && *resp.ContentLength > limit {
		return nil, apperror.New(apperror.KindInvalid, "too_large", "The blob is too large")
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(resp.Body, limit+1)); err != nil {
		return nil, fmt.Errorf("download blob: %w", translate(err))
	}
	if int64(buf.Len()) > limit {
		return nil, apperror.New(apperror.KindInvalid, "too_large", "The blob is too large")
	}
	return buf.Bytes(), nil
}

// BlobInfo describes one listed blob.
type BlobInfo struct {
	Name         string
	Size         int64
	ContentType  string
	LastModified time.Time
}

// List calls fn for every blob of the documents container whose name starts with
// prefix, in name order, until fn returns an error (which List returns).
func (s *Store) List(ctx context.Context, prefix string, fn func(BlobInfo) error) error {
	return s.list(ctx, s.container, prefix, fn)
}

// ListQuarantined is List for the quarantine container (for retention clean-up).
func (s *Store) ListQuarantined(ctx context.Context, prefix string,
	fn func(BlobInfo) error) error {
	return s.list(ctx, s.quarantine, prefix, fn)
}

// DeleteQuarantined removes a blob from the quarantine container; a missing blob (or
// container) is not an error.
func (s *Store) DeleteQuarantined(ctx context.Context, name string) error {
	_, err := s.blob(s.quarantine, name).Delete(ctx, nil)
	if err != nil && !isCode(err, string(bloberror.BlobNotFound)) &&
		!isCode(err, string(bloberror.ContainerNotFound)) {
		return fmt.Errorf("delete quarantined blob: %w", translate(err))
	}
	return nil
}

func (s *Store) list(ctx context.Context, containerName, prefix string,
	fn func(BlobInfo) error) error {
	pager := s.svc.NewContainerClient(containerName).NewListBlobsFlatPager(
		&container.ListBlobsFlatOptions{Prefix: &prefix})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list blobs: %w", translate(err))
		}
		for _, item := range page.Segment.BlobItems {
			if err := fn(blobInfo(item)); err != nil {
				return err
			}
		}
	}
	return nil
}

func blobInfo(item *container.BlobItem) BlobInfo {
	var b BlobInfo
	if item.Name != nil {
		b.Name = *item.Name
	}
	if p := item.Properties; p != nil {
		if p.ContentLength != nil {
			b.Size = *p.ContentLength
		}
		if p.ContentType != nil {
			b.ContentType = *p.ContentType
		}
		if p.LastModified != nil {
			b.LastModified = p.LastModified.UTC()
		}
	}
	return b
}

func (s *Store) blob(containerName, name string) *blob.Client {
	return s.svc.NewContainerClient(containerName).NewBlobClient(name)
}

// isCode reports whether err is a storage error with the given code.
func isCode(err error, code string) bool {
	return err != nil && bloberror.HasCode(err, bloberror.Code(code))
}

// translate maps storage errors onto application errors: a missing blob or container
// is not_found; a service that cannot be reached, times out or answers 5xx or 429 is
// unavailable (the caller may retry). Other errors pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperror.As(err); ok {
		return err
	}
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		e := apperror.NotFound()
		e.Err = err
		return e
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		if re.StatusCode >= 500 || re.StatusCode == http.StatusTooManyRequests ||
			re.StatusCode == http.StatusRequestTimeout {
			return apperror.Unavailable(err)
		}
		return err
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		return apperror.Unavailable(err)
	}
	return err
}
