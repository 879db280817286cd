// Package blobstore keeps document bytes in Azure Blob Storage (Azurite locally) through
// azblob. One code path serves both setups; only the credential differs, chosen by
// configuration: a connection string (Azurite's well-known key, or any account key)
// signs SAS URLs with the shared key, while a service URI uses Microsoft Entra ID
// through azidentity (a managed identity in Azure, no account keys) and signs
// user-delegation SAS URLs. Errors are translated: a missing blob is not_found, and a
// storage service that is down or slow is unavailable.
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
)

// Azurite's well-known development account (public, documented emulator defaults).
const (
	devAccount = "devstoreaccount1"
	devKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" +
		"K1SZFPTOtr/KBHBeksoGMGw=="
	devBlobURL = "http://127.0.0.1:10000/devstoreaccount1"
)

// Config says where the blobs are and how to reach them. Set ConnectionString, or
// ServiceURL for identity-based access; not both.
type Config struct {
	// ConnectionString is an account connection string ("UseDevelopmentStorage=true"
	// means Azurite on its default port).
	ConnectionString string
	// ServiceURL is the blob service endpoint (https://<account>.blob.core.windows.net).
	ServiceURL string
	// Credential "managedidentity" with ClientID selects a user-assigned managed
	// identity; otherwise azidentity's default chain is used (the system-assigned
	// identity in Azure, a developer sign-in on a laptop).
	Credential string
	ClientID   string
	// Container holds the documents; QuarantineContainer receives untrusted blobs.
	Container           string
	QuarantineContainer string
	// Now is the clock SAS times are computed from (time.Now when nil).
	Now func() time.Time
	// HTTPClient, when set, carries every storage request (tests count them).
	HTTPClient policy.Transporter
}

// Store is the documents' blob storage.
type Store struct {
	svc        *service.Client
	account    string
	container  string
	quarantine string
	signer     signer
	https      bool
	now        func() time.Time
}

// New connects to the storage account cfg names. It does no network call: the service
// may be unreachable at start-up.
func New(cfg Config) (*Store, error) {
	s := &Store{container: cfg.Container, quarantine: cfg.QuarantineContainer, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.container == "" || s.quarantine == "" {
		return nil, errors.New("new blob store: container names are required")
	}
	opts := &service.ClientOptions{}
	if cfg.HTTPClient != nil {
		opts.Transport = cfg.HTTPClient
	}
	opts.Retry = policy.RetryOptions{MaxRetries: 2, TryTimeout: 30 * time.Second}
	var err error
	switch {
	case cfg.ConnectionString != "" && cfg.ServiceURL != "":
		return nil, errors.New("new blob store: set a connection string or a service URL, not both")
	case cfg.ConnectionString != "":
		err = s.withSharedKey(cfg.ConnectionString, opts)
	case cfg.ServiceURL != "":
		err = s.withIdentity(cfg, opts)
	default:
		return nil, errors.New("new blob store: no connection string or service URL")
	}
	if err != nil {
		return nil, fmt.Errorf("new blob store: %w", err)
	}
	return s, nil
}

func (s *Store) withSharedKey(conn string, opts *service.ClientOptions) error {
	cs, err := parseConnectionString(conn)
	if err != nil {
		return err
	}
	cred, err := service.NewSharedKeyCredential(cs.account, cs.key)
	if err != nil {
		return fmt.Errorf("shared key: %w", err)
	}
	s.svc, err = service.NewClientWithSharedKeyCredential(cs.blobURL, cred, opts)
	if err != nil {
		return fmt.Errorf("blob client: %w", err)
	}
	s.account, s.https = cs.account, strings.HasPrefix(cs.blobURL, "https:")
	s.signer = sharedKeySigner{cred: cred}
	return nil
}

func (s *Store) withIdentity(cfg Config, opts *service.ClientOptions) error {
	u, err := url.Parse(cfg.ServiceURL)
	if err != nil || u.Host == "" {
		return errors.New("the service URL is not a URL")
	}
	var cred azcore.TokenCredential
	if strings.EqualFold(cfg.Credential, "managedidentity") {
		mi := &azidentity.ManagedIdentityCredentialOptions{}
		if cfg.ClientID != "" {
			mi.ID = azidentity.ClientID(cfg.ClientID)
		}
		cred, err = azidentity.NewManagedIdentityCredential(mi)
	} else {
		cred, err = azidentity.NewDefaultAzureCredential(nil)
	}
	if err != nil {
		return fmt.Errorf("azure credential: %w", err)
	}
	s.svc, err = service.NewClient(strings.TrimRight(cfg.ServiceURL, "/")+"/", cred, opts)
	if err != nil {
		return fmt.Errorf("blob client: %w", err)
	}
	s.account, s.https = strings.Split(u.Host, ".")[0], u.Scheme == "https"
	s.signer = &delegationSigner{svc: s.svc, now: s.now}
	return nil
}

// connectionString is the part of a storage connection string the store uses.
type connectionString struct {
	account, key, blobURL string
}

// parseConnectionString reads "UseDevelopmentStorage=true" (Azurite on its default
// port) or Key=Value pairs separated by semicolons: AccountName, AccountKey and either
// BlobEndpoint or DefaultEndpointsProtocol (+ EndpointSuffix).
func parseConnectionString(s string) (connectionString, error) {
	kv := map[string]string{}
	for part := range strings.SplitSeq(s, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			kv[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	if strings.EqualFold(kv["usedevelopmentstorage"], "true") {
		return connectionString{account: devAccount, key: devKey, blobURL: devBlobURL}, nil
	}
	cs := connectionString{account: kv["accountname"], key: kv["accountkey"],
		blobURL: kv["blobendpoint"]}
	if cs.account == "" || cs.key == "" {
		return cs, errors.New("the connection string needs AccountName and AccountKey")
	}
	if cs.blobURL == "" {
		proto, suffix := kv["defaultendpointsprotocol"], kv["endpointsuffix"]
		if proto == "" {
			proto = "https"
		}
		if suffix == "" {
			suffix = "core.windows.net"
		}
		cs.blobURL = proto + "://" + cs.account + ".blob." + suffix
	}
	if _, err := url.Parse(cs.blobURL); err != nil {
		return cs, errors.New("the connection string's BlobEndpoint is not a URL")
	}
	cs.blobURL = strings.TrimRight(cs.blobURL, "/") + "/"
	return cs, nil
}

// EnsureContainers creates the documents and quarantine containers when they are
// missing (local runs and tests; in Azure the infrastructure creates them).
func (s *Store) EnsureContainers(ctx context.Context) error {
	for _, name := range []string{s.container, s.quarantine} {
		if err := s.ensureContainer(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ensureContainer(ctx context.Context, name string) error {
	_, err := s.svc.NewContainerClient(name).Create(ctx, nil)
	if err != nil && !isCode(err, "ContainerAlreadyExists") {
		return fmt.Errorf("create container %s: %w", name, translate(err))
	}
	return nil
}

// DeleteContainers removes both containers and everything in them (tests only).
func (s *Store) DeleteContainers(ctx context.Context) error {
	for _, name := range []string{s.container, s.quarantine} {
		_, err := s.svc.NewContainerClient(name).Delete(ctx, nil)
		if err != nil && !isCode(err, "ContainerNotFound") {
			return fmt.Errorf("delete container %s: %w", name, translate(err))
		}
	}
	return nil
}

// Container returns the name of the documents container.
func (s *Store) Container() string { return s.container }

// URL returns the unsigned URL of a blob in the documents container. Each segment of
// the name is escaped on its own, so the URL shows the folders as the service does.
func (s *Store) URL(name string) string {
	segs := strings.Split(name, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.TrimRight(s.svc.URL(), "/") + "/" + url.PathEscape(s.container) + "/" +
		strings.Join(segs, "/")
}

// AllowBrowserUploads sets the account's CORS rules so that pages served from origins
// may PUT blobs with an upload SAS and GET them with a read SAS; every other origin
// gets no CORS headers. For local runs: in Azure the infrastructure sets the rules.
func (s *Store) AllowBrowserUploads(ctx context.Context, origins []string) error {
	allowed := strings.Join(origins, ",")
	methods, headers, exposed := "PUT,GET,HEAD,OPTIONS", "content-type,x-ms-*", "*"
	maxAge := int32(3600)
	_, err := s.svc.SetProperties(ctx, &service.SetPropertiesOptions{CORS: []*service.CORSRule{{
		AllowedOrigins: &allowed, AllowedMethods: &methods, AllowedHeaders: &headers,
		ExposedHeaders: &exposed, MaxAgeInSeconds: &maxAge}}})
	if err != nil {
		return fmt.Errorf("set cors rules: %w", translate(err))
	}
	return nil
}
