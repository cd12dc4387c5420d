package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Unconfirmed is an imported person whose consent staff have not yet confirmed.
type Unconfirmed struct {
	ParticipantID int64
	FirstName     string
	Email         string
	Phone         string
	ImportedAt    time.Time
}

// Unconfirmed lists one page of the imported people waiting for staff to phone them about
// their consent, oldest import first, and how many there are; by's view of their names and
// numbers is recorded in the audit log.
func (s *Store) Unconfirmed(ctx context.Context, limit, offset int, by audit.Actor) ([]Unconfirmed, int, error) {
	var list []Unconfirmed
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, first_name, coalesce(email::text, ''), coalesce(phone, ''), imported_at,
				count(*) OVER ()
			FROM participants WHERE imported_at IS NOT NULL AND consent_confirmed_at IS NULL
			ORDER BY imported_at, id LIMIT $1 OFFSET $2`, limit, offset)
		if err != nil {
			return fmt.Errorf("signups: unconfirmed: %w", err)
		}
		list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Unconfirmed, error) {
			var u Unconfirmed
			return u, r.Scan(&u.ParticipantID, &u.FirstName, &u.Email, &u.Phone, &u.ImportedAt, &total)
		})
		if err != nil {
			return fmt.Errorf("signups: unconfirmed: %w", err)
		}
		if len(list) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "participant",
			Details: map[string]any{"list": "import_unconfirmed", "count": len(list)}})
	})
	return list, total, err
}

// CountUnconfirmed says how many imported people wait for their consent to be confirmed.
func (s *Store) CountUnconfirmed(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM participants WHERE imported_at IS NOT NULL AND consent_confirmed_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("signups: unconfirmed: %w", err)
	}
	return n, nil
}

// ConfirmConsent records that by phoned the imported participant id, who agreed to be on the
// waiting list under today's consent text: from now on messages go to them by their channel.
// An unknown person is postgres.ErrNotFound; one not imported, or confirmed already,
// postgres.ErrConflict.
func (s *Store) ConfirmConsent(ctx context.Context, id int64, by audit.Actor, now time.Time) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var pending bool
		err := tx.QueryRow(ctx, `SELECT imported_at IS NOT NULL AND consent_confirmed_at IS NULL FROM participants
			WHERE id = $1 FOR UPDATE`, id).Scan(&pending)
		if err != nil {
			return fmt.Errorf("signups: confirm consent: %w", postgres.MapError(err))
		}
		if !pending {
			return fmt.Errorf("signups: confirm consent: %w", postgres.ErrConflict)
		}
		_, err = tx.Exec(ctx, `UPDATE participants SET consent_confirmed_at = $2, consent_confirmed_by = nullif($3, 0)
			WHERE id = $1`, id, now, by.ID)
		if err != nil {
			return fmt.Errorf("signups: confirm consent: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE signups SET consent_version = $2, consented_at = $3
			WHERE participant_id = $1 AND consent_version = $4`, id, ConsentVersion, now, ImportConsent); err != nil {
			return fmt.Errorf("signups: confirm consent: %w", err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ConsentConfirmed, Entity: "participant", EntityID: id,
			Details: map[string]any{"consent_version": ConsentVersion}})
	})
}
