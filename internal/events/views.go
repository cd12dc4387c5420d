package events

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Attendees is Signups for staff member by, with a line in the audit log in the same
// transaction as the read: the list shows names and addresses beside the event, which may
// name a theme.
func (s *Store) Attendees(ctx context.Context, eventID int64, limit, offset int, by audit.Actor) ([]Signup, int, error) {
	var list []Signup
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if list, total, err = NewStore(tx, s.out).Signups(ctx, eventID, limit, offset); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "event_signups", EntityID: eventID,
			Details: map[string]any{"offset": offset, "shown": len(list)}})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("events: attendees: %w", err)
	}
	return list, total, nil
}

// Held is one of a person's event sign-ups in their download: which event, when, and how it
// stands.
type Held struct {
	Event      string    `json:"event"`
	Starts     time.Time `json:"starts_at"`
	Status     string    `json:"status"`
	SignedUpAt time.Time `json:"signed_up_at"`
}

// MaxHeld bounds OfAddress: a person has a handful.
const MaxHeld = 500

// OfAddress lists the event sign-ups made with the address email, oldest first, for the
// person's own download; "" has none.
func (s *Store) OfAddress(ctx context.Context, email string) ([]Held, error) {
	if email == "" {
		return []Held{}, nil
	}
	rows, err := s.db.Query(ctx, `SELECT e.title, e.starts_at, s.status, s.created_at
		FROM event_signups s JOIN events e ON e.id = s.event_id
		WHERE s.email = $1 ORDER BY s.created_at, s.id LIMIT $2`, email, MaxHeld)
	if err != nil {
		return nil, fmt.Errorf("events: of address: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Held])
	if err != nil {
		return nil, fmt.Errorf("events: of address: %w", err)
	}
	return list, nil
}
