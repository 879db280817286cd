package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// EnsureBoundStaff adds a staff member already bound to an identity, or leaves an
// existing one with that email as it is. Only the demo seed uses it: real staff are added
// by email and bind at first sign-in.
func (db *DB) EnsureBoundStaff(ctx context.Context, email, name, role, provider,
	userID string) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	_, err := db.pool.Exec(ctx, `INSERT INTO staff (id, email, display_name, role, active,
	    identity_provider, identity_user_id, bound_at, created_at, updated_at)
	  VALUES ($1, $2, $3, $4, true, $5, $6, $7, $7, $7)
	  ON CONFLICT DO NOTHING`, uuid.New(), email, name, role, provider, userID, now)
	return translate(err)
}

// CountPatients returns how many patients exist, archived or not.
func (db *DB) CountPatients(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, "SELECT count(*) FROM patients").Scan(&n)
	return n, translate(err)
}
