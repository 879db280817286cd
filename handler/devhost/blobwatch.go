package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"patienttracker/handler/funchost"
)

// Azurite's well-known development account (public, documented emulator defaults).
const (
	azuriteAccount = "devstoreaccount1"
	azuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" +
		"K1SZFPTOtr/KBHBeksoGMGw=="
	azuriteDefaultBlobURL = "http://127.0.0.1:10000/devstoreaccount1"
)

// errBlobNotFound is returned by fetch for a blob that does not exist.
var errBlobNotFound = errors.New("blob not found")

// blobWatcher turns new blobs in Azurite into blob-trigger invocations, standing in for
// the host's Event Grid path: it lists each blobTrigger container every interval and
// invokes the function once per new name+ETag, retrying failures on later polls until
// the poison threshold, as the host does.
type blobWatcher struct {
	client    *azblob.Client
	fns       []*function
	interval  time.Duration
	threshold int
	clock     clock
	invoke    invokeFunc
	log       zerolog.Logger

	mu    sync.Mutex
	tries map[string]int  // function|container/name|etag -> failed tries
	done  map[string]bool // same key -> finished (succeeded or poisoned)
}

// newBlobClient connects to a blob endpoint with a shared key.
func newBlobClient(serviceURL, account, key string) (*azblob.Client, error) {
	cred, err := azblob.NewSharedKeyCredential(account, key)
	if err != nil {
		return nil, fmt.Errorf("blob credential: %w", err)
	}
	c, err := azblob.NewClientWithSharedKeyCredential(strings.TrimRight(serviceURL, "/")+"/",
		cred, nil)
	if err != nil {
		return nil, fmt.Errorf("blob client: %w", err)
	}
	return c, nil
}

// blobClientFromSetting connects with an app-setting connection string, the way the
// binding's `connection` names it; "UseDevelopmentStorage=true" means local Azurite.
func blobClientFromSetting(value string) (*azblob.Client, error) {
	if strings.EqualFold(strings.TrimSpace(value), "UseDevelopmentStorage=true") {
		return newBlobClient(azuriteDefaultBlobURL, azuriteAccount, azuriteKey)
	}
	c, err := azblob.NewClientFromConnectionString(value, nil)
	if err != nil {
		return nil, fmt.Errorf("blob client from connection string: %w", err)
	}
	return c, nil
}

// run polls until ctx ends.
func (w *blobWatcher) run(ctx context.Context) {
	failing := false
	for {
		err := w.poll(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil && !failing {
			w.log.Warn().Err(err).Msg("blob poll failed; retrying quietly")
		} else if err == nil && failing {
			w.log.Info().Msg("blob poll recovered")
		}
		failing = err != nil
		select {
		case <-ctx.Done():
			return
		case <-w.clock.After(w.interval):
		}
	}
}

// poll lists every watched container once and handles new blobs.
func (w *blobWatcher) poll(ctx context.Context) error {
	var errs []error
	for _, fn := range w.fns {
		containerName, rest, _ := strings.Cut(fn.Trigger.Path, "/")
		prefix, _, _ := strings.Cut(rest, "{")
		pager := w.client.NewListBlobsFlatPager(containerName, &azblob.ListBlobsFlatOptions{
			Prefix: &prefix, Include: container.ListBlobsInclude{Metadata: true}})
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				errs = append(errs, fmt.Errorf("list %s: %w", containerName, err))
				break
			}
			for _, item := range page.Segment.BlobItems {
				w.consider(ctx, fn, containerName, item)
			}
		}
	}
	return errors.Join(errs...)
}

func (w *blobWatcher) consider(ctx context.Context, fn *function, containerName string,
	item *container.BlobItem) {
	if item.Name == nil || item.Properties == nil || item.Properties.ETag == nil {
		return
	}
	path := containerName + "/" + *item.Name
	if _, ok := funchost.MatchTemplate(fn.Trigger.Path, path); !ok {
		return
	}
	key := fn.Name + "|" + path + "|" + string(*item.Properties.ETag)
	w.mu.Lock()
	done := w.done[key]
	w.mu.Unlock()
	if done {
		return
	}

	err := w.deliver(ctx, fn, containerName, item)
	w.mu.Lock()
	defer w.mu.Unlock()
	log := w.log.With().Str("function", fn.Name).Str("blob", path).Logger()
	if err == nil {
		w.done[key] = true
		return
	}
	w.tries[key]++
	if w.tries[key] >= w.threshold {
		w.done[key] = true
		log.Error().Err(err).Int("tries", w.tries[key]).
			Msg("blob poisoned; the host would queue it on webjobs-blobtrigger-poison")
		return
	}
	log.Warn().Err(err).Int("tries", w.tries[key]).Msg("blob invocation failed; will retry")
}

// deliver downloads the blob and sends its envelope.
func (w *blobWatcher) deliver(ctx context.Context, fn *function, containerName string,
	item *container.BlobItem) error {
	dl, err := w.client.DownloadStream(ctx, containerName, *item.Name, nil)
	if err != nil {
		return fmt.Errorf("download blob: %w", err)
	}
	content, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	if err != nil {
		return fmt.Errorf("download blob: %w", err)
	}
	src := funchost.BlobSource{
		PathTemplate: fn.Trigger.Path,
		Path:         containerName + "/" + *item.Name,
		URI:          blobURI(w.client.URL(), containerName, *item.Name),
		Content:      content,
		Properties:   hostProperties(item.Properties, int64(len(content))),
		Metadata:     userMetadata(item.Metadata),
	}
	env := funchost.Envelope{FunctionName: fn.Name, Binding: fn.Trigger.Name,
		Now: w.clock.Now(), RandGUID: uuid.NewString()}
	req, err := funchost.BuildBlob(env, src)
	if err != nil {
		return err
	}
	return w.invoke(ctx, fn.Name, req)
}

// fetch invokes fn for one named blob at once (the admin endpoint's input
// "container/blob-name").
func (w *blobWatcher) fetch(ctx context.Context, fn *function, input string) error {
	containerName, name, ok := strings.Cut(strings.TrimPrefix(input, "/"), "/")
	if !ok || name == "" {
		return fmt.Errorf("fetch blob: input %q is not container/blob-name", input)
	}
	pager := w.client.NewListBlobsFlatPager(containerName, &azblob.ListBlobsFlatOptions{
		Prefix: &name, Include: container.ListBlobsInclude{Metadata: true}})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("fetch blob: %w", err)
		}
		for _, item := range page.Segment.BlobItems {
			if item.Name != nil && *item.Name == name && item.Properties != nil {
				return w.deliver(ctx, fn, containerName, item)
			}
		}
	}
	return fmt.Errorf("fetch blob %s: %w", input, errBlobNotFound)
}

// blobURI is the blob's URL as the host reports it: path segments escaped, slashes in
// the blob name kept (the SDK's blob client would escape them as %2F).
func blobURI(serviceURL, containerName, name string) string {
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.TrimRight(serviceURL, "/") + "/" + url.PathEscape(containerName) + "/" +
		strings.Join(segs, "/")
}

// hostProperties maps the storage listing's properties onto the host's key set.
func hostProperties(p *container.BlobProperties, length int64) funchost.HostBlobProperties {
	var lastModified, created time.Time
	if p.LastModified != nil {
		lastModified = p.LastModified.UTC().Truncate(time.Second)
	}
	if p.CreationTime != nil {
		created = p.CreationTime.UTC().Truncate(time.Second)
	}
	contentType := ""
	if p.ContentType != nil {
		contentType = *p.ContentType
	}
	props := funchost.NewHostBlobProperties(length, contentType, p.ContentMD5, lastModified,
		created)
	if p.AccessTier != nil {
		tier := string(*p.AccessTier)
		props.AccessTier = &tier
	}
	if p.AccessTierInferred != nil {
		props.AccessTierInferred = *p.AccessTierInferred
	}
	if p.ServerEncrypted != nil {
		props.IsServerEncrypted = *p.ServerEncrypted
	}
	if p.LeaseStatus != nil && *p.LeaseStatus == "locked" {
		props.LeaseStatus = funchost.LeaseStatusLocked
	}
	return props
}

func userMetadata(m map[string]*string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}
