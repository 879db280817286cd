package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Event types written to the outbox. Data carries ids only, never patient details.
const (
	EventPatientCreated  = "org.patienttracker.patient.created"
	EventPatientUpdated  = "org.patienttracker.patient.updated"
	EventPatientArchived = "org.patienttracker.patient.archived"
	EventPatientRestored = "org.patienttracker.patient.restored"
	EventVisitCreated    = "org.patienttracker.visit.created"
	EventVisitUpdated    = "org.patienttracker.visit.updated"
)

// insertEvent writes a domain event to the outbox inside tx, so it exists exactly when
// the change it describes does.
func insertEvent(ctx context.Context, tx pgx.Tx, at time.Time, typ, subject string,
	data map[string]any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode event data: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (id, type, subject, time, data)
	  VALUES ($1, $2, $3, $4, $5)`, uuid.New(), typ, subject, at.UTC(), b)
	if err != nil {
		return fmt.Errorf("insert outbox event: %w", err)
	}
	return nil
}
