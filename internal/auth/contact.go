package auth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// SetContact checks f and saves the centre's contact details (kept in the settings table auth
// owns), done by by, with its audit line. A form with errors gives its validate.Errors.
func (s *Store) SetContact(ctx context.Context, f centre.Form, by audit.Actor) error {
	c, errs := f.Validate()
	if !errs.OK() {
		return errs
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			UPDATE settings SET contact_name = $1, contact_phone = $2, contact_email = $3,
			       contact_address = $4, contact_floor = $5, contact_how_to_get_in = $6,
			       contact_phone_hours = $7`,
			c.Name, c.Phone, c.Email, c.Address, c.Floor, c.HowToGetIn, c.PhoneHours); err != nil {
			return err
		}
		// The centre's details are public: the audit line may carry them.
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.SettingsChanged, Entity: "settings",
			Details: map[string]any{"contact_phone": c.Phone, "contact_email": c.Email, "contact_address": c.Address}})
	})
	if err != nil {
		return fmt.Errorf("auth: contact: %w", err)
	}
	return nil
}
