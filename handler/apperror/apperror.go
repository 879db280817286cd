// Package apperror defines the one application error type that every layer returns and
// the HTTP layer maps to a problem response. Codes are stable strings clients may rely on;
// messages are safe to show and never carry the rejected values or patient data.
package apperror

import (
	"errors"
	"fmt"
)

// Kind groups codes into the few outcomes the API maps to statuses.
type Kind int

// The kinds of application error.
const (
	KindInternal     Kind = iota // unexpected fault; the caller learns only the request id
	KindInvalid                  // well-formed input that breaks a rule (422)
	KindBadRequest               // input that cannot be read as the route's shape (400)
	KindNotFound                 // no such object for this caller (404)
	KindConflict                 // a state or uniqueness clash (409)
	KindPrecondition             // If-Match does not match (412)
	KindUnavailable              // a dependency is down or too slow (503)
)

// FieldError names a field at fault and the rule it broke, never the value.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Error is an application error: a kind, a stable code, a safe message and, for
// validation failures, the fields at fault.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  []FieldError
	Err     error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error of the given kind and code.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Invalid returns a validation error listing the fields at fault.
func Invalid(fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: "validation_failed",
		Message: "Validation failed", Fields: fields}
}

// NotFound is the one answer for a missing object or one the caller may not see.
func NotFound() *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: "Not found"}
}

// Conflict returns a 409-kind error with the given code.
func Conflict(code, message string) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: message}
}

// Unavailable wraps a dependency failure that the caller may retry later.
func Unavailable(err error) *Error {
	return &Error{Kind: KindUnavailable, Code: "unavailable",
		Message: "Service temporarily unavailable", Err: err}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err carries an *Error of the given kind.
func IsKind(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}
