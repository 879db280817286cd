// Package staff holds staff members, their roles and what each role may do. Roles come
// from the staff table only, never from a sign-in header.
package staff

import (
	"time"

	"github.com/google/uuid"
)

// Role is a staff role.
type Role string

// The roles.
const (
	Admin     Role = "admin"
	Clinician Role = "clinician"
	Frontdesk Role = "frontdesk"
	Analyst   Role = "analyst"
)

// Member is a staff member. An admin adds a person by email; the first sign-in with that
// email binds the identity (provider and user id).
type Member struct {
	ID               uuid.UUID  `json:"id"`
	Email            string     `json:"email"`
	DisplayName      string     `json:"displayName"`
	Role             Role       `json:"role"`
	Active           bool       `json:"active"`
	IdentityProvider string     `json:"identityProvider,omitempty"`
	BoundAt          *time.Time `json:"boundAt,omitempty"`
	Version          int        `json:"version"`
	CreatedAt        time.Time  `json:"createdAt"`
	UpdatedAt        time.Time  `json:"updatedAt"`
}

// Principal is who a request says it is, decoded from the sign-in header.
type Principal struct {
	Provider string
	UserID   string
	Details  string // the email or user name the identity provider gave
}

// Fields are what an admin may set on a staff member.
type Fields struct {
	Email       *string `json:"email" validate:"omitnil,max=254,email"`
	DisplayName *string `json:"displayName" validate:"omitnil,min=1,max=200,nocontrol,noangle"`
	Role        *string `json:"role" validate:"omitnil,oneof=admin clinician frontdesk analyst"`
	Active      *bool   `json:"active"`
}
