// Package audit describes audit events and the hash chain that makes the append-only log
// tamper-evident: each row's hash covers its own content and the previous row's hash, so
// an edited row breaks its own hash and a removed row breaks the next row's link.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Outcome is how an audited attempt ended.
type Outcome string

// The outcomes.
const (
	Allowed Outcome = "allowed"
	Denied  Outcome = "denied"
	Failed  Outcome = "failed"
)

// Event is one audit row.
type Event struct {
	Seq          int64           `json:"seq"`
	ID           uuid.UUID       `json:"id"`
	At           time.Time       `json:"at"`
	ActorStaffID *uuid.UUID      `json:"actorStaffId,omitempty"`
	ActorProv    string          `json:"actorProvider,omitempty"`
	ActorUserID  string          `json:"actorUserId,omitempty"`
	ActorRole    string          `json:"actorRole,omitempty"`
	Action       string          `json:"action"`
	ObjectType   string          `json:"objectType,omitempty"`
	ObjectID     string          `json:"objectId,omitempty"`
	PatientID    *uuid.UUID      `json:"patientId,omitempty"`
	Outcome      Outcome         `json:"outcome"`
	Reason       string          `json:"reason,omitempty"`
	RequestID    string          `json:"requestId,omitempty"`
	Detail       json.RawMessage `json:"detail,omitempty"`
	PrevHash     []byte          `json:"-"`
	Hash         []byte          `json:"-"`
}

// GenesisHash is the previous hash of the first row.
var GenesisHash = make([]byte, sha256.Size)

// Seal sets e.PrevHash to prev and e.Hash to the chain hash of e.
func (e *Event) Seal(prev []byte) {
	e.PrevHash = prev
	e.Hash = e.ChainHash(prev)
}

// ChainHash computes the hash of e's content chained to prev. Times are hashed at
// microsecond precision in UTC, as PostgreSQL stores them.
func (e *Event) ChainHash(prev []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	fields := []string{e.ID.String(), e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		uuidString(e.ActorStaffID), e.ActorProv, e.ActorUserID, e.ActorRole, e.Action,
		e.ObjectType, e.ObjectID, uuidString(e.PatientID), string(e.Outcome), e.Reason,
		e.RequestID, string(compactJSON(e.Detail))}
	for _, f := range fields {
		// Length-prefix each field so no two different rows hash the same text.
		h.Write([]byte{byte(len(f) >> 24), byte(len(f) >> 16), byte(len(f) >> 8), byte(len(f))})
		h.Write([]byte(f))
	}
	return h.Sum(nil)
}

func uuidString(id *uuid.UUID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

// compactJSON gives the canonical text of a jsonb value: PostgreSQL reorders keys, so
// detail is hashed after a round trip through a map.
func compactJSON(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return b
}

// Finding is the first place the chain does not hold.
type Finding struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"` // "edited" or "removed_before"
}

// Verifier checks rows one at a time, in sequence order.
type Verifier struct {
	prev    []byte
	prevSeq int64
	Checked int64
}

// NewVerifier starts a verification at the chain's beginning.
func NewVerifier() *Verifier { return &Verifier{prev: GenesisHash} }

// Check verifies the next row and returns a finding at the first row that breaks it.
func (v *Verifier) Check(e Event) *Finding {
	v.Checked++
	if !bytes.Equal(e.PrevHash, v.prev) {
		return &Finding{Seq: e.Seq, Reason: "removed_before"}
	}
	if !bytes.Equal(e.ChainHash(e.PrevHash), e.Hash) {
		return &Finding{Seq: e.Seq, Reason: "edited"}
	}
	v.prev, v.prevSeq = e.Hash, e.Seq
	return nil
}
