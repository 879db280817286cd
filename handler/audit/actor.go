package audit

import "github.com/google/uuid"

// Actor is who is acting: a signed-in staff member, or a system job.
type Actor struct {
	StaffID   *uuid.UUID
	Provider  string
	UserID    string
	Role      string
	RequestID string
}

// System is the actor for timers and triggers.
func System(job, invocationID string) Actor {
	return Actor{Provider: "system", UserID: job, Role: "system", RequestID: invocationID}
}

// Event starts an audit event for this actor.
func (a Actor) Event(action, objectType, objectID string, patientID *uuid.UUID,
	outcome Outcome) *Event {
	return &Event{ID: uuid.New(), ActorStaffID: a.StaffID, ActorProv: a.Provider,
		ActorUserID: a.UserID, ActorRole: a.Role, Action: action, ObjectType: objectType,
		ObjectID: objectID, PatientID: patientID, Outcome: outcome, RequestID: a.RequestID}
}
