package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
)

// claimTTL is how long an unfinished claim blocks its key; after that the request is
// taken to have died and the key may be claimed again.
const claimTTL = 2 * time.Minute

// Replay is a finished request's stored answer.
type Replay struct {
	Status   int
	Response []byte
}

// ClaimIdempotencyKey claims a staff member's key for a request body hash. It returns a
// Replay when the same request already finished, a 409 when it is still running, and a
// 422 idempotency_mismatch when the key was used with another body.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, staffID uuid.UUID, key string,
	hash []byte) (*Replay, error) {
	now := db.now().UTC()
	var replay *Replay
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (staff_id, key, request_hash,
		    created_at) VALUES ($1, $2, $3, $4)
		  ON CONFLICT (staff_id, key) DO UPDATE SET request_hash = excluded.request_hash,
		    created_at = excluded.created_at
		  WHERE idempotency_keys.status IS NULL AND idempotency_keys.created_at < $5`,
			staffID, key, hash, now, now.Add(-claimTTL))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var stored []byte
		var status *int
		var response []byte
		if err := tx.QueryRow(ctx, `SELECT request_hash, status, response
		  FROM idempotency_keys WHERE staff_id = $1 AND key = $2`, staffID, key).Scan(
			&stored, &status, &response); err != nil {
			return err
		}
		switch {
		case !bytes.Equal(stored, hash):
			return &apperror.Error{Kind: apperror.KindInvalid, Code: "idempotency_mismatch",
				Message: "This Idempotency-Key was used with a different request",
				Fields:  []apperror.FieldError{{Field: "Idempotency-Key", Code: "mismatch"}}}
		case status == nil:
			return apperror.Conflict("idempotency_in_progress",
				"A request with this Idempotency-Key is still running")
		}
		replay = &Replay{Status: *status, Response: storedAnswer(response)}
		return nil
	})
	return replay, err
}

// FinishIdempotencyKey stores the answer to replay for a claimed key. The column is
// jsonb, which reorders keys and spaces, so the answer is kept as a JSON string: a replay
// gives back the first answer byte for byte.
func (db *DB) FinishIdempotencyKey(ctx context.Context, staffID uuid.UUID, key string,
	status int, response []byte) error {
	wrapped, err := json.Marshal(string(response))
	if err != nil {
		return fmt.Errorf("encode idempotent answer: %w", err)
	}
	_, err = db.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, response = $4
	  WHERE staff_id = $1 AND key = $2`, staffID, key, status, wrapped)
	return translate(err)
}

// storedAnswer unwraps an answer kept as a JSON string; older rows hold the object.
func storedAnswer(raw []byte) []byte {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return raw
}

// ReleaseIdempotencyKey frees a claim whose request failed, so the client may retry.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, staffID uuid.UUID, key string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM idempotency_keys
	  WHERE staff_id = $1 AND key = $2 AND status IS NULL`, staffID, key)
	return translate(err)
}
