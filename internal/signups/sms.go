package signups

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// SMSActor is who stops SMS when a participant answers STOPP: the SMS provider, on their word.
var SMSActor = audit.Actor{Label: "sms"}

// StopSMSFrom stops SMS to every participant whose phone number is from (in any form
// sms.Normalize reads) when they answered STOPP, and records an audit line for each, by
// SMSActor, in one transaction. It returns how many were stopped now; a number nobody has, or
// people already stopped, change nothing. A number that is not one is a postgres.ErrInvalid.
func (s *Store) StopSMSFrom(ctx context.Context, from string) (int, error) {
	number, err := sms.Normalize(from)
	if err != nil {
		return 0, fmt.Errorf("signups: stop SMS: %w: not a phone number", postgres.ErrInvalid)
	}
	digits := strings.TrimPrefix(number, "+")
	stopped := 0
	err = postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// The numbers are stored as typed: the index finds those with the same last eight
		// digits, and each is compared in E.164 form.
		rows, err := tx.Query(ctx, `SELECT id, phone FROM participants
			WHERE phone IS NOT NULL AND right(regexp_replace(phone, '[^0-9]', '', 'g'), 8) = $1 AND sms_stopped_at IS NULL
			FOR UPDATE`, digits[len(digits)-8:])
		if err != nil {
			return fmt.Errorf("signups: stop SMS: %w", err)
		}
		type person struct {
			ID    int64
			Phone string
		}
		people, err := pgx.CollectRows(rows, pgx.RowToStructByPos[person])
		if err != nil {
			return fmt.Errorf("signups: stop SMS: %w", err)
		}
		for _, p := range people {
			if n, err := sms.Normalize(p.Phone); err != nil || n != number {
				continue
			}
			if err := setSMSStopped(ctx, tx, p.ID, true); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, SMSActor, audit.Entry{Action: audit.SMSStopped, Entity: "participant", EntityID: p.ID,
				Details: map[string]any{"by": "STOPP"}}); err != nil {
				return err
			}
			stopped++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return stopped, nil
}

// SetSMSStopped stops SMS to the participant (stopped) or allows them again, for staff member
// by, and records it in the audit log in the same transaction. A participant without a phone
// number cannot be allowed SMS (ErrInvalid); a missing one is ErrNotFound.
func (s *Store) SetSMSStopped(ctx context.Context, participantID int64, stopped bool, by audit.Actor) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var phone *string
		err := tx.QueryRow(ctx, `SELECT phone FROM participants WHERE id = $1 FOR UPDATE`, participantID).Scan(&phone)
		if err != nil {
			return fmt.Errorf("signups: SMS: %w", postgres.MapError(err))
		}
		if phone == nil && !stopped {
			return fmt.Errorf("signups: SMS: %w: the participant has no phone number", postgres.ErrInvalid)
		}
		if err := setSMSStopped(ctx, tx, participantID, stopped); err != nil {
			return err
		}
		action := audit.SMSAllowed
		if stopped {
			action = audit.SMSStopped
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: action, Entity: "participant", EntityID: participantID})
	})
}

func setSMSStopped(ctx context.Context, tx pgx.Tx, id int64, stopped bool) error {
	_, err := tx.Exec(ctx, `UPDATE participants
		SET sms_stopped_at = CASE WHEN $2 THEN coalesce(sms_stopped_at, now()) END WHERE id = $1`, id, stopped)
	if err != nil {
		return fmt.Errorf("signups: SMS: %w", postgres.MapError(err))
	}
	return nil
}
