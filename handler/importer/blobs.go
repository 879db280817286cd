package importer

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/google/uuid"

	"patienttracker/handler/blobstore"
)

// readSASLife bounds the read SAS the runner streams a file through; the stream, once
// open, outlives it.
const readSASLife = 15 * time.Minute

// Blobs holds uploaded import files in their own container (imports), through the
// blobstore adapter: the blob of upload <id> is named <id>, chosen by the server.
type Blobs struct {
	store *blobstore.Store
	// MaxBytes bounds a file, whatever its upload declared.
	MaxBytes int64
}

// NewBlobs returns the import files on store, whose container must be the imports one.
func NewBlobs(store *blobstore.Store, maxBytes int64) *Blobs {
	return &Blobs{store: store, MaxBytes: maxBytes}
}

// Store returns the underlying blob store.
func (b *Blobs) Store() *blobstore.Store { return b.store }

// UploadURL returns the SAS URL through which the browser PUTs upload id: create and
// write on that one blob only, until ttl has passed.
func (b *Blobs) UploadURL(ctx context.Context, id uuid.UUID, ttl time.Duration) (
	blobstore.SignedURL, error) {
	return b.store.UploadURL(ctx, id.String(), ttl)
}

// Open streams upload id. A blob that is missing is an ErrFile "upload_missing"; one
// that is empty is "empty_file"; one larger than declared or than MaxBytes is
// "too_large". The stream retries broken reads from where it stopped.
func (b *Blobs) Open(ctx context.Context, id uuid.UUID, declared int64) (io.ReadCloser,
	error) {
	signed, err := b.store.DownloadURL(ctx, id.String(), readSASLife, "", "")
	if err != nil {
		return nil, fmt.Errorf("sign import read: %w", err)
	}
	client, err := blob.NewClientWithNoCredential(signed.URL, &blob.ClientOptions{
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 2}}})
	if err != nil {
		return nil, fmt.Errorf("open import blob: %w", err)
	}
	resp, err := client.DownloadStream(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		return nil, fileError("upload_missing", "")
	}
	if err != nil {
		return nil, fmt.Errorf("open import blob: %w", err)
	}
	size := int64(0)
	if resp.ContentLength != nil {
		size = *resp.ContentLength
	}
	switch {
	case size == 0:
		resp.Body.Close()
		return nil, fileError("empty_file", "")
	case size > declared || (b.MaxBytes > 0 && size > b.MaxBytes):
		resp.Body.Close()
		return nil, fileError("too_large", "")
	}
	return resp.NewRetryReader(ctx, &blob.RetryReaderOptions{MaxRetries: 3}), nil
}

// Delete removes upload id's blob; a missing blob is not an error.
func (b *Blobs) Delete(ctx context.Context, id uuid.UUID) error {
	return b.store.Delete(ctx, id.String())
}
