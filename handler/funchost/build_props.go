package funchost

import "time"

// HostBlobProperties is Metadata.Properties with the full key set the host sends
// (Azure.Storage.Blobs BlobProperties under Newtonsoft.Json): PascalCase keys, enums as
// integers, unset times as year 0001 and ETag as `{}`. Build one with
// [NewHostBlobProperties] and adjust fields as needed.
type HostBlobProperties struct {
	LastModified               Time               `json:"LastModified"`
	CreatedOn                  Time               `json:"CreatedOn"`
	Metadata                   map[string]string  `json:"Metadata"`
	ObjReplDestinationPolicyID *string            `json:"ObjectReplicationDestinationPolicyId"`
	ObjReplSourceProperties    *string            `json:"ObjectReplicationSourceProperties"`
	BlobType                   int                `json:"BlobType"`
	CopyCompletedOn            Time               `json:"CopyCompletedOn"`
	CopyStatusDescription      *string            `json:"CopyStatusDescription"`
	CopyID                     *string            `json:"CopyId"`
	CopyProgress               *string            `json:"CopyProgress"`
	CopySource                 *string            `json:"CopySource"`
	CopyStatus                 int                `json:"CopyStatus"`
	BlobCopyStatus             *int               `json:"BlobCopyStatus"`
	IsIncrementalCopy          bool               `json:"IsIncrementalCopy"`
	DestinationSnapshot        *string            `json:"DestinationSnapshot"`
	LeaseDuration              int                `json:"LeaseDuration"`
	LeaseState                 int                `json:"LeaseState"`
	LeaseStatus                int                `json:"LeaseStatus"`
	ContentLength              int64              `json:"ContentLength"`
	ContentType                *string            `json:"ContentType"`
	ETag                       struct{}           `json:"ETag"`
	ContentHash                []byte             `json:"ContentHash"`
	ContentEncoding            *string            `json:"ContentEncoding"`
	ContentDisposition         *string            `json:"ContentDisposition"`
	ContentLanguage            *string            `json:"ContentLanguage"`
	CacheControl               *string            `json:"CacheControl"`
	BlobSequenceNumber         int64              `json:"BlobSequenceNumber"`
	AcceptRanges               *string            `json:"AcceptRanges"`
	BlobCommittedBlockCount    int                `json:"BlobCommittedBlockCount"`
	IsServerEncrypted          bool               `json:"IsServerEncrypted"`
	EncryptionKeySha256        *string            `json:"EncryptionKeySha256"`
	EncryptionScope            *string            `json:"EncryptionScope"`
	AccessTier                 *string            `json:"AccessTier"`
	AccessTierInferred         bool               `json:"AccessTierInferred"`
	ArchiveStatus              *string            `json:"ArchiveStatus"`
	AccessTierChangedOn        Time               `json:"AccessTierChangedOn"`
	VersionID                  *string            `json:"VersionId"`
	IsLatestVersion            bool               `json:"IsLatestVersion"`
	TagCount                   int64              `json:"TagCount"`
	ExpiresOn                  Time               `json:"ExpiresOn"`
	IsSealed                   bool               `json:"IsSealed"`
	RehydratePriority          *string            `json:"RehydratePriority"`
	LastAccessed               Time               `json:"LastAccessed"`
	ImmutabilityPolicy         ImmutabilityPolicy `json:"ImmutabilityPolicy"`
	HasLegalHold               bool               `json:"HasLegalHold"`
}

// ImmutabilityPolicy is HostBlobProperties.ImmutabilityPolicy.
type ImmutabilityPolicy struct {
	ExpiresOn  *string `json:"ExpiresOn"`
	PolicyMode *string `json:"PolicyMode"`
}

// .NET enum values used by NewHostBlobProperties (Azure.Storage.Blobs.Models).
const (
	BlobTypeBlock       = 0
	LeaseStatusLocked   = 0
	LeaseStatusUnlocked = 1
)

// NewHostBlobProperties returns the properties of an unleased block blob in the hot
// tier, with the given content facts, as the host would send them.
func NewHostBlobProperties(length int64, contentType string, md5 []byte,
	lastModified, createdOn time.Time) HostBlobProperties {
	hot, bytesRange := "Hot", "bytes"
	p := HostBlobProperties{
		LastModified:       Time{lastModified},
		CreatedOn:          Time{createdOn},
		Metadata:           map[string]string{},
		BlobType:           BlobTypeBlock,
		LeaseStatus:        LeaseStatusUnlocked,
		ContentLength:      length,
		ContentHash:        md5,
		AcceptRanges:       &bytesRange,
		IsServerEncrypted:  true,
		AccessTier:         &hot,
		AccessTierInferred: true,
	}
	if contentType != "" {
		p.ContentType = &contentType
	}
	return p
}
