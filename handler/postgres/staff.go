package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"patienttracker/handler/apperror"
	"patienttracker/handler/audit"
	"patienttracker/handler/staff"
)

const staffColumns = `id, email, display_name, role, active, coalesce(identity_provider, ''),
  bound_at, version, created_at, updated_at`

func scanStaff(row pgx.Row) (*staff.Member, error) {
	var m staff.Member
	var role string
	err := row.Scan(&m.ID, &m.Email, &m.DisplayName, &role, &m.Active, &m.IdentityProvider,
		&m.BoundAt, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	m.Role = staff.Role(role)
	return &m, err
}

// ResolveStaff finds the staff member a principal signs in as. A principal already bound
// is found by provider and user id; otherwise the first sign-in with a staff email that
// has no identity yet binds it. Disabled members are returned; the caller refuses them.
func (db *DB) ResolveStaff(ctx context.Context, p staff.Principal) (*staff.Member, error) {
	m, err := scanStaff(db.pool.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff
	  WHERE identity_provider = $1 AND identity_user_id = $2`, p.Provider, p.UserID))
	if err == nil {
		return m, nil
	}
	if err = translate(err); !apperror.IsKind(err, apperror.KindNotFound) || p.Details == "" {
		return nil, err
	}
	now := db.now().UTC()
	m, err = scanStaff(db.pool.QueryRow(ctx, `UPDATE staff SET identity_provider = $1,
	    identity_user_id = $2, bound_at = $3, updated_at = $3
	  WHERE lower(email) = lower($4) AND identity_user_id IS NULL
	  RETURNING `+staffColumns, p.Provider, p.UserID, now, strings.TrimSpace(p.Details)))
	return m, translate(err)
}

// EnsureFirstAdmin adds the configured first admin when no admin exists yet, so a new
// deployment is not locked out.
func (db *DB) EnsureFirstAdmin(ctx context.Context, email string) error {
	if email == "" {
		return nil
	}
	now := db.now().UTC()
	_, err := db.pool.Exec(ctx, `INSERT INTO staff (id, email, display_name, role, active,
	    created_at, updated_at)
	  SELECT $1, $2, 'First administrator', 'admin', true, $3, $3
	  WHERE NOT EXISTS (SELECT 1 FROM staff WHERE role = 'admin')
	  ON CONFLICT DO NOTHING`, uuid.New(), email, now)
	return translate(err)
}

// ListStaff returns every staff member, by display name.
func (db *DB) ListStaff(ctx context.Context) ([]staff.Member, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+staffColumns+` FROM staff
	  ORDER BY lower(display_name), id`)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (staff.Member, error) {
		m, err := scanStaff(r)
		if err != nil {
			return staff.Member{}, err
		}
		return *m, nil
	})
	return out, translate(err)
}

// FindStaff returns a staff member by id.
func (db *DB) FindStaff(ctx context.Context, id uuid.UUID) (*staff.Member, error) {
	m, err := scanStaff(db.pool.QueryRow(ctx,
		`SELECT `+staffColumns+` FROM staff WHERE id = $1`, id))
	return m, translate(err)
}

// CreateStaff adds a staff member by email; the identity binds at first sign-in.
func (db *DB) CreateStaff(ctx context.Context, actor audit.Actor, m *staff.Member) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	m.ID, m.Version, m.CreatedAt, m.UpdatedAt, m.Active = uuid.New(), 1, now, now, true
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO staff (id, email, display_name, role, active,
		  created_at, updated_at) VALUES ($1, $2, $3, $4, true, $5, $5)`,
			m.ID, m.Email, m.DisplayName, string(m.Role), now)
		if err != nil {
			if e := translate(err); apperror.IsKind(e, apperror.KindConflict) {
				return &apperror.Error{Kind: apperror.KindConflict, Code: "email_in_use",
					Message: "A staff member already has that email", Err: err,
					Fields: []apperror.FieldError{{Field: "email", Code: "in_use"}}}
			}
			return fmt.Errorf("insert staff: %w", err)
		}
		e := actor.Event("staff.create", "staff", m.ID.String(), nil, audit.Allowed)
		e.At = now
		return appendAudit(ctx, tx, e)
	})
}

// UpdateStaff changes a staff member's name, role or active flag.
func (db *DB) UpdateStaff(ctx context.Context, actor audit.Actor, id uuid.UUID,
	f staff.Fields) (*staff.Member, error) {
	var out *staff.Member
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.now().UTC().Truncate(time.Microsecond)
		m, err := scanStaff(tx.QueryRow(ctx, `UPDATE staff SET
		    display_name = coalesce($2, display_name), role = coalesce($3, role),
		    active = coalesce($4, active), email = coalesce($5, email),
		    version = version + 1, updated_at = $6
		  WHERE id = $1 RETURNING `+staffColumns, id, f.DisplayName, f.Role, f.Active, f.Email,
			now))
		if err != nil {
			return err
		}
		e := actor.Event("staff.update", "staff", id.String(), nil, audit.Allowed)
		e.At = now
		out = m
		return appendAudit(ctx, tx, e)
	})
	return out, err
}
