package mail

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// MaxOfPerson caps OfPerson's list.
const MaxOfPerson = 100

// OfPerson lists the newest messages queued to participant id (linked by the outbox's
// trigger, see migration 00026), at most limit (capped at MaxOfPerson): kind, channel, when
// and whether it went, never a subject or body. Staff see what reached the person, not what
// it said.
func OfPerson(ctx context.Context, db postgres.DBTX, id int64, limit int) ([]Mail, error) {
	rows, err := db.Query(ctx, `
		SELECT id, message_id, channel, kind, '' AS to_addr, '' AS reply_to, lang, '' AS subject, '' AS text_body, '' AS html_body,
		       created_at, sent_at, coalesce(transport, '') AS transport, attempts, '' AS last_error, failed_at
		FROM outbox WHERE participant_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, id, min(max(limit, 1), MaxOfPerson))
	if err != nil {
		return nil, fmt.Errorf("mail: of person: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Mail])
	if err != nil {
		return nil, fmt.Errorf("mail: of person: %w", err)
	}
	return list, nil
}
