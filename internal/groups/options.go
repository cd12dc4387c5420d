package groups

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Option is a group as a choice in a select field.
type Option struct {
	ID   int64
	Name string
}

// Options lists the groups that are not closed, by name, for staff choosing a group to place
// someone in. The centre runs a few dozen groups, so a select stays usable.
func (s *Store) Options(ctx context.Context) ([]Option, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM groups WHERE status <> 'closed'
		ORDER BY name COLLATE "nb-NO-x-icu", id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("groups: options: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Option])
	if err != nil {
		return nil, fmt.Errorf("groups: options: %w", err)
	}
	return list, nil
}
