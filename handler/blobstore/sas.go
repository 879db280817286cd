package blobstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
)

// signer signs SAS values: with the account key, or with a user delegation key.
type signer interface {
	sign(ctx context.Context, v sas.BlobSignatureValues) (sas.QueryParameters, error)
}

type sharedKeySigner struct{ cred *service.SharedKeyCredential }

func (k sharedKeySigner) sign(_ context.Context, v sas.BlobSignatureValues) (
	sas.QueryParameters, error) {
	return v.SignWithSharedKey(k.cred)
}

// delegationSigner signs with a user delegation key obtained through Entra ID. The key
// is cached and renewed well before it would expire under a SAS it signed.
type delegationSigner struct {
	svc *service.Client
	now func() time.Time

	mu      sync.Mutex
	cred    *service.UserDelegationCredential
	expires time.Time
}

// delegationKeyLife is how long a fetched key is valid; it is renewed when less than
// delegationKeyMargin remains, which is longer than any SAS this store signs.
const (
	delegationKeyLife   = 2 * time.Hour
	delegationKeyMargin = 30 * time.Minute
)

func (d *delegationSigner) sign(ctx context.Context, v sas.BlobSignatureValues) (
	sas.QueryParameters, error) {
	cred, err := d.key(ctx)
	if err != nil {
		return sas.QueryParameters{}, err
	}
	return v.SignWithUserDelegation(cred)
}

func (d *delegationSigner) key(ctx context.Context) (*service.UserDelegationCredential,
	error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now().UTC()
	if d.cred != nil && d.expires.Sub(now) > delegationKeyMargin {
		return d.cred, nil
	}
	start, expiry := now.Add(-5*time.Minute), now.Add(delegationKeyLife)
	st, ex := start.Format(sas.TimeFormat), expiry.Format(sas.TimeFormat)
	cred, err := d.svc.GetUserDelegationCredential(ctx, service.KeyInfo{Start: &st,
		Expiry: &ex}, nil)
	if err != nil {
		return nil, fmt.Errorf("get user delegation key: %w", translate(err))
	}
	d.cred, d.expires = cred, expiry
	return cred, nil
}

// SignedURL is a blob URL carrying a SAS, and when the SAS stops working.
type SignedURL struct {
	URL       string
	ExpiresAt time.Time
}

// UploadURL returns a SAS URL that lets its holder create and write (cw) exactly the
// blob name in the documents container until ttl has passed: no read, list, delete or
// any other blob. The client PUTs the bytes with "x-ms-blob-type: BlockBlob".
func (s *Store) UploadURL(ctx context.Context, name string, ttl time.Duration) (SignedURL,
	error) {
	perms := sas.BlobPermissions{Create: true, Write: true}
	return s.signedURL(ctx, name, perms, ttl, "", "")
}

// DownloadURL returns a read-only SAS URL for the blob name, valid for ttl, whose
// response carries contentDisposition and contentType (rscd, rsct) whatever the blob's
// own properties say, so a browser downloads it under the given name.
func (s *Store) DownloadURL(ctx context.Context, name string, ttl time.Duration,
	contentDisposition, contentType string) (SignedURL, error) {
	perms := sas.BlobPermissions{Read: true}
	return s.signedURL(ctx, name, perms, ttl, contentDisposition, contentType)
}

func (s *Store) signedURL(ctx context.Context, name string, perms sas.BlobPermissions,
	ttl time.Duration, disposition, contentType string) (SignedURL, error) {
	expires := s.now().UTC().Add(ttl).Truncate(time.Second)
	protocol := sas.ProtocolHTTPS
	if !s.https {
		protocol = sas.ProtocolHTTPSandHTTP
	}
	v := sas.BlobSignatureValues{Protocol: protocol, ExpiryTime: expires,
		Permissions: perms.String(), ContainerName: s.container, BlobName: name,
		ContentDisposition: disposition, ContentType: contentType,
		CacheControl: cacheControl(perms)}
	q, err := s.signer.sign(ctx, v)
	if err != nil {
		return SignedURL{}, fmt.Errorf("sign sas: %w", err)
	}
	return SignedURL{URL: s.URL(name) + "?" + q.Encode(), ExpiresAt: expires}, nil
}

// cacheControl keeps downloaded documents out of shared caches.
func cacheControl(perms sas.BlobPermissions) string {
	if perms.Read {
		return "private, no-store"
	}
	return ""
}
