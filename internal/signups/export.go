package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// MaxExport bounds a download of the waiting list.
const MaxExport = 50000

// ExportRow is one waiting sign-up in a download of the waiting list: the columns an import
// reads, so a list exported can be imported elsewhere.
type ExportRow struct {
	FirstName      string
	Email          string
	Phone          string
	Theme          string
	Group          string
	WaitingSince   time.Time
	Contact        string
	Lang           string
	Note           string
	ConsentPending bool // imported, consent not yet confirmed by staff
}

// ExportWaiting returns the people waiting for target (every queue when target is zero),
// by queue and longest waiting first, and records in the audit log that by downloaded them
// as format, with how many and the filter.
func (s *Store) ExportWaiting(ctx context.Context, t Target, format string, by audit.Actor) ([]ExportRow, error) {
	var list []ExportRow
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT p.first_name, coalesce(p.email::text, ''), coalesce(p.phone, ''),
				coalesce(th.name_nb, ''), coalesce(g.name, ''), s.waiting_since, p.contact, p.lang, s.note,
				p.imported_at IS NOT NULL AND p.consent_confirmed_at IS NULL
			FROM signups s JOIN participants p ON p.id = s.participant_id
			LEFT JOIN groups g ON g.id = s.group_id LEFT JOIN themes th ON th.id = s.theme_id
			WHERE s.status = 'waiting'
			  AND ($1::bigint = 0 OR s.group_id = $1)
			  AND ($2::bigint = 0 OR (s.group_id IS NULL AND s.theme_id = $2))
			ORDER BY coalesce(g.name, th.name_nb), s.waiting_since, s.id LIMIT $3`, t.GroupID, t.ThemeID, MaxExport)
		if err != nil {
			return fmt.Errorf("signups: export: %w", err)
		}
		if list, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExportRow]); err != nil {
			return fmt.Errorf("signups: export: %w", err)
		}
		details := map[string]any{"format": format, "rows": len(list)}
		if t.GroupID != 0 {
			details["gruppe"] = t.GroupID
		}
		if t.ThemeID != 0 {
			details["tema"] = t.ThemeID
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.WaitingListExported, Entity: "participant", Details: details})
	})
	return list, err
}
